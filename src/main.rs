//! The `lede` command: parses arguments, runs one command, maps the outcome to an exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(outcome) => ExitCode::from(outcome as u8),
        Err(error) if cli::output::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            cli::output::report_error(&error);
            ExitCode::from(cli::Outcome::Failed as u8)
        }
    }
}
