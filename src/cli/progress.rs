//! The progress bar of `lede ingest`, drawn on standard error from the library's
//! [`Progress`] reports. Only a terminal gets one: in a pipe, a log file or with `--quiet`
//! the bar is hidden and nothing is written.

use std::io::{self, IsTerminal};
use std::time::Duration;

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};
use lede::ingest::Progress;

/// Before the input size is known (or when it is zero): elapsed time and counts.
const SPINNER_TEMPLATE: &str = "{spinner} {elapsed:>4} {wide_msg}";
/// With the input size: bytes, rate and time left first, so that a narrow terminal cuts
/// the counts (`wide_msg` is truncated to the line) rather than wrapping.
const BAR_TEMPLATE: &str =
    "[{bar:20}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} · {wide_msg}";

/// Redraws per second: enough to look alive, too few to cost anything.
const REFRESH_PER_SECOND: u8 = 10;

/// A progress bar on standard error, or nothing.
#[derive(Clone)]
pub struct IngestBar {
    bar: ProgressBar,
}

impl IngestBar {
    /// A bar on standard error when it is a terminal and the user did not ask for quiet.
    pub fn new(quiet: bool) -> IngestBar {
        IngestBar::with_visibility(!quiet && io::stderr().is_terminal())
    }

    fn with_visibility(visible: bool) -> IngestBar {
        if !visible {
            return IngestBar {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(
            None,
            ProgressDrawTarget::stderr_with_hz(REFRESH_PER_SECOND),
        );
        bar.set_style(spinner_style());
        bar.set_message("finding files");
        // Ticks keep the elapsed time moving while one large batch is being analysed.
        bar.enable_steady_tick(Duration::from_millis(200));
        IngestBar { bar }
    }

    /// Shows how far the ingest has come.
    pub fn update(&self, progress: &Progress) {
        if self.bar.is_hidden() {
            return;
        }
        if self.bar.length().is_none() && progress.bytes_total > 0 {
            self.bar.set_length(progress.bytes_total);
            self.bar.set_style(bar_style());
        }
        self.bar.set_position(progress.bytes_read);
        self.bar.set_message(message(progress));
    }

    /// Runs `write` (an error message) with the bar out of the way, so lines do not mix.
    pub fn suspend<T>(&self, write: impl FnOnce() -> T) -> T {
        self.bar.suspend(write)
    }

    /// Removes the bar, leaving the terminal as it was for the summary.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// "12/2,226 files · 1,234 articles · 5,678 paragraphs", and what is left once every file
/// has been read (the last batch and the final commit can take a while).
fn message(progress: &Progress) -> String {
    let mut message = format!(
        "{}/{} files · {} articles · {} paragraphs",
        HumanCount(progress.files_done as u64),
        HumanCount(progress.files_total as u64),
        HumanCount(progress.articles as u64),
        HumanCount(progress.paragraphs as u64),
    );
    if progress.files_total > 0 && progress.files_done == progress.files_total {
        message.push_str(" · writing the index");
    }
    message
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template(SPINNER_TEMPLATE)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template(BAR_TEMPLATE)
        .map(|style| style.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_counts_files_articles_and_paragraphs() {
        let progress = Progress {
            files_total: 2226,
            files_done: 12,
            bytes_total: 1 << 20,
            bytes_read: 1 << 19,
            articles: 1234,
            paragraphs: 5678,
        };
        assert_eq!(
            message(&progress),
            "12/2,226 files · 1,234 articles · 5,678 paragraphs"
        );
        let done = Progress {
            files_done: 2226,
            ..progress
        };
        assert!(message(&done).ends_with(" · writing the index"));
    }

    #[test]
    fn a_hidden_bar_ignores_updates() {
        let bar = IngestBar::with_visibility(false);
        bar.update(&Progress {
            bytes_total: 10,
            bytes_read: 5,
            ..Progress::default()
        });
        assert!(bar.bar.is_hidden());
        assert_eq!(bar.bar.length(), None);
        assert_eq!(bar.suspend(|| 7), 7);
    }

    #[test]
    fn the_templates_parse() {
        // A template error would silently fall back to indicatif's default style.
        assert!(ProgressStyle::with_template(BAR_TEMPLATE).is_ok());
        assert!(ProgressStyle::with_template(SPINNER_TEMPLATE).is_ok());
    }
}
