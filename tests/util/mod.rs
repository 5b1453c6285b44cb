//! Shared harness of the end-to-end tests: a temporary folder per test holding a copy of
//! `corpus/` and the index, and a builder that runs the real `lede` binary in it.

#![allow(dead_code)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// A temporary working folder with its own index.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

/// What a run of `lede` printed and how it ended.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// The outcome of a finished process; fails the test if lede panicked.
    pub fn checked(
        args: &[&str],
        status: std::process::ExitStatus,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    ) -> Run {
        let run = Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "lede panicked on {args:?}:\n{}",
            run.stderr
        );
        run
    }

    /// Standard output parsed as one JSON value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}):\n{}", self.stdout))
    }

    /// Standard output parsed as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("bad JSON line ({e}): {line}"))
            })
            .collect()
    }
}

impl TestEnv {
    /// An empty working folder.
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// A working folder with a copy of the repository's `corpus/`.
    pub fn with_corpus() -> TestEnv {
        let env = TestEnv::new();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for entry in fs::read_dir(&source).expect("corpus/ exists") {
            let path = entry.unwrap().path();
            env.write_bytes(
                &format!("corpus/{}", path.file_name().unwrap().to_string_lossy()),
                &fs::read(&path).unwrap(),
            );
        }
        env
    }

    /// A copy of `corpus/` with its index, built once per test run and shared by the tests
    /// that only query it: ingesting it again for every test cost most of the suite's time.
    pub fn indexed_corpus() -> &'static TestEnv {
        static INDEXED: OnceLock<TestEnv> = OnceLock::new();
        INDEXED.get_or_init(|| {
            let env = TestEnv::with_corpus();
            env.lede_ok(&["ingest", "corpus/", "--quiet"], 0);
            env
        })
    }

    /// The working folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders) under the working folder.
    pub fn write(&self, relative: &str, content: &str) -> PathBuf {
        self.write_bytes(relative, content.as_bytes())
    }

    /// Writes raw bytes under the working folder.
    pub fn write_bytes(&self, relative: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }

    /// Runs `lede ARGS` in the working folder (index `./lede-index`, no colour unless asked).
    pub fn lede(&self, args: &[&str]) -> Run {
        self.lede_with(args, &[])
    }

    /// A `lede ARGS` command to run in the working folder, for tests that need to feed its
    /// standard input or run it in the background.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lede"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("LEDE_INDEX")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        command
    }

    /// Runs `lede ARGS` with `input` on its standard input.
    pub fn lede_with_input(&self, args: &[&str], input: &[u8]) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lede runs");
        let mut stdin = child.stdin.take().expect("piped standard input");
        let input = input.to_vec();
        // Written from a thread: the pipe holds less than a large input.
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().expect("lede ran");
        writer.join().expect("input written");
        Run::checked(args, output.status, output.stdout, output.stderr)
    }

    /// Runs `lede ARGS` and returns how it ended with its peak resident memory in MiB.
    ///
    /// The figure is an upper bound: a child started the way `std::process::Command` starts it
    /// (sharing this process's memory until it runs lede) also counts this process's own peak, so
    /// tests measuring memory keep theirs small.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // The child is reaped by `wait4`, which std does not know about.
    #[allow(clippy::zombie_processes)]
    pub fn lede_measured(&self, args: &[&str]) -> (Run, u64) {
        use std::os::unix::process::ExitStatusExt;
        let mut child = self
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                pipe.read_to_end(&mut bytes).unwrap();
                bytes
            })
        };
        let stdout = drain(Box::new(child.stdout.take().unwrap()));
        let stderr = drain(Box::new(child.stderr.take().unwrap()));
        let pid = child.id() as libc::pid_t;
        let mut status = 0;
        // SAFETY: an all-zero rusage is valid; wait4 fills it in for our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // wait4 reports the peak memory of this child alone, whatever other tests run.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(reaped, pid, "wait4 failed");
        let run = Run::checked(
            args,
            std::process::ExitStatus::from_raw(status),
            stdout.join().unwrap(),
            stderr.join().unwrap(),
        );
        // ru_maxrss is in KiB on Linux.
        (run, usage.ru_maxrss as u64 / 1024)
    }

    /// Runs `lede ARGS` with extra environment variables.
    pub fn lede_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(args);
        for (key, value) in env {
            command.env(key, value);
        }
        let Output {
            status,
            stdout,
            stderr,
        } = command.output().expect("lede runs");
        Run::checked(args, status, stdout, stderr)
    }

    /// Runs `lede ARGS` on a pseudo-terminal (through util-linux `script`), as a user at a
    /// terminal would, with `TERM=xterm` and the extra environment variables `env`. Standard
    /// output and standard error both go to the terminal and come back together in `stdout`,
    /// with the terminal's `\r\n` line ends turned into `\n`.
    pub fn lede_in_terminal(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut line = shell_quote(env!("CARGO_BIN_EXE_lede"));
        for arg in args {
            line.push(' ');
            line.push_str(&shell_quote(arg));
        }
        // `script` runs the command in a shell of its own: give it a sane size and TERM.
        let line = format!("stty cols 100 rows 40 2>/dev/null; exec {line}");
        let mut command = Command::new("script");
        command
            .args(["-qec", &line, "/dev/null"])
            .current_dir(self.dir.path())
            .env_remove("LEDE_INDEX")
            .env_remove("NO_COLOR")
            .env("TERM", "xterm")
            .stdin(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command
            .output()
            .expect("util-linux `script` is installed (it provides the pseudo-terminal)");
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n"),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !run.stdout.contains("panicked"),
            "lede panicked on {args:?}:\n{}",
            run.stdout
        );
        run
    }

    /// Runs `lede ARGS` and requires exit code `code`.
    pub fn lede_ok(&self, args: &[&str], code: i32) -> Run {
        let run = self.lede(args);
        assert_eq!(
            run.code, code,
            "lede {args:?} exited {}, expected {code}\nstdout:\n{}\nstderr:\n{}",
            run.code, run.stdout, run.stderr
        );
        run
    }
}

