//! Colour decisions end to end, on a real pseudo-terminal: colour on a terminal, none in a
//! pipe, none with NO_COLOR or --color never, colour in a pipe with --color always; and text
//! wrapped at the terminal's width.

use crate::util::TestEnv;

const ESC: char = '\u{1b}';

/// The shared index of `corpus/` (read only).
fn indexed() -> &'static TestEnv {
    TestEnv::indexed_corpus()
}

/// Text without the SGR colour sequences.
fn strip_colour(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_terminal_gets_colour_and_no_markers() {
    let env = indexed();
    let run = env.lede_in_terminal(&["query", "weapons supply", "--facet", "country"], &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // Highlights are bold red, facet values green: both distinguishable from plain text.
    assert!(
        run.stdout.contains("\u{1b}[1m\u{1b}[31msupply"),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\u{1b}[32mNorth Korea (KP)"),
        "{:?}",
        run.stdout
    );
    assert!(!run.stdout.contains("**supply**"), "{}", run.stdout);
    let facets = env.lede_in_terminal(&["facets", "country"], &[]);
    assert!(
        facets.stdout.contains("\u{1b}[32mRussia (RU)"),
        "{:?}",
        facets.stdout
    );
}

#[test]
fn a_pipe_gets_markers_and_no_colour() {
    let env = indexed();
    let run = env.lede_ok(&["query", "weapons supply", "--facet", "country"], 0);
    assert!(!run.stdout.contains(ESC), "{:?}", run.stdout);
    assert!(run.stdout.contains("**supply**"), "{}", run.stdout);
}

#[test]
fn no_color_and_color_never_turn_colour_off_on_a_terminal() {
    let env = indexed();
    for (args, vars) in [
        (vec!["query", "weapons supply"], vec![("NO_COLOR", "1")]),
        (vec!["query", "weapons supply", "--color", "never"], vec![]),
        (vec!["query", "weapons supply"], vec![("TERM", "dumb")]),
    ] {
        let run = env.lede_in_terminal(&args, &vars);
        assert_eq!(run.code, 0, "{}", run.stdout);
        assert!(
            !run.stdout.contains(ESC),
            "{args:?} {vars:?}: {:?}",
            run.stdout
        );
        assert!(run.stdout.contains("**supply**"), "{}", run.stdout);
    }
}

#[test]
fn color_always_colours_a_pipe_even_with_no_color() {
    let env = indexed();
    let run = env.lede_ok(&["query", "weapons supply", "--color", "always"], 0);
    assert!(run.stdout.contains("\u{1b}[31m"), "{:?}", run.stdout);
    let run = env.lede_with(
        &["query", "weapons supply", "--color", "always"],
        &[("NO_COLOR", "1")],
    );
    assert!(
        run.stdout.contains("\u{1b}[31m"),
        "an explicit flag wins: {:?}",
        run.stdout
    );
}

#[test]
fn passages_wrap_at_the_terminal_width_and_not_in_a_pipe() {
    let env = indexed();
    // The pseudo-terminal is 100 columns wide (see util::lede_in_terminal).
    let run = env.lede_in_terminal(&["query", "weapons supply", "--facet", "country"], &[]);
    let text = strip_colour(&run.stdout);
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{line:?}");
    }
    let piped = env.lede_ok(&["query", "weapons supply"], 0);
    assert!(
        piped.stdout.lines().any(|line| line.chars().count() > 100),
        "one passage a line in a pipe:\n{}",
        piped.stdout
    );
}
