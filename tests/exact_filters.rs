//! `--person "=NAME"` and `--org "=NAME"`: one stored value exactly, where a name without
//! the mark takes every value with its words. Expectations come from the stored values of
//! every passage (an unfiltered query), never from a filtered answer.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::TestEnv;

/// People and organisations whose names hold one another: "Blair" in "Tony Blair" and
/// "Cherie Blair", "Defence Council" in "National Defence Council".
fn names() -> &'static TestEnv {
    static ENV: std::sync::OnceLock<TestEnv> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let env = TestEnv::new();
        let lines = [
            r#"{"id": "b1", "body": "Prime Minister Tony Blair spoke in London about the budget."}"#,
            r#"{"id": "b2", "body": "Cherie Blair opened a school in Manchester."}"#,
            r#"{"id": "b3", "body": "Prime Minister Tony Blair met Cherie Blair at the budget debate."}"#,
            r#"{"id": "b4", "body": "Mr Blair said the budget was fair, a spokesman for Blair added."}"#,
            r#"{"id": "o1", "body": "The Defence Council met on Monday about the budget."}"#,
            r#"{"id": "o2", "body": "The National Defence Council met on Monday about the budget."}"#,
        ];
        env.write("names.jsonl", &(lines.join("\n") + "\n"));
        env.lede_ok(&["ingest", "names.jsonl"], 0);
        env
    })
}

/// (article, paragraph) of every hit of an answer.
fn passages(response: &Value) -> BTreeSet<(String, u64)> {
    response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["article_id"].as_str().unwrap().to_string(),
                h["paragraph"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The passages whose own `field` values (`persons`, `orgs`) hold `value`, read from an
/// unfiltered answer over the whole index.
fn holding(env: &TestEnv, field: &str, value: &str) -> BTreeSet<(String, u64)> {
    let all = env
        .lede_ok(&["query", "", "--limit", "10000", "--json"], 0)
        .json();
    let mut found = BTreeSet::new();
    for hit in all["hits"].as_array().unwrap() {
        if hit[field].as_array().unwrap().iter().any(|v| v == value) {
            found.insert((
                hit["article_id"].as_str().unwrap().to_string(),
                hit["paragraph"].as_u64().unwrap(),
            ));
        }
    }
    found
}

#[test]
fn an_exact_name_takes_that_value_and_not_the_names_that_hold_it() {
    let env = names();
    for (flag, field, short, long) in [
        ("--person", "persons", "Blair", "Tony Blair"),
        (
            "--org",
            "orgs",
            "Defence Council",
            "National Defence Council",
        ),
    ] {
        let expected = holding(env, field, short);
        assert!(!expected.is_empty(), "the corpus names {short}");
        assert!(
            expected.is_disjoint(&holding(env, field, long)),
            "{short} and {long} are named in different passages"
        );
        for typed in [format!("={short}"), format!("={}", short.to_lowercase())] {
            let run = env.lede_ok(&["query", "", flag, &typed, "--json"], 0);
            let response = run.json();
            assert_eq!(passages(&response), expected, "{flag} {typed:?}");
            // Said in filter_values, with no notice: what was asked is what was taken.
            let taken = &response["filter_values"][0];
            assert_eq!(taken["typed"], typed.as_str());
            assert_eq!(taken["values"][0]["value"], short);
            assert_eq!(taken["values"].as_array().unwrap().len(), 1);
            assert!(run.stderr.is_empty(), "{}", run.stderr);
        }
        // The words alone take the longer name too, and say so.
        let words = env.lede_ok(&["query", "", flag, short, "--json"], 0);
        let widened = passages(&words.json());
        assert!(widened.is_superset(&expected));
        assert!(widened.is_superset(&holding(env, field, long)));
        assert!(words.stderr.contains("is any of"), "{}", words.stderr);
    }
}

#[test]
fn lede_facets_and_the_text_output_take_the_exact_name_too() {
    let env = names();
    let facets = env
        .lede_ok(
            &["facets", "person", "budget", "--person", "=Blair", "--json"],
            0,
        )
        .json();
    assert_eq!(facets["total"], 1, "{facets}");
    let text = env.lede_ok(&["query", "budget", "--person", "=Blair"], 0);
    assert!(text.stdout.contains("b4") && !text.stdout.contains("b1"));
    assert!(
        text.stdout.contains("1 matching passage"),
        "{}",
        text.stdout
    );
}

#[test]
fn an_exact_name_the_index_lacks_is_refused_with_exact_suggestions() {
    let env = names();
    let run = env.lede_ok(&["query", "", "--person", "=Tony Blare"], 2);
    assert!(
        run.stderr.contains("--person \"=Tony Blare\"")
            && run.stderr.contains("did you mean \"=Tony Blair\""),
        "{}",
        run.stderr
    );
    let run = env.lede_ok(&["query", "", "--org", "="], 2);
    assert!(run.stderr.contains("--org \"=NAME\""), "{}", run.stderr);
    // A part of a name is no exact name: refused, not widened.
    env.lede_ok(&["query", "", "--person", "=Tony"], 2);
}

#[test]
fn a_country_is_one_country_with_or_without_the_mark() {
    let env = TestEnv::new();
    let lines = [
        r#"{"id": "ne", "body": "Niamey, the capital of Niger, was calm."}"#,
        r#"{"id": "ng", "body": "Lagos, in Nigeria, was busy."}"#,
    ];
    env.write("countries.jsonl", &(lines.join("\n") + "\n"));
    env.lede_ok(&["ingest", "countries.jsonl"], 0);
    let ids = |country: &str| -> Vec<String> {
        let response = env
            .lede_ok(&["query", "", "--country", country, "--json"], 0)
            .json();
        passages(&response).into_iter().map(|(id, _)| id).collect()
    };
    assert_eq!(ids("Niger"), ["ne"], "Niger is not Nigeria");
    assert_eq!(ids("=Niger"), ["ne"]);
    assert_eq!(ids("NE"), ["ne"]);
    assert_eq!(ids("=NG"), ["ng"]);
}

#[test]
fn the_help_says_how_to_ask_for_one_name() {
    let env = TestEnv::new();
    let help = env.lede_ok(&["query", "--help"], 0).stdout;
    assert!(help.contains("\"=Sun Co\""), "{help}");
    assert!(help.contains("=NAME"), "{help}");
}
