//! `lede ingest` and `lede stats` end to end: formats, re-ingest, bad input, exit codes.

use crate::util::TestEnv;

fn stats(env: &TestEnv) -> serde_json::Value {
    env.lede_ok(&["stats", "--json"], 0).json()
}

#[test]
fn the_seed_article_is_indexed_paragraph_by_paragraph() {
    let env = TestEnv::with_corpus();
    let run = env.lede_ok(&["ingest", "corpus/"], 0);
    assert!(run.stdout.contains("1 new"), "{}", run.stdout);
    let stats = stats(&env);
    assert_eq!(stats["articles"], 1);
    assert_eq!(stats["passages"], 8);
    assert!(stats["size_bytes"].as_u64().unwrap() > 0);
    let top: Vec<&str> = stats["top_countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(top.contains(&"RU") && top.contains(&"KP"), "{top:?}");
}

#[test]
fn re_ingesting_skips_unchanged_articles_and_never_duplicates() {
    let env = TestEnv::with_corpus();
    env.lede_ok(&["ingest", "corpus/"], 0);
    let before = stats(&env);
    let again = env.lede_ok(&["ingest", "corpus/"], 0);
    assert!(again.stdout.contains("1 unchanged"), "{}", again.stdout);
    // The same file named another way is the same article.
    env.lede_ok(&["ingest", "./corpus/vladivostok-summit.txt"], 0);
    let after = stats(&env);
    assert_eq!(before["articles"], after["articles"]);
    assert_eq!(before["passages"], after["passages"]);
    let hits = env
        .lede_ok(&["query", "Vladivostok", "--json", "--limit", "50"], 0)
        .json();
    let paragraphs: Vec<u64> = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["paragraph"].as_u64().unwrap())
        .collect();
    let mut unique = paragraphs.clone();
    unique.dedup();
    assert_eq!(
        paragraphs.len(),
        unique.len(),
        "duplicated passages: {paragraphs:?}"
    );
}

#[test]
fn a_changed_article_replaces_all_its_paragraphs() {
    let env = TestEnv::new();
    env.write(
        "news/a.txt",
        "Headline\n\nOne about zeppelins.\n\nTwo about zeppelins.\n\nThree.\n",
    );
    env.lede_ok(&["ingest", "news"], 0);
    assert_eq!(stats(&env)["passages"], 3);
    env.write("news/a.txt", "Headline\n\nOnly one about balloons now.\n");
    let run = env.lede_ok(&["ingest", "news"], 0);
    assert!(run.stdout.contains("1 updated"), "{}", run.stdout);
    assert_eq!(stats(&env)["passages"], 1);
    env.lede_ok(&["query", "zeppelins"], 1);
    env.lede_ok(&["query", "balloons"], 0);
}

#[test]
fn every_input_format_is_read() {
    let env = TestEnv::new();
    env.write(
        "in/plain.txt",
        "Zebra Report\n\nBy Jane Doe\n\nZebras crossed the border into Kenya.\n",
    );
    env.write(
        "in/note.md",
        "---\ntitle: Markdown zebra\ndate: 2023-09-12\nauthor: Ann Writer\nurl: https://example.test/z\n---\n\n# Ignored heading? no, a section\n\nA **zebra** in [Nairobi](https://x.test).\n",
    );
    env.write(
        "in/export.jsonl",
        "{\"id\": \"j1\", \"headline\": \"JSONL zebra\", \"content\": \"A zebra in Tanzania.\", \"date\": \"2024-01-02\"}\n{\"_id\": \"j2\", \"title\": \"BEIR zebra\", \"text\": \"Zebra text.\"}\n",
    );
    env.write(
        "in/array.json",
        "[{\"id\": \"a1\", \"title\": \"Array zebra\", \"body\": \"Zebra one.\\n\\nZebra two.\"}]",
    );
    env.write("in/photo.jpg", "not an article");
    let run = env.lede_ok(&["ingest", "in"], 0);
    assert!(run.stdout.contains("5 new"), "{}", run.stdout);
    assert!(run.stdout.contains("1 skipped"), "{}", run.stdout);
    let response = env
        .lede_ok(&["query", "zebra", "--json", "--limit", "20"], 0)
        .json();
    let hits = response["hits"].as_array().unwrap();
    let find = |id: &str| {
        hits.iter()
            .find(|h| h["article_id"] == id)
            .unwrap_or_else(|| panic!("{id} missing: {response}"))
    };
    let txt = find("in/plain.txt");
    assert_eq!(txt["title"], "Zebra Report");
    assert_eq!(txt["author"], "Jane Doe");
    let md = find("in/note.md");
    assert_eq!(md["title"], "Markdown zebra");
    assert_eq!(md["date"], "2023-09-12");
    assert!(
        !hits
            .iter()
            .any(|h| h["text"].as_str().unwrap().contains("**")),
        "markup stripped"
    );
    assert_eq!(find("j1")["title"], "JSONL zebra");
    assert_eq!(find("j1")["date"], "2024-01-02");
    assert_eq!(find("j2")["title"], "BEIR zebra");
    assert_eq!(find("a1")["title"], "Array zebra");
}

