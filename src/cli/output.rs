//! Where output goes: colour decisions, terminal width, error messages, broken pipes.

use std::io::{self, IsTerminal, Write};

use termcolor::{BufferedStandardStream, ColorChoice, StandardStream};

use super::ColorWhen;
use lede::render::text::TextOptions;

/// Standard output, coloured when `when` and the environment allow, and buffered: a
/// result list written line by line cost one system call a line (125 for one query).
/// Callers flush at the end, so that a failed write is reported rather than lost in a drop.
pub fn stdout(when: ColorWhen) -> BufferedStandardStream {
    BufferedStandardStream::stdout(choice(when, io::stdout().is_terminal()))
}

/// Standard error, coloured when `when` and the environment allow.
pub fn stderr(when: ColorWhen) -> StandardStream {
    StandardStream::stderr(choice(when, io::stderr().is_terminal()))
}

fn choice(when: ColorWhen, is_terminal: bool) -> ColorChoice {
    match when {
        ColorWhen::Always => ColorChoice::AlwaysAnsi,
        ColorWhen::Never => ColorChoice::Never,
        // termcolor's Auto honours NO_COLOR and TERM=dumb but not whether this is a terminal.
        ColorWhen::Auto if is_terminal => ColorChoice::Auto,
        ColorWhen::Auto => ColorChoice::Never,
    }
}

/// Wrap text at the terminal's width; in a pipe, keep one passage a line.
pub fn text_options(why: bool) -> TextOptions {
    let width = if io::stdout().is_terminal() {
        terminal_size::terminal_size().map_or(100, |(w, _)| w.0 as usize)
    } else {
        usize::MAX
    };
    TextOptions { width, why }
}

/// True when the error is a closed pipe (`lede query … | head -1`): not an error for users.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Prints `lede: error: …` with the causes, on standard error.
pub fn report_error(error: &anyhow::Error) {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    // Writing to a closed standard error must not panic, as eprintln! would.
    let _ = writeln!(
        io::stderr(),
        "lede: error: {}",
        lede::render::text::clean(&message)
    );
}
