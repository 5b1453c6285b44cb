//! The query language, filters, paging, context, explanations and batch runs, end to end on
//! small corpora the tests write.

use crate::util::TestEnv;
use serde_json::Value;

/// Four dated articles and one undated, as JSON Lines; indexed once, shared by the tests
/// (which only query it).
fn corpus() -> &'static TestEnv {
    static CORPUS: std::sync::OnceLock<TestEnv> = std::sync::OnceLock::new();
    CORPUS.get_or_init(written_corpus)
}

fn written_corpus() -> TestEnv {
    let env = TestEnv::new();
    let lines = [
        r#"{"id": "a1", "title": "Arms deal", "date": "2023-09-01", "body": "Moscow seeks a weapons supply from Pyongyang.\n\nThe supply of food is another matter.\n\nAnalysts doubt the weapons will arrive."}"#,
        r#"{"id": "a2", "title": "Grain exports", "date": "2023-10-15", "body": "Russia offered grain to North Korea.\n\nPresident Vladimir Putin met Kim Jong Un.\n\nPutin praised the weapons factories."}"#,
        r#"{"id": "a3", "title": "Computing history", "date": "2022-01-01", "body": "Computers and computation changed tnf-alpha research in the U.S.\n\nThe computer was slow."}"#,
        r#"{"id": "a4", "title": "Summit weapons talk", "date": "2024-03-03", "body": "Weapons and supply lines were discussed at the summit by NATO in Brussels."}"#,
        r#"{"id": "u1", "title": "Undated note", "body": "A weapons supply note without any date, about Japan."}"#,
    ];
    env.write("news.jsonl", &(lines.join("\n") + "\n"));
    env.lede_ok(&["ingest", "news.jsonl"], 0);
    env
}

fn query(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--json", "--limit", "50"]);
    let run = env.lede(&all);
    assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
    run.json()
}

fn hits(response: &Value) -> Vec<(String, u64)> {
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

fn marked(hit: &Value) -> Vec<String> {
    let text = hit["text"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize].to_string())
        .collect()
}

#[test]
fn words_are_anded_and_phrases_keep_their_order() {
    let env = corpus();
    let and = query(env, &["weapons supply"]);
    assert_eq!(and["total"], 3, "{and}");
    let phrase = query(env, &["\"weapons supply\""]);
    assert_eq!(
        hits(&phrase),
        [("a1".to_string(), 0), ("u1".to_string(), 0)]
    );
    // Only the phrase is highlighted, not the stray "supply" of other phrases.
    for hit in phrase["hits"].as_array().unwrap() {
        assert_eq!(marked(hit), ["weapons", "supply"]);
    }
    let sloppy = query(env, &["\"weapons supply\"~2"]);
    assert_eq!(sloppy["total"], 3, "{sloppy}");
}

#[test]
fn or_exclusion_groups_fields_and_prefixes() {
    let env = corpus();
    // Title words match every paragraph of their article: "Computing history" has two.
    assert_eq!(query(env, &["food OR computer"])["total"], 3);
    let excluded = query(env, &["weapons -summit"]);
    assert!(
        hits(&excluded).iter().all(|(id, _)| id != "a4"),
        "{excluded}"
    );
    assert_eq!(query(env, &["(food OR computation) -slow"])["total"], 2);
    let title = query(env, &["title:summit"]);
    assert!(hits(&title).iter().all(|(id, _)| id == "a4"));
    let prefix = query(env, &["comput*"]);
    assert_eq!(prefix["total"], 2);
    assert_eq!(marked(&prefix["hits"][0]).len(), 2, "{prefix}");
}

#[test]
fn punctuation_inside_words_reads_as_a_phrase_of_its_parts() {
    let env = corpus();
    assert_eq!(query(env, &["tnf-alpha"])["total"], 1);
    assert_eq!(query(env, &["U.S."])["total"], 1);
    assert_eq!(query(env, &["1/2000"])["total"], 0);
}

#[test]
fn repeated_words_weigh_more() {
    let env = corpus();
    let food = query(env, &["--any", "food food slow"]);
    let slow = query(env, &["--any", "food slow slow"]);
    assert_eq!(hits(&food)[0].0, "a1", "{food}");
    assert_eq!(hits(&slow)[0].0, "a3", "{slow}");
}

