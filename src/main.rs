//! The `lede` command: parses arguments, runs one command, maps the outcome to an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    return_freed_arena_pages_to_the_system();
    let args = cli::Cli::from_env();
    match cli::run(args) {
        Ok(outcome) => ExitCode::from(outcome as u8),
        Err(error) if cli::output::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            cli::output::report_error(&error);
            ExitCode::from(cli::Outcome::Failed as u8)
        }
    }
}

/// Tantivy builds each segment in 1 MiB arena pages and frees them when the segment is
/// written. After the first such free, glibc raises its mmap threshold above 1 MiB and serves
/// later pages from per-thread heaps, which fragment and never shrink: private memory grew
/// with corpus size (240 MiB at a million paragraphs against 140 at 100k). With the threshold
/// fixed at one page, pages are mapped and unmapped instead, and memory stays bounded
/// (161-173 MiB at a million paragraphs with a 64 MiB writer budget, 140 MiB with the
/// default 48) for a few percent more system time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_freed_arena_pages_to_the_system() {
    const ARENA_PAGE: libc::c_int = 1 << 20;
    // SAFETY: mallopt only changes a tuning parameter of glibc's allocator; it is called
    // before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, ARENA_PAGE);
    }
}

/// Other allocators return large blocks on their own.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_freed_arena_pages_to_the_system() {}