#[test]
fn a_bad_json_line_is_reported_by_file_and_line_and_the_rest_is_indexed() {
    let env = TestEnv::new();
    env.write(
        "in/export.jsonl",
        "{\"id\": \"ok1\", \"body\": \"Walrus one.\"}\n{broken\n{\"id\": \"nobody\", \"title\": \"T\"}\n{\"id\": \"ok2\", \"body\": \"Walrus two.\"}\n",
    );
    env.write("in/good.txt", "Walrus three.\n");
    let run = env.lede_ok(&["ingest", "in"], 2);
    assert!(
        run.stderr.contains("in/export.jsonl:2: invalid JSON"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("in/export.jsonl:3") && run.stderr.contains("no body"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("3 new") && run.stdout.contains("2 failed"),
        "{}",
        run.stdout
    );
    let hits = env.lede_ok(&["query", "walrus", "--json"], 0).json();
    assert_eq!(hits["total"], 3);
}

#[test]
fn unreadable_and_empty_files_are_named_and_do_not_stop_the_run() {
    let env = TestEnv::new();
    env.write("in/empty.txt", "");
    env.write_bytes("in/binary.txt", b"\x00\x01\x02 binary");
    env.write("in/good.md", "Otters swim.\n");
    let run = env.lede_ok(&["ingest", "in"], 2);
    assert!(
        run.stderr.contains("in/empty.txt") && run.stderr.contains("warning"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("in/binary.txt") && run.stderr.contains("binary"),
        "{}",
        run.stderr
    );
    env.lede_ok(&["query", "otters"], 0);
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let env = TestEnv::new();
    let run = env.lede_ok(&["ingest", "no-such-folder"], 2);
    assert!(run.stderr.contains("no-such-folder"), "{}", run.stderr);
}

#[test]
fn a_folder_without_articles_is_an_error() {
    let env = TestEnv::new();
    env.write("in/photo.jpg", "x");
    let run = env.lede_ok(&["ingest", "in"], 2);
    assert!(run.stderr.contains("no articles"), "{}", run.stderr);
}

#[test]
fn an_index_of_another_schema_version_asks_for_a_re_ingest() {
    let env = TestEnv::with_corpus();
    env.lede_ok(&["ingest", "corpus/"], 0);
    let marker = env.path().join("lede-index/lede.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&marker).unwrap()).unwrap();
    value["schema_version"] = 99.into();
    std::fs::write(&marker, value.to_string()).unwrap();
    let run = env.lede_ok(&["query", "weapons"], 2);
    assert!(run.stderr.contains("re-ingest"), "{}", run.stderr);
}

#[test]
fn ingesting_a_folder_that_holds_the_index_leaves_the_index_out() {
    let env = TestEnv::with_corpus();
    env.lede_ok(&["ingest", "corpus/"], 0);
    let run = env.lede_ok(&["ingest", "."], 0);
    assert!(
        run.stdout.contains("1 unchanged") && run.stdout.contains("0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn no_progress_bar_when_standard_error_is_not_a_terminal() {
    let env = TestEnv::with_corpus();
    let run = env.lede_ok(&["ingest", "corpus/"], 0);
    assert_eq!(run.stderr, "", "nothing but problems on a piped stderr");
    assert!(run.stdout.starts_with("ingested 1 file"), "{}", run.stdout);
}

#[test]
fn a_progress_bar_on_a_terminal_and_none_with_quiet() {
    let env = TestEnv::with_corpus();
    let run = env.lede_in_terminal(&["ingest", "corpus/"], &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("1/1 files"),
        "bar counts files:\n{:?}",
        run.stdout
    );
    assert!(run.stdout.contains("ingested 1 file"), "{:?}", run.stdout);
    let quiet = env.lede_in_terminal(&["ingest", "corpus/", "--quiet"], &[]);
    assert_eq!(quiet.code, 0, "{}", quiet.stdout);
    assert_eq!(quiet.stdout.trim(), "", "--quiet prints nothing");
}

#[test]
fn an_ingest_of_paths_that_do_not_exist_creates_no_index() {
    let env = TestEnv::new();
    let run = env.lede(&["ingest", "nothere.jsonl", "missing/"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("nothere.jsonl, missing/: no such file or folder"),
        "{}",
        run.stderr
    );
    assert!(!env.path().join("lede-index").exists());
    // Among paths that exist, a missing one is reported and the rest is indexed.
    env.write(
        "news.jsonl",
        "{\"id\":\"a\",\"body\":\"Grain prices rose.\"}\n",
    );
    let run = env.lede(&["ingest", "news.jsonl", "nothere.jsonl"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nothere.jsonl"), "{}", run.stderr);
    assert_eq!(
        env.lede_ok(&["query", "grain", "--json"], 0).json()["total"],
        1
    );
}
