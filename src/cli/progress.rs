//! The progress bar of `lede ingest`, drawn on standard error from the library's
//! [`Progress`] reports. Only a terminal gets one: in a pipe, a log file or with `--quiet`
//! the bar is hidden and nothing is written.

use std::cell::Cell;
use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{
    BinaryBytes, HumanCount, HumanDuration, ProgressBar, ProgressDrawTarget, ProgressStyle,
};
use lede::ingest::Progress;

/// Before the input size is known (or when it is zero): elapsed time and counts.
const SPINNER_TEMPLATE: &str = "{spinner} {elapsed:>4} {wide_msg}";
/// With the input size, until the first batch is written: reading alone runs far faster
/// than analysing, and the extractor is still being built, so a rate would mislead.
const UNTIMED_BAR_TEMPLATE: &str = "[{bar:20}] {binary_bytes}/{binary_total_bytes} · {wide_msg}";
/// Once batches are written: bytes, then rate and time left (the prefix, see [`pace`]),
/// first, so that a narrow terminal cuts the counts (`wide_msg` is truncated to the line)
/// rather than wrapping.
const BAR_TEMPLATE: &str = "[{bar:20}] {binary_bytes}/{binary_total_bytes} {prefix} · {wide_msg}";

/// Redraws per second: enough to look alive, too few to cost anything.
const REFRESH_PER_SECOND: u8 = 10;

/// A progress bar on standard error, or nothing.
pub struct IngestBar {
    bar: ProgressBar,
    stage: Cell<Stage>,
    started: Instant,
}

/// What the bar can show so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The inputs are being found: a spinner.
    Finding,
    /// Their size is known: a bar without rate or time left.
    Reading,
    /// Articles are being written: a bar with rate and time left.
    Writing,
}

impl Stage {
    fn of(progress: &Progress) -> Stage {
        match (progress.bytes_total, progress.paragraphs) {
            (0, _) => Stage::Finding,
            (_, 0) => Stage::Reading,
            _ => Stage::Writing,
        }
    }
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
                stage: Cell::new(Stage::Finding),
                started: Instant::now(),
            };
        }
        let bar = ProgressBar::with_draw_target(
            None,
            ProgressDrawTarget::stderr_with_hz(REFRESH_PER_SECOND),
        );
        bar.set_style(style(SPINNER_TEMPLATE));
        bar.set_message("finding files");
        // Ticks keep the elapsed time moving while one large batch is being analysed.
        bar.enable_steady_tick(Duration::from_millis(200));
        IngestBar {
            bar,
            stage: Cell::new(Stage::Finding),
            started: Instant::now(),
        }
    }

    /// Shows how far the ingest has come.
    pub fn update(&self, progress: &Progress) {
        if self.bar.is_hidden() {
            return;
        }
        let stage = Stage::of(progress);
        if stage != self.stage.replace(stage) {
            self.enter(stage, progress);
        }
        if stage == Stage::Writing {
            self.bar.set_prefix(pace(progress, self.started.elapsed()));
        }
        self.bar.set_position(progress.bytes_read);
        self.bar.set_message(message(progress));
    }

    /// Switches the bar's look; rates are measured from the first batch written on.
    fn enter(&self, stage: Stage, progress: &Progress) {
        match stage {
            Stage::Finding => self.bar.set_style(style(SPINNER_TEMPLATE)),
            Stage::Reading => {
                self.bar.set_length(progress.bytes_total);
                self.bar.set_style(style(UNTIMED_BAR_TEMPLATE));
            }
            Stage::Writing => {
                self.bar.set_length(progress.bytes_total);
                self.bar.set_style(style(BAR_TEMPLATE));
            }
        }
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

/// "2.50 MiB/s, 3 seconds left": the average over the whole run so far. Reading a batch is
/// far faster than analysing it, so indicatif's recent-rate estimate swings between the
/// two; the average is steady and what the rest of the run will see.
fn pace(progress: &Progress, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds <= 0.0 || progress.bytes_read == 0 {
        return String::new();
    }
    let rate = progress.bytes_read as f64 / seconds;
    let left = progress.bytes_total.saturating_sub(progress.bytes_read) as f64 / rate;
    format!(
        "{}/s, {} left",
        BinaryBytes(rate as u64),
        HumanDuration(Duration::from_secs_f64(left))
    )
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

/// The style of `template`, or indicatif's default should the template be wrong (a test
/// checks that none is).
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
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
    fn the_pace_is_the_average_rate_and_the_time_left_at_that_rate() {
        let progress = Progress {
            bytes_total: 10 << 20,
            bytes_read: 4 << 20,
            ..Progress::default()
        };
        assert_eq!(
            pace(&progress, Duration::from_secs(2)),
            "2.00 MiB/s, 3 seconds left"
        );
        assert_eq!(pace(&Progress::default(), Duration::ZERO), "");
    }

    #[test]
    fn rates_wait_for_the_first_batch_written() {
        let mut progress = Progress::default();
        assert_eq!(Stage::of(&progress), Stage::Finding);
        progress.bytes_total = 100;
        progress.bytes_read = 60;
        assert_eq!(Stage::of(&progress), Stage::Reading);
        progress.paragraphs = 1;
        assert_eq!(Stage::of(&progress), Stage::Writing);
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
        for template in [SPINNER_TEMPLATE, UNTIMED_BAR_TEMPLATE, BAR_TEMPLATE] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }
}
