//! `lede extract` end to end: paragraphs, spans and countries of the seed article.

use crate::util::TestEnv;

fn seed_records(env: &TestEnv) -> Vec<serde_json::Value> {
    env.lede_ok(&["extract", "corpus/vladivostok-summit.txt"], 0)
        .json_lines()
}

#[test]
fn every_paragraph_is_a_json_line_whose_spans_slice_to_their_text() {
    let env = TestEnv::with_corpus();
    let body_source =
        std::fs::read_to_string(env.path().join("corpus/vladivostok-summit.txt")).unwrap();
    let records = seed_records(&env);
    assert_eq!(records.len(), 8);
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record["paragraph"], i as u64);
        assert_eq!(record["article_id"], "corpus/vladivostok-summit.txt");
        let text = record["text"].as_str().unwrap();
        let offset = record["offset"].as_u64().unwrap() as usize;
        // The byline is not part of the body; the body is the rest of the file, unchanged.
        let body = &body_source[body_source.find("The leader").unwrap()..];
        assert_eq!(&body[offset..offset + text.len()], text);
        for mention in record["mentions"].as_array().unwrap() {
            let (start, end) = (
                mention["start"].as_u64().unwrap() as usize,
                mention["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                &text[start..end],
                mention["text"].as_str().unwrap(),
                "{mention}"
            );
            assert!(["person", "org", "location", "nationality"]
                .contains(&mention["kind"].as_str().unwrap()));
            assert!(mention["value"].is_string());
        }
    }
}

#[test]
fn the_seed_article_mentions_its_countries_by_name_demonym_capital_and_metonym() {
    let env = TestEnv::with_corpus();
    let records = seed_records(&env);
    let mentions: Vec<&serde_json::Value> = records
        .iter()
        .flat_map(|r| r["mentions"].as_array().unwrap())
        .collect();
    let find = |text: &str| {
        mentions
            .iter()
            .find(|m| m["text"] == text)
            .unwrap_or_else(|| panic!("{text} not found in {mentions:?}"))
    };
    assert_eq!(find("North Korea")["country"], "KP");
    assert_eq!(find("North Korean")["kind"], "nationality");
    assert_eq!(find("North Korean")["country"], "KP");
    assert_eq!(find("Pyongyang")["country"], "KP");
    assert_eq!(find("Kremlin")["country"], "RU");
    assert_eq!(find("White House")["country"], "US");
    assert_eq!(find("Vladivostok")["country"], "RU");
    assert_eq!(find("Kim Jong Un")["kind"], "person");
    assert_eq!(find("Vladimir Putin")["kind"], "person");
    let first = &records[0];
    let countries: Vec<&str> = first["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        countries.contains(&"KP") && countries.contains(&"RU"),
        "{countries:?}"
    );
}

#[test]
fn short_names_take_the_fullest_name_of_the_article() {
    let env = TestEnv::with_corpus();
    let records = seed_records(&env);
    let persons: Vec<&str> = records
        .iter()
        .flat_map(|r| r["persons"].as_array().unwrap())
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(persons.contains(&"Vladimir Putin"));
    assert!(!persons.contains(&"Putin"), "{persons:?}");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let env = TestEnv::new();
    let run = env.lede_ok(&["extract", "nowhere.txt"], 2);
    assert!(run.stderr.contains("nowhere.txt"), "{}", run.stderr);
}