/// Compares `actual` with the golden file `tests/golden/NAME`; with `LEDE_UPDATE_GOLDEN=1`
/// rewrites the file instead.
pub fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("LEDE_UPDATE_GOLDEN").is_some() {
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with LEDE_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "output differs from {}; if the change is intended, run with LEDE_UPDATE_GOLDEN=1",
        path.display()
    );
}

/// `text` quoted for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Twelve articles naming people by surname alone and in full, as JSON Lines: "Reagan"
/// alone (two passages, one article) beside Ronald Reagan only (two articles), so that it
/// joins him; "Bush" alone beside George Bush and Kate Bush, equally named, so that it
/// stays apart; a band, "Tom Tailor", that two of its four articles call one, so that it is
/// no person in any; "Ann Smith", read as a film's name in one article of two, so that she
/// stays a person in the other.
pub fn surnames_corpus() -> String {
    let articles = [
        ("a", "President Ronald Reagan met Congress."),
        ("b", "President Ronald Reagan vetoed the bill."),
        (
            "c",
            "Mr Reagan said he would sign it.\n\nMr Reagan left for Camp David.",
        ),
        ("d", "George Bush spoke in Iowa."),
        ("e", "Kate Bush released an album."),
        ("f", "Mr Bush said no."),
        // A band, named so in two articles of four: no person anywhere.
        ("g", "The band Tom Tailor played in Leeds."),
        (
            "h",
            "Tom Tailor, who were shortlisted twice, won the prize.",
        ),
        ("i", "Tickets for Tom Tailor sold out in an hour."),
        ("j", "Tom Tailor topped the chart in March."),
        // A person misread as a work in one article stays a person in the others.
        ("k", "The film Ann Smith won a prize."),
        ("l", "Ann Smith directed it in Leeds."),
    ];
    let lines: Vec<String> = articles
        .iter()
        .map(|(id, body)| serde_json::json!({"id": id, "body": body}).to_string())
        .collect();
    lines.join("\n") + "\n"
}
