//! What a query means and what it may cost, end to end: exclusions wherever they stand,
//! filtered facets in `lede facets`, batch output, article ids in text output, and the
//! limits that refuse runaway queries (each tested at its boundary).

use serde_json::Value;

use crate::util::TestEnv;

/// The shared index of `corpus/` (read only): 8 passages, 3 with "weapons".
fn indexed() -> &'static TestEnv {
    TestEnv::indexed_corpus()
}

fn passages(env: &TestEnv, args: &[&str]) -> Vec<u64> {
    let mut all = vec!["query", "--json", "--limit", "100"];
    all.extend_from_slice(args);
    let run = env.lede(&all);
    assert!(run.code <= 1, "{args:?}: {}", run.stderr);
    let mut found: Vec<u64> = run.json()["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["paragraph"].as_u64().unwrap())
        .collect();
    found.sort();
    found
}

#[test]
fn an_exclusion_excludes_wherever_it_stands() {
    let env = indexed();
    let every = passages(env, &["--", ""]);
    let weapons = passages(env, &["weapons"]);
    let supply = passages(env, &["supply"]);
    assert_eq!(weapons.len(), 3, "{weapons:?}");
    let without_weapons: Vec<u64> = every
        .iter()
        .copied()
        .filter(|p| !weapons.contains(p))
        .collect();
    // Only exclusions: every passage without the word.
    assert_eq!(passages(env, &["--", "-weapons"]), without_weapons);
    // "a OR -b": passages with a, or without b.
    let mut either: Vec<u64> = supply.iter().chain(&without_weapons).copied().collect();
    either.sort();
    either.dedup();
    assert_eq!(passages(env, &["supply OR -weapons"]), either);
    assert_ne!(
        passages(env, &["supply OR -weapons"]),
        passages(env, &["supply OR weapons"])
    );
}

#[test]
fn lede_facets_keeps_a_filter_of_the_listed_kind() {
    let env = indexed();
    let all = env.lede_ok(&["facets", "country", "--json"], 0).json();
    let about_china = env
        .lede_ok(&["facets", "country", "--country", "china", "--json"], 0)
        .json();
    // Countries named in the passages about China: fewer passages than the whole index,
    // and China itself in every one of them.
    let total = about_china["total"].as_u64().unwrap();
    assert!(total < all["total"].as_u64().unwrap(), "{about_china}");
    let china = about_china["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["value"] == "CN")
        .unwrap();
    assert_eq!(china["passages"].as_u64(), Some(total));
    // `lede query --facet` stays disjunctive: the filtered kind counts as if unfiltered.
    let query = env
        .lede_ok(
            &[
                "query",
                "",
                "--country",
                "china",
                "--facet",
                "country",
                "--json",
            ],
            0,
        )
        .json();
    assert_eq!(query["facets"]["country"], all_facet(env));
}

fn all_facet(env: &TestEnv) -> Value {
    env.lede_ok(&["query", "", "--facet", "country", "--json"], 0)
        .json()["facets"]["country"]
        .clone()
}

#[test]
fn batch_text_has_a_header_per_query_and_json_lines_mix_with_plain_lines() {
    let env = indexed();
    env.write(
        "mixed-queries.txt",
        "weapons supply\n{\"_id\": \"k\", \"text\": \"Kremlin\"}\n",
    );
    let run = env.lede_ok(&["query", "--batch", "mixed-queries.txt"], 0);
    assert!(
        run.stdout.starts_with("query 1: weapons supply\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\nquery k: Kremlin\n"),
        "{}",
        run.stdout
    );
    let json = env
        .lede_ok(&["query", "--batch", "mixed-queries.txt", "--json"], 0)
        .json_lines();
    assert_eq!(json[1]["query"], "Kremlin", "the JSON line is read as JSON");
    assert!(json[1]["total"].as_u64().unwrap() > 0);
}

#[test]
fn text_hits_show_their_article_id_and_a_shared_file_once() {
    let env = TestEnv::new();
    env.write(
        "news.jsonl",
        "{\"id\": \"n-1\", \"body\": \"Grain left Odesa.\"}\n{\"id\": \"n-2\", \"body\": \"More grain left Odesa today.\"}\n",
    );
    env.lede_ok(&["ingest", "news.jsonl"], 0);
    let run = env.lede_ok(&["query", "grain"], 0);
    assert!(
        run.stdout.contains("   n-1 · paragraph 0"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("   n-2 · paragraph 0"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.matches("news.jsonl").count(),
        1,
        "{}",
        run.stdout
    );
    let id = "n-2";
    let only = env.lede_ok(&["query", "grain", "--article", id, "--json"], 0);
    assert_eq!(only.json()["total"], 1);
}

#[test]
fn runaway_queries_are_refused_at_their_limits_with_the_reason() {
    let env = indexed();
    let nested = |n: usize| format!("{}weapons{}", "(".repeat(n), ")".repeat(n));
    env.lede_ok(&["query", &nested(32)], 0);
    let run = env.lede_ok(&["query", &nested(33)], 2);
    assert!(run.stderr.contains("32 deep"), "{}", run.stderr);
    let run = env.lede_ok(&["query", &"(".repeat(10_000)], 2);
    assert!(run.stderr.contains("deep"), "{}", run.stderr);
    let words = |n: usize| vec!["weapons"; n].join(" ");
    env.lede_ok(&["query", &words(64)], 0);
    let run = env.lede_ok(&["query", &words(65)], 2);
    assert!(run.stderr.contains("64"), "{}", run.stderr);
    let prefixes = vec!["wea*"; 2_000].join(" ");
    let run = env.lede_ok(&["query", &prefixes], 2);
    assert!(run.stderr.contains("64"), "{}", run.stderr);
    assert!(
        run.stderr.len() < 300,
        "the message quotes the query's start only: {}",
        run.stderr
    );
    let run = env.lede_ok(&["query", &"x".repeat(10_001)], 2);
    assert!(run.stderr.contains("10000"), "{}", run.stderr);
    let phrase = |n: usize| format!("\"{}\"~100", vec!["the"; n].join(" "));
    let run = env.lede(&["query", &phrase(64)]);
    assert!(run.code <= 1, "{}", run.stderr);
    assert!(run.stderr.contains("read as ~20"), "{}", run.stderr);
    let run = env.lede_ok(&["query", &phrase(65)], 2);
    assert!(run.stderr.contains("65 words"), "{}", run.stderr);
    for (flag, max) in [("--limit", "10000"), ("--offset", "1000000"), ("-C", "50")] {
        env.lede_ok(&["query", "weapons", flag, max], 0);
        let over = (max.parse::<u64>().unwrap() + 1).to_string();
        let run = env.lede_ok(&["query", "weapons", flag, &over], 2);
        assert!(run.stderr.contains(max), "{flag}: {}", run.stderr);
    }
    for huge in [
        "10000000000",
        "18446744073709551615",
        "18446744073709551616",
    ] {
        env.lede_ok(&["query", "weapons", "--limit", huge], 2);
        env.lede_ok(&["query", "weapons", "-C", huge], 2);
    }
}

#[test]
fn a_refused_query_of_a_batch_does_not_stop_the_others() {
    let env = indexed();
    env.write(
        "with-a-runaway.txt",
        &format!("weapons\n{}\nKremlin\n", "(".repeat(1_000)),
    );
    let run = env.lede_ok(&["query", "--batch", "with-a-runaway.txt", "--json"], 2);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(lines[0]["total"].as_u64().unwrap() > 0);
    assert!(lines[1]["error"].as_str().unwrap().contains("deep"));
    assert!(lines[2]["total"].as_u64().unwrap() > 0);
    assert!(run.stderr.contains("query 2"), "{}", run.stderr);
}

#[test]
fn repeated_notices_come_once_and_odd_syntax_gets_one() {
    let env = indexed();
    let run = env.lede_ok(&["query", &format!("{}weapons", "(".repeat(20))], 0);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("20 times"), "{}", run.stderr);
    let run = env.lede(&["query", "titel:weapons"]);
    assert!(
        run.stderr.contains("\"titel:\" is not a field"),
        "{}",
        run.stderr
    );
    let run = env.lede(&["query", "OR"]);
    assert!(run.stderr.contains("both sides"), "{}", run.stderr);
}

/// Articles naming three Blairs, and dated ones around March 1987.
fn people_and_dates() -> &'static TestEnv {
    static ENV: std::sync::OnceLock<TestEnv> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let env = TestEnv::new();
        let lines = [
            r#"{"id": "b1", "date": "1987-03-31", "body": "Prime Minister Tony Blair spoke in London about the budget."}"#,
            r#"{"id": "b2", "date": "1987-04-01", "body": "Cherie Blair opened a school in Manchester."}"#,
            r#"{"id": "b3", "date": "1987-01-01", "body": "Prime Minister Tony Blair met Cherie Blair at the budget debate."}"#,
            r#"{"id": "b4", "date": "1986-12-31", "body": "Mr Blair said the budget was fair, a spokesman for Blair added."}"#,
        ];
        env.write("people.jsonl", &(lines.join("\n") + "\n"));
        env.lede_ok(&["ingest", "people.jsonl"], 0);
        env
    })
}

