//! `lede query` end to end on the seed article.

use crate::util::{assert_golden, TestEnv};

/// The shared index of `corpus/` (read only).
fn indexed() -> &'static TestEnv {
    TestEnv::indexed_corpus()
}

fn codes(values: &serde_json::Value) -> Vec<String> {
    values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn weapons_supply_finds_the_arms_negotiation_paragraphs_first_with_stems_highlighted() {
    let env = indexed();
    let response = env
        .lede_ok(&["query", "weapons supply", "--json"], 0)
        .json();
    let hits = response["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    // The passages with both words first, then the page is filled with those that have
    // one of them.
    let complete = hits
        .iter()
        .take_while(|h| h.get("partial").is_none())
        .count();
    assert_eq!(response["total"].as_u64().unwrap() as usize, complete);
    assert!(hits[complete..].iter().all(|h| h["partial"] == true));
    let first = hits[0]["text"].as_str().unwrap();
    assert!(
        first.contains("negotiations") && first.contains("supply Moscow with weapons"),
        "{first}"
    );
    for hit in hits {
        let text = hit["text"].as_str().unwrap();
        let marked: Vec<String> = hit["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize]
                    .to_lowercase()
            })
            .collect();
        assert!(!marked.is_empty());
        assert!(
            marked
                .iter()
                .all(|w| w.starts_with("weapon") || w.starts_with("suppl")),
            "{marked:?}"
        );
        let snippet = &hit["snippet"];
        let snippet_text = snippet["text"].as_str().unwrap();
        for r in snippet["highlights"].as_array().unwrap() {
            let word =
                &snippet_text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize];
            assert!(
                word.to_lowercase().starts_with("weapon")
                    || word.to_lowercase().starts_with("suppl")
            );
        }
    }
    let all_marked: Vec<&str> = hits
        .iter()
        .flat_map(|hit| {
            let text = hit["text"].as_str().unwrap();
            hit["highlights"].as_array().unwrap().iter().map(move |r| {
                &text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize]
            })
        })
        .collect();
    assert!(
        all_marked.contains(&"supplying"),
        "stemmed form highlighted: {all_marked:?}"
    );
}

#[test]
fn the_country_facet_shows_russia_north_korea_and_the_united_states() {
    let env = indexed();
    let response = env
        .lede_ok(
            &["query", "weapons supply", "--facet", "country", "--json"],
            0,
        )
        .json();
    let countries = response["facets"]["country"].as_array().unwrap();
    let value = |code: &str| countries.iter().find(|c| c["value"] == code);
    for (code, label) in [
        ("RU", "Russia"),
        ("KP", "North Korea"),
        ("US", "United States"),
    ] {
        let entry = value(code).unwrap_or_else(|| panic!("{code} missing from {countries:?}"));
        assert_eq!(entry["label"], label);
        assert!(entry["passages"].as_u64().unwrap() >= 1);
        assert_eq!(entry["articles"], 1);
    }
    // Counts cover all matching passages and are sorted, most passages first.
    let total = response["total"].as_u64().unwrap();
    let passages: Vec<u64> = countries
        .iter()
        .map(|c| c["passages"].as_u64().unwrap())
        .collect();
    assert!(passages.iter().all(|&p| p <= total));
    assert!(passages.windows(2).all(|w| w[0] >= w[1]), "{passages:?}");
}

#[test]
fn the_json_response_has_the_documented_shape() {
    let env = indexed();
    let response = env
        .lede_ok(
            &[
                "query",
                "weapons supply",
                "--country",
                "north korea",
                "--json",
            ],
            0,
        )
        .json();
    assert_eq!(response["query"], "weapons supply");
    assert!(response["total"].is_u64());
    assert!(response["facets"].is_object());
    let hit = &response["hits"][0];
    for key in [
        "article_id",
        "text",
        "snippet",
        "highlights",
        "countries",
        "persons",
        "orgs",
    ] {
        assert!(hit.get(key).is_some(), "missing {key} in {hit}");
    }
    assert!(hit["title"].is_null() || hit["title"].is_string());
    assert!(hit["date"].is_null() || hit["date"].is_string());
    assert!(hit["paragraph"].is_u64());
    assert!(hit["score"].is_f64());
    assert_eq!(hit["article_id"], "corpus/vladivostok-summit.txt");
    assert_eq!(hit["source"], "corpus/vladivostok-summit.txt");
}