#[test]
fn and_falls_back_to_or_with_a_notice_and_any_asks_for_or() {
    let env = corpus();
    let run = env.lede(&["query", "food slow", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("notice") && run.stderr.contains("any of them"),
        "{}",
        run.stderr
    );
    let response = run.json();
    assert_eq!(response["total"], 2);
    assert_eq!(response["notices"].as_array().unwrap().len(), 1);
    assert_eq!(query(env, &["--any", "food slow"])["total"], 2);
}

#[test]
fn per_article_shows_the_best_passage_of_each_article_with_counts() {
    let env = corpus();
    let response = query(env, &["weapons", "--per-article"]);
    let ids: Vec<String> = hits(&response).into_iter().map(|(id, _)| id).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len());
    assert_eq!(response["total"], 5);
    assert_eq!(response["total_articles"], 4);
    let a1 = response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["article_id"] == "a1")
        .unwrap();
    assert_eq!(a1["article_passages"], 2);
}

#[test]
fn dates_persons_orgs_and_articles_filter() {
    let env = corpus();
    let dated = query(
        env,
        &["weapons", "--since", "2023-09-01", "--until", "2023-12-31"],
    );
    let ids: Vec<String> = hits(&dated).into_iter().map(|(id, _)| id).collect();
    assert!(ids.iter().all(|id| id == "a1" || id == "a2"), "{dated}");
    assert_eq!(dated["undated_left_out"], 1);
    let putin = query(env, &["", "--person", "putin"]);
    assert!(hits(&putin).iter().all(|(id, _)| id == "a2"));
    assert!(putin["total"].as_u64().unwrap() >= 1);
    let nato = query(env, &["", "--org", "nato"]);
    assert_eq!(hits(&nato), [("a4".to_string(), 0)]);
    let article = query(env, &["weapons", "--article", "a1"]);
    assert!(hits(&article).iter().all(|(id, _)| id == "a1"));
    let run = env.lede(&["query", "x", "--person", "nobody at all"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--person"), "{}", run.stderr);
    let run = env.lede(&["query", "x", "--since", "last week"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--since"), "{}", run.stderr);
}

#[test]
fn a_filtered_facet_still_counts_the_other_values() {
    let env = corpus();
    let response = query(env, &["weapons", "--country", "JP", "--facet", "country"]);
    assert_eq!(response["total"], 1);
    let countries: Vec<&str> = response["facets"]["country"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(
        countries.contains(&"JP") && countries.contains(&"RU"),
        "{countries:?}"
    );
}

#[test]
fn context_offset_and_explain() {
    let env = corpus();
    let response = query(env, &["\"food\"", "-C", "1", "--explain"]);
    let hit = &response["hits"][0];
    let context: Vec<u64> = hit["context"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["paragraph"].as_u64().unwrap())
        .collect();
    assert_eq!(context, [0, 2]);
    assert!(hit["explanation"]["value"].as_f64().unwrap() > 0.0, "{hit}");
    let text = env.lede_ok(&["query", "food", "-C", "1"], 0).stdout;
    assert!(
        text.contains("[paragraph 0]") && text.contains("[paragraph 2]"),
        "{text}"
    );
    let all = hits(&query(env, &["weapons"]));
    let page = hits(&query(env, &["weapons", "--offset", "2"]));
    assert_eq!(page, all[2..].to_vec());
}

#[test]
fn long_passages_get_fragments_around_far_apart_matches() {
    let env = TestEnv::new();
    let filler = "nothing to see here ".repeat(40);
    env.write(
        "long.txt",
        &format!("Title line\n\nweapons first. {filler} supply middle. {filler} weapons last.\n"),
    );
    env.lede_ok(&["ingest", "long.txt"], 0);
    let response = query(&env, &["weapons supply"]);
    let snippet = &response["hits"][0]["snippet"];
    assert!(
        snippet["fragments"].as_array().unwrap().len() >= 2,
        "{snippet}"
    );
    assert!(snippet["text"].as_str().unwrap().contains(" … "));
    let text = snippet["text"].as_str().unwrap();
    for r in snippet["highlights"].as_array().unwrap() {
        let word = &text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize];
        assert!(word == "weapons" || word == "supply", "{word}");
    }
}

#[test]
fn batch_runs_json_lines_plain_text_and_trec() {
    let env = corpus();
    env.write(
        "q.jsonl",
        "{\"_id\": \"q1\", \"text\": \"weapons\"}\n{\"id\": \"q2\", \"query\": \"grain\"}\n",
    );
    env.write("q.txt", "weapons\ngrain\n");
    let run = env.lede_ok(&["query", "--batch", "q.jsonl", "--json"], 0);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["query_id"], "q1");
    assert_eq!(lines[1]["query"], "grain");
    // Each line says how long its query took, for warm-latency benchmarks.
    assert!(lines
        .iter()
        .all(|l| l["took_ms"].as_f64().is_some_and(|ms| ms >= 0.0)));
    let trec = env
        .lede_ok(
            &[
                "query", "--batch", "q.txt", "--format", "trec", "--limit", "3",
            ],
            0,
        )
        .stdout;
    let rows: Vec<Vec<&str>> = trec.lines().map(|l| l.split(' ').collect()).collect();
    assert!(
        rows.iter()
            .all(|r| r.len() == 6 && r[1] == "Q0" && r[5] == "lede"),
        "{trec}"
    );
    let q1: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "1").collect();
    assert_eq!(
        q1.len(),
        3,
        "one line per article, --limit articles: {trec}"
    );
    assert_eq!(q1.iter().map(|r| r[3]).collect::<Vec<_>>(), ["1", "2", "3"]);
    env.write("bad.jsonl", "{\"_id\": \"1\", \"text\": \"a\"}\n{oops\n");
    let run = env.lede_ok(&["query", "--batch", "bad.jsonl"], 2);
    assert!(run.stderr.contains("bad.jsonl:2"), "{}", run.stderr);
}

#[test]
fn beir_corpora_ingest_as_they_are() {
    let env = TestEnv::new();
    env.write(
        "corpus.jsonl",
        "{\"_id\": \"D1\", \"title\": \"Parsing\", \"text\": \"Compilers parse programs.\"}\n",
    );
    env.lede_ok(&["ingest", "corpus.jsonl"], 0);
    let response = query(&env, &["compiler"]);
    assert_eq!(hits(&response), [("D1".to_string(), 0)]);
    assert_eq!(response["hits"][0]["title"], "Parsing");
}

#[test]
fn help_shows_the_syntax_with_examples() {
    let env = TestEnv::new();
    let help = env.lede_ok(&["query", "--help"], 0).stdout;
    for needle in [
        "\"weapons supply\"~3",
        "-nuclear",
        "title:summit",
        "comput*",
        "--batch",
        "--per-article",
    ] {
        assert!(help.contains(needle), "{needle} missing from help:\n{help}");
    }
}

#[test]
fn timelines_count_passages_per_period_and_draw_bars() {
    let env = corpus();
    let months = env
        .lede_ok(&["facets", "month", "weapons", "--json"], 0)
        .json();
    let periods: Vec<(String, u64)> = months["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_string(),
                p["passages"].as_u64().unwrap(),
            )
        })
        .collect();
    // a1 (2023-09) has two passages with "weapons", a2 (2023-10) one, a4 (2024-03) one;
    // u1 is undated.
    assert_eq!(
        periods,
        [
            ("2023-09".to_string(), 2),
            ("2023-10".to_string(), 1),
            ("2024-03".to_string(), 1)
        ]
    );
    assert_eq!(months["undated"], 1);
    assert_eq!(months["total"], 5);
    let text = env.lede_ok(&["facets", "year", "weapons"], 0).stdout;
    assert!(text.starts_with("Year  passages  articles\n"), "{text}");
    assert!(text.contains("2023         3         2  ████"), "{text}");
    assert!(
        text.contains("1 passage of undated articles not shown"),
        "{text}"
    );
}

#[test]
fn csv_output_has_one_row_per_passage_and_limit_0_gives_all() {
    let env = corpus();
    let all = query(env, &["weapons", "--all"]);
    let total = all["total"].as_u64().unwrap();
    let csv = env
        .lede_ok(
            &[
                "query", "weapons", "--all", "--format", "csv", "--limit", "0",
            ],
            0,
        )
        .stdout;
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("article_id,title,date,paragraph,text,countries,persons,orgs")
    );
    assert_eq!(csv.matches("\r\n").count() as u64, total + 1);
    let page = env
        .lede_ok(&["query", "weapons", "--format", "csv", "--limit", "2"], 0)
        .stdout;
    assert_eq!(page.matches("\r\n").count(), 3);
}