fn ids(response: &Value) -> Vec<String> {
    let mut ids: Vec<String> = response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["article_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_short_name_takes_every_person_who_has_it_and_says_so() {
    let env = people_and_dates();
    let persons = env.lede_ok(&["facets", "person", "--json"], 0).json();
    let values: Vec<&str> = persons["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert!(
        values.contains(&"Tony Blair") && values.contains(&"Cherie Blair"),
        "{values:?}"
    );
    let run = env.lede_ok(&["query", "", "--person", "blair", "--json"], 0);
    let response = run.json();
    // Every passage that names any Blair, not only those whose value is "Blair".
    assert_eq!(ids(&response), ["b1", "b2", "b3", "b4"], "{response}");
    let taken = &response["filter_values"][0];
    assert_eq!(taken["filter"], "person");
    assert_eq!(taken["typed"], "blair");
    let taken_values: Vec<&str> = taken["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    for name in ["Tony Blair", "Cherie Blair"] {
        assert!(taken_values.contains(&name), "{taken}");
    }
    assert!(
        run.stderr.contains("--person \"blair\" is any of")
            && run
                .stderr
                .contains("Cherie Blair (2 passages), Tony Blair (2), Blair (1)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "one notice: {}", run.stderr);
    // The full name takes only that person, without a notice.
    let exact = env.lede_ok(&["query", "", "--person", "tony blair", "--json"], 0);
    assert_eq!(ids(&exact.json()), ["b1", "b3"]);
    assert!(exact.stderr.is_empty(), "{}", exact.stderr);
    // lede facets takes the same values.
    let facets = env
        .lede_ok(&["facets", "country", "--person", "blair", "--json"], 0)
        .json();
    assert_eq!(facets["filter_values"], response["filter_values"]);
}

#[test]
fn dates_are_whole_years_months_and_days_and_anything_else_is_refused() {
    let env = people_and_dates();
    let dated = |args: &[&str]| {
        let mut all = vec!["query", "", "--json"];
        all.extend_from_slice(args);
        ids(&env.lede_ok(&all, 0).json())
    };
    assert_eq!(dated(&["--until", "March 1987"]), ["b1", "b3", "b4"]);
    assert_eq!(dated(&["--until", "1987-03"]), ["b1", "b3", "b4"]);
    assert_eq!(
        dated(&["--since", "1987", "--until", "1987"]),
        ["b1", "b2", "b3"]
    );
    assert_eq!(dated(&["--since", "1987-04-01"]), ["b2"]);
    assert_eq!(
        dated(&["--since", "Apr 1987", "--until", "1987-04-01"]),
        ["b2"]
    );
    for refused in ["3/19/1987", "87", "1987-3", "19 March 1987", "last week"] {
        let run = env.lede_ok(&["query", "", "--until", refused], 2);
        assert!(
            run.stderr.contains("--until") && run.stderr.contains("March 1987"),
            "{refused}: {}",
            run.stderr
        );
    }
    // Years the index cannot represent are not wrapped around into others.
    env.lede_ok(&["query", "", "--since", "1400", "--until", "1600"], 1);
    assert_eq!(dated(&["--since", "0001", "--until", "9999"]).len(), 4);
}

#[test]
fn a_hyphenated_word_matches_its_parts_apart_below_the_word_as_written() {
    let env = TestEnv::new();
    let lines = [
        r#"{"id": "joined", "body": "Fast-twitch fibres contract quickly."}"#,
        r#"{"id": "apart", "body": "The twitch of these fibres is fast."}"#,
        r#"{"id": "one", "body": "A fast car."}"#,
    ];
    env.write("muscles.jsonl", &(lines.join("\n") + "\n"));
    env.lede_ok(&["ingest", "muscles.jsonl"], 0);
    let found = env
        .lede_ok(&["query", "fast-twitch", "--all", "--json"], 0)
        .json();
    let order: Vec<&str> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["article_id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["joined", "apart"], "{found}");
    // Abbreviations and numbers stay phrases: "U.S." is not "u" and "s" anywhere.
    env.write(
        "us.jsonl",
        "{\"id\": \"u\", \"body\": \"Putin's plans: a US view.\"}\n",
    );
    env.lede_ok(&["ingest", "us.jsonl"], 0);
    env.lede_ok(&["query", "U.S.", "--all"], 1);
}

#[test]
fn all_keeps_only_the_passages_with_every_word() {
    let env = indexed();
    let strict = env
        .lede_ok(&["query", "weapons supply", "--all", "--json"], 0)
        .json();
    let hits = strict["hits"].as_array().unwrap();
    assert_eq!(hits.len() as u64, strict["total"].as_u64().unwrap());
    assert!(hits.iter().all(|h| h.get("partial").is_none()));
    // Nothing has every word: --all finds nothing rather than falling back.
    env.lede_ok(&["query", "weapons zeppelin", "--all"], 1);
    env.lede_ok(&["query", "weapons zeppelin"], 0);
}

#[test]
fn a_word_in_a_title_counts_once_not_once_per_field() {
    let env = TestEnv::new();
    // "markets" is in nearly every text but only one title, so a title field of its own
    // gave it a high idf there: scored per field and added, "markets" in the title of
    // "generic" outweighed the rarer "cobalt" in the text of "relevant".
    let mut lines = vec![
        r#"{"id": "generic", "title": "Markets", "body": "Markets news."}"#.to_string(),
        r#"{"id": "relevant", "title": "Report", "body": "Markets and cobalt."}"#.to_string(),
        r#"{"id": "mine1", "title": "Mines", "body": "Cobalt mines."}"#.to_string(),
        r#"{"id": "mine2", "title": "Mines", "body": "Cobalt mines."}"#.to_string(),
    ];
    for n in 0..8 {
        lines.push(format!(
            r#"{{"id": "daily{n}", "title": "Daily {n}", "body": "Markets closed."}}"#
        ));
    }
    env.write("titles.jsonl", &(lines.join("\n") + "\n"));
    env.lede_ok(&["ingest", "titles.jsonl"], 0);
    let found = env
        .lede_ok(&["query", "markets cobalt", "--any", "--json"], 0)
        .json();
    assert_eq!(found["hits"][0]["article_id"], "relevant", "{found}");
}
