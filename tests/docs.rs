//! `lede completions` and `lede man` end to end: generated from the command definitions,
//! so they must name every command.

use std::process::{Command, Stdio};

use crate::util::TestEnv;

const COMMANDS: [&str; 5] = ["ingest", "query", "facets", "extract", "stats"];

#[test]
fn every_shell_gets_a_completion_script_naming_the_commands_and_options() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = env.lede_ok(&["completions", shell], 0);
        assert!(run.stdout.len() > 1000, "{shell}: {}", run.stdout);
        for command in COMMANDS {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
        assert!(run.stdout.contains("country"), "{shell} lacks --country");
        assert_eq!(run.stderr, "");
    }
    let bash = env.lede_ok(&["completions", "bash"], 0);
    assert!(bash.stdout.contains("complete -F _lede"), "{}", bash.stdout);
}

#[test]
fn an_unknown_shell_is_refused_naming_the_known_ones() {
    let run = TestEnv::new().lede_ok(&["completions", "tcsh"], 2);
    assert!(
        run.stderr.contains("tcsh") && run.stderr.contains("bash") && run.stderr.contains("zsh"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_manual_is_roff_for_lede_and_for_each_command() {
    let env = TestEnv::new();
    let main = env.lede_ok(&["man"], 0);
    assert!(main.stdout.contains(".TH lede 1"), "{}", main.stdout);
    assert!(main.stdout.contains(".SH SYNOPSIS"), "{}", main.stdout);
    for command in COMMANDS {
        assert!(main.stdout.contains(command), "lede(1) lacks {command}");
        let page = env.lede_ok(&["man", command], 0);
        assert!(
            page.stdout.contains(&format!(
                ".TH lede-{command} 1  \"lede {}\"",
                env!("CARGO_PKG_VERSION")
            )),
            "{command}: {}",
            page.stdout
        );
        assert!(
            page.stdout.contains("\\-\\-index"),
            "{command}: {}",
            page.stdout
        );
    }
    let query = env.lede_ok(&["man", "query"], 0);
    assert!(
        query.stdout.contains("weapons supply"),
        "examples are in the page"
    );
    let run = env.lede_ok(&["man", "serch"], 2);
    assert!(run.stderr.contains("ingest, query"), "{}", run.stderr);
}

#[test]
fn the_man_command_stays_out_of_the_help_but_completions_are_listed() {
    let run = TestEnv::new().lede_ok(&["--help"], 0);
    assert!(run.stdout.contains("completions"), "{}", run.stdout);
    assert!(run.stdout.contains("facets"), "{}", run.stdout);
    assert!(!run.stdout.contains("\n  man "), "{}", run.stdout);
}

#[test]
fn every_command_help_teaches_with_examples() {
    let env = TestEnv::new();
    for command in COMMANDS.iter().chain(&["completions", "man"]) {
        let run = env.lede_ok(&[command, "--help"], 0);
        let examples = run
            .stdout
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{command} --help has no examples:\n{}", run.stdout));
        let count = examples
            .lines()
            .take_while(|line| !line.is_empty())
            .filter(|line| line.trim_start().starts_with("lede "))
            .count();
        assert!(count >= 2, "{command}: {count} examples\n{}", run.stdout);
    }
}

#[test]
fn a_closed_pipe_ends_completions_and_man_quietly() {
    for args in [["completions", "bash"], ["man", "query"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lede"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lede runs");
        // Close the reading end before lede writes, as `| head -0` would.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("lede ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
