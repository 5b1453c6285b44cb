//! `lede facets` end to end: the top values of a facet over the index or a query, as a
//! table and as JSON, and its errors.

use crate::util::{assert_golden, TestEnv};

/// The shared index of `corpus/` (read only).
fn indexed() -> &'static TestEnv {
    TestEnv::indexed_corpus()
}

fn values(json: &serde_json::Value) -> Vec<(String, u64, u64)> {
    json["values"]
        .as_array()
        .expect("values is an array")
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["passages"].as_u64().unwrap(),
                v["articles"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_country_table_of_the_whole_index_matches_the_golden_file() {
    let env = indexed();
    let run = env.lede_ok(&["facets", "country"], 0);
    assert!(run.stdout.contains("North Korea (KP)"), "{}", run.stdout);
    assert!(run.stdout.contains("in 8 passages."), "{}", run.stdout);
    assert_golden("facets_country.txt", &run.stdout);
}

#[test]
fn a_query_narrows_the_counts() {
    let env = indexed();
    let all = env.lede_ok(&["facets", "country", "--json"], 0).json();
    let narrowed = env
        .lede_ok(&["facets", "country", "weapons supply", "--json"], 0)
        .json();
    assert_eq!(all["query"], "");
    assert_eq!(all["total"], 8);
    assert_eq!(narrowed["query"], "weapons supply");
    let total = narrowed["total"].as_u64().unwrap();
    assert!(total > 0 && total < 8, "{narrowed}");
    // Every count under the query is at most the count over the whole index.
    let whole = values(&all);
    for (value, passages, articles) in values(&narrowed) {
        let (_, all_passages, _) = whole.iter().find(|(v, _, _)| *v == value).unwrap();
        assert!(passages <= *all_passages && passages <= total && articles == 1);
    }
    let text = env.lede_ok(&["facets", "country", "weapons supply"], 0);
    assert!(
        text.stdout.contains("matching \"weapons supply\""),
        "{}",
        text.stdout
    );
}

#[test]
fn json_has_kind_totals_and_labelled_values_and_the_limit_cuts_the_list() {
    let env = indexed();
    let json = env
        .lede_ok(&["facets", "countries", "--limit", "2", "--json"], 0)
        .json();
    assert_eq!(json["kind"], "country");
    assert_eq!(json["values"].as_array().unwrap().len(), 2);
    assert!(json["distinct"].as_u64().unwrap() > 2, "{json}");
    assert_eq!(json["values"][0]["value"], "KP");
    assert_eq!(json["values"][0]["label"], "North Korea");
    assert!(json["notices"].as_array().unwrap().is_empty());
    let counted_only = env
        .lede_ok(&["facets", "country", "--limit", "0", "--json"], 0)
        .json();
    assert_eq!(counted_only["distinct"], json["distinct"]);
    assert!(counted_only["values"].as_array().unwrap().is_empty());
}

#[test]
fn people_organisations_and_authors_are_counted_too() {
    let env = indexed();
    let people = env
        .lede_ok(&["facets", "person", "weapons supply", "--json"], 0)
        .json();
    assert!(
        values(&people).iter().any(|(v, _, _)| v == "Sergei Shoigu"),
        "{people}"
    );
    let orgs = env.lede_ok(&["facets", "org", "--json"], 0).json();
    assert_eq!(orgs["kind"], "org");
    assert!(!values(&orgs).is_empty(), "{orgs}");
    let authors = env.lede_ok(&["facets", "author", "--json"], 0).json();
    assert_eq!(values(&authors), [("Athena Papakosta".to_string(), 8, 1)]);
}

#[test]
fn filters_apply_and_nothing_counted_exits_1() {
    let env = indexed();
    let all = values(&env.lede_ok(&["facets", "person", "--json"], 0).json());
    let filtered = env
        .lede_ok(&["facets", "person", "--country", "russia", "--json"], 0)
        .json();
    let total = filtered["total"].as_u64().unwrap();
    assert!(total > 0 && total < 8, "{filtered}");
    let narrowed = values(&filtered);
    assert!(narrowed.len() < all.len(), "{narrowed:?} vs {all:?}");
    assert!(
        narrowed.iter().any(|(v, _, _)| v == "Vladimir Putin"),
        "{narrowed:?}"
    );
    let none = env.lede_ok(&["facets", "country", "zeppelin"], 1);
    assert!(none.stdout.contains("0 countries"), "{}", none.stdout);
}

#[test]
fn a_mistyped_kind_or_country_is_refused_with_a_suggestion() {
    let env = indexed();
    let run = env.lede_ok(&["facets", "contry"], 2);
    assert!(
        run.stderr.contains("did you mean country?") && run.stderr.contains("<KIND>"),
        "{}",
        run.stderr
    );
    let run = env.lede_ok(&["facets", "person", "--country", "Nort Korea"], 2);
    assert!(run.stderr.contains("North Korea"), "{}", run.stderr);
    let run = env.lede_ok(&["query", "weapons", "--country", "Koria"], 2);
    assert!(
        run.stderr
            .contains("did you mean North Korea, South Korea?"),
        "{}",
        run.stderr
    );
    let run = env.lede_ok(&["query", "weapons", "--person", "puttin"], 2);
    assert!(
        run.stderr.contains("--person")
            && run.stderr.contains("\"Vladimir Putin\"")
            && run.stderr.contains("`lede facets person`"),
        "{}",
        run.stderr
    );
    let missing = TestEnv::new().lede_ok(&["facets", "country"], 2);
    assert!(missing.stderr.contains("lede ingest"), "{}", missing.stderr);
}