#[test]
fn a_country_filter_keeps_only_passages_about_that_country() {
    let env = indexed();
    let all = env
        .lede_ok(
            &[
                "query",
                "Moscow OR Pyongyang OR China",
                "--json",
                "--limit",
                "100",
            ],
            0,
        )
        .json();
    let kp = env
        .lede_ok(
            &[
                "query",
                "Moscow OR Pyongyang OR China",
                "--country",
                "KP",
                "--json",
                "--limit",
                "100",
            ],
            0,
        )
        .json();
    let kp_hits = kp["hits"].as_array().unwrap();
    assert!(!kp_hits.is_empty());
    for hit in kp_hits {
        assert!(
            codes(&hit["countries"]).contains(&"KP".to_string()),
            "{hit}"
        );
    }
    let all_kp = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| codes(&h["countries"]).contains(&"KP".to_string()))
        .count();
    assert_eq!(kp_hits.len(), all_kp);
    // Names, aliases and codes in any case are the same filter.
    for spelling in ["kp", "North Korea", "DPRK", "north korean"] {
        let same = env
            .lede_ok(
                &[
                    "query",
                    "Moscow OR Pyongyang OR China",
                    "--country",
                    spelling,
                    "--json",
                    "--limit",
                    "100",
                ],
                0,
            )
            .json();
        assert_eq!(same["total"], kp["total"], "{spelling}");
    }
}

#[test]
fn several_countries_are_ored() {
    let env = indexed();
    let one = env
        .lede_ok(&["query", "", "--country", "CN", "--json"], 0)
        .json()["total"]
        .as_u64()
        .unwrap();
    let other = env
        .lede_ok(&["query", "", "--country", "JP", "--json"], 0)
        .json()["total"]
        .as_u64()
        .unwrap();
    let both = env
        .lede_ok(
            &["query", "", "--country", "CN", "--country", "JP", "--json"],
            0,
        )
        .json()["total"]
        .as_u64()
        .unwrap();
    assert!(
        both >= one.max(other) && both <= one + other,
        "{one} {other} {both}"
    );
}

#[test]
fn text_output_matches_the_golden_file() {
    let env = indexed();
    let run = env.lede_ok(
        &[
            "query",
            "weapons supply",
            "--facet",
            "country",
            "--color",
            "never",
        ],
        0,
    );
    assert_golden("query_weapons_supply.txt", &run.stdout);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let env = indexed();
    let piped = env.lede_ok(&["query", "weapons supply"], 0);
    assert!(!piped.stdout.contains('\u{1b}'), "no colour in a pipe");
    assert!(
        piped.stdout.contains("**weapons**"),
        "plain markers in a pipe:\n{}",
        piped.stdout
    );
    let forced = env.lede_ok(&["query", "weapons supply", "--color", "always"], 0);
    assert!(forced.stdout.contains("\u{1b}["), "colour when asked");
    assert!(!forced.stdout.contains("**weapons**"));
}

#[test]
fn no_match_exits_1_and_says_so() {
    let env = indexed();
    let run = env.lede_ok(&["query", "zeppelin"], 1);
    assert!(run.stdout.contains("No passage matches"), "{}", run.stdout);
    let json = env.lede_ok(&["query", "zeppelin", "--json"], 1).json();
    assert_eq!(json["total"], 0);
    assert_eq!(json["hits"].as_array().unwrap().len(), 0);
}

#[test]
fn bad_arguments_exit_2_with_a_message_naming_them_and_typos_get_a_notice() {
    let env = indexed();
    let run = env.lede_ok(&["query", "weapons", "--country", "Nort Korea"], 2);
    assert!(
        run.stderr.contains("--country") && run.stderr.contains("North Korea"),
        "{}",
        run.stderr
    );
    // An unclosed quote is read leniently, and said so.
    let run = env.lede_ok(&["query", "\"supply Moscow"], 0);
    assert!(
        run.stderr.contains("notice") && run.stderr.contains("quote"),
        "{}",
        run.stderr
    );
    let run = env.lede_ok(&["query", "weapons", "--facet", "colour"], 2);
    assert!(run.stderr.contains("colour"), "{}", run.stderr);
}

#[test]
fn a_missing_index_says_how_to_create_one() {
    let env = TestEnv::new();
    let run = env.lede_ok(&["query", "weapons"], 2);
    assert!(run.stderr.contains("lede ingest"), "{}", run.stderr);
    let run = env.lede_ok(&["--index", "elsewhere", "stats"], 2);
    assert!(run.stderr.contains("elsewhere"), "{}", run.stderr);
}

#[test]
fn the_index_location_comes_from_the_flag_then_the_environment() {
    let env = TestEnv::with_corpus();
    env.lede_ok(&["ingest", "corpus/", "--index", "flag-index"], 0);
    assert!(env.path().join("flag-index/lede.json").exists());
    let run = env.lede_with(&["ingest", "corpus/"], &[("LEDE_INDEX", "env-index")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.path().join("env-index/lede.json").exists());
    assert!(!env.path().join("lede-index").exists());
    let run = env.lede_with(
        &["query", "weapons", "--json"],
        &[("LEDE_INDEX", "env-index")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn paging_with_limit_and_offset() {
    let env = indexed();
    let all = env
        .lede_ok(&["query", "", "--json", "--limit", "100"], 0)
        .json();
    let page = env
        .lede_ok(&["query", "", "--json", "--limit", "2", "--offset", "2"], 0)
        .json();
    let ids = |r: &serde_json::Value| -> Vec<u64> {
        r["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["paragraph"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(ids(&page), ids(&all)[2..4].to_vec());
    assert_eq!(page["total"], all["total"]);
}

#[test]
fn person_and_org_facets_use_the_fullest_names() {
    let env = indexed();
    let response = env
        .lede_ok(
            &["query", "", "--facet", "person", "--facet", "org", "--json"],
            0,
        )
        .json();
    let values = |kind: &str| -> Vec<String> {
        response["facets"][kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap().to_string())
            .collect()
    };
    let persons = values("person");
    assert!(
        persons.contains(&"Vladimir Putin".to_string()),
        "{persons:?}"
    );
    assert!(persons.contains(&"Kim Jong Un".to_string()), "{persons:?}");
    assert!(!persons.contains(&"Putin".to_string()), "{persons:?}");
    assert!(values("org").contains(&"National Security Council".to_string()));
}

#[test]
fn why_shows_the_words_that_gave_each_country() {
    let env = indexed();
    let json = env
        .lede_ok(&["query", "Pyongyang", "--json", "--limit", "20"], 0)
        .json();
    for hit in json["hits"].as_array().unwrap() {
        let text = hit["text"].as_str().unwrap();
        let why = hit["why"].as_array().unwrap();
        for entry in why {
            let (s, e) = (
                entry["start"].as_u64().unwrap() as usize,
                entry["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[s..e], entry["text"].as_str().unwrap());
        }
        let kp: Vec<&str> = why
            .iter()
            .filter(|w| w["country"] == "KP")
            .map(|w| w["text"].as_str().unwrap())
            .collect();
        assert!(kp.contains(&"Pyongyang"), "{why:?}");
        let countries: Vec<&str> = hit["countries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for entry in why {
            assert!(countries.contains(&entry["country"].as_str().unwrap()));
        }
    }
    let text = env.lede_ok(&["query", "Pyongyang", "--why"], 0).stdout;
    assert!(
        text.contains("why: ") && text.contains("North Korea ← “Pyongyang” capital"),
        "{text}"
    );
    let plain = env.lede_ok(&["query", "Pyongyang"], 0).stdout;
    assert!(!plain.contains("why: "));
}
