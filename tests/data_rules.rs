//! Rules about the data an ingest keeps: an id given twice, dates the index cannot hold,
//! and characters that must not reach a terminal or a JSON reader raw.

use crate::util::TestEnv;

fn passages(env: &TestEnv) -> u64 {
    env.lede_ok(&["stats", "--json"], 0).json()["passages"]
        .as_u64()
        .unwrap()
}

#[test]
fn an_id_given_twice_keeps_the_later_article_and_says_where_both_are() {
    let env = TestEnv::new();
    env.write(
        "feed.jsonl",
        "{\"id\": \"a\", \"body\": \"First version.\\n\\nWith two paragraphs.\"}\n\
         {\"id\": \"b\", \"body\": \"Another article.\"}\n\
         {\"id\": \"a\", \"body\": \"Second version.\"}\n",
    );
    let run = env.lede_ok(&["ingest", "feed.jsonl"], 0);
    assert!(run.stdout.contains("2 new"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("\"a\" is given again at feed.jsonl:3 (first at feed.jsonl:1)"),
        "{}",
        run.stderr
    );
    assert_eq!(passages(&env), 2);
    let kept = env.lede_ok(&["query", "version", "--json"], 0).json();
    assert_eq!(kept["hits"][0]["text"], "Second version.");
    // Ingesting the same file again changes nothing, however often.
    for _ in 0..3 {
        env.lede_ok(&["ingest", "feed.jsonl"], 0);
        assert_eq!(passages(&env), 2);
    }
    let kept = env.lede_ok(&["query", "version", "--json"], 0).json();
    assert_eq!(kept["total"], 1);
    assert_eq!(kept["hits"][0]["text"], "Second version.");
}

/// A run on an empty index with ids given again across its batches (1,024 articles) and
/// commits: every id keeps its last version alone, as a replay of the feed in the test
/// says (no passage of an earlier version left, none of the last missing).
#[test]
fn ids_given_again_across_commits_of_a_fresh_index_keep_only_their_last_version() {
    let env = TestEnv::new();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const VERSIONS: usize = 2600;
    // id -> (the version that is its last, its paragraphs)
    let mut last = std::collections::BTreeMap::new();
    let mut feed = String::new();
    for version in 0..VERSIONS {
        let id = format!("n{}", next() % 900);
        let paragraphs = 1 + (next() % 3) as usize;
        let body: Vec<String> = (0..paragraphs)
            .map(|p| format!("Version marker{version}x of {id}, paragraph {p}."))
            .collect();
        feed.push_str(&serde_json::json!({"id": id, "body": body.join("\n\n")}).to_string());
        feed.push('\n');
        last.insert(id, (version, paragraphs));
    }
    env.write("feed.jsonl", &feed);
    env.lede_ok(&["ingest", "feed.jsonl", "--commit-every", "500"], 0);
    let stats = env.lede_ok(&["stats", "--json"], 0).json();
    assert_eq!(stats["articles"].as_u64(), Some(last.len() as u64));
    let passages: usize = last.values().map(|(_, paragraphs)| paragraphs).sum();
    assert_eq!(stats["passages"].as_u64(), Some(passages as u64));
    let kept: std::collections::BTreeMap<usize, usize> = last.values().copied().collect();
    let queries: String = (0..VERSIONS).map(|v| format!("marker{v}x\n")).collect();
    env.write("queries.txt", &queries);
    let answers = env
        .lede_ok(&["query", "--batch", "queries.txt", "--json"], 0)
        .json_lines();
    assert_eq!(answers.len(), VERSIONS);
    for (version, answer) in answers.iter().enumerate() {
        let expected = kept.get(&version).copied().unwrap_or(0) as u64;
        assert_eq!(
            answer["total"].as_u64(),
            Some(expected),
            "version {version}"
        );
    }
}

#[test]
fn dates_an_index_cannot_hold_leave_the_article_undated_with_a_warning() {
    let env = TestEnv::new();
    env.write(
        "old.jsonl",
        "{\"id\": \"ancient\", \"date\": \"0001-01-01\", \"body\": \"Roman grain ships.\"}\n\
         {\"id\": \"modern\", \"date\": \"1987-03-19\", \"body\": \"Modern grain ships.\"}\n",
    );
    let run = env.lede_ok(&["ingest", "old.jsonl"], 0);
    assert!(
        run.stderr.contains("old.jsonl:1")
            && run.stderr.contains("outside the years an index can hold"),
        "{}",
        run.stderr
    );
    let hits = env.lede_ok(&["query", "grain", "--json"], 0).json();
    let ancient = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["article_id"] == "ancient")
        .unwrap();
    assert_eq!(ancient["date"], serde_json::Value::Null);
    // A filter of years no article has finds nothing, rather than wrapping into 1987.
    env.lede_ok(&["query", "grain", "--since", "1400", "--until", "1600"], 1);
}

#[test]
fn json_trec_and_text_never_pass_on_characters_that_disturb_a_reader() {
    let env = TestEnv::new();
    let nasty = "\u{9b}31m\u{7f}\u{202e}gnirts\u{200b}\u{2028}\u{feff}";
    let dangerous: Vec<char> = nasty
        .chars()
        .filter(|c| !c.is_ascii_alphanumeric())
        .collect();
    let record = serde_json::json!({
        "id": format!("id{nasty}"),
        "title": format!("Title{nasty}"),
        "body": format!("Grain ships{nasty} left Odesa."),
    });
    env.write("nasty.jsonl", &format!("{record}\n"));
    env.lede_ok(&["ingest", "nasty.jsonl"], 0);
    let raw = |c: char, output: &str| output.contains(c);
    let json = env.lede_ok(&["query", "grain", "--json"], 0).stdout;
    let text = env.lede_ok(&["query", "grain"], 0).stdout;
    env.write("q.txt", "grain\n");
    let trec = env
        .lede_ok(&["query", "--batch", "q.txt", "--format", "trec"], 0)
        .stdout;
    for &c in &dangerous {
        assert!(!raw(c, &json), "U+{:04X} raw in JSON: {json}", c as u32);
        assert!(!raw(c, &text), "U+{:04X} raw in text: {text}", c as u32);
        assert!(!raw(c, &trec), "U+{:04X} raw in TREC: {trec}", c as u32);
    }
    // JSON escapes them: the text reads back whole.
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["hits"][0]["article_id"], format!("id{nasty}"));
    let extract = env.lede_ok(&["extract", "nasty.jsonl"], 0).stdout;
    for &c in &dangerous {
        assert!(
            !raw(c, &extract),
            "U+{:04X} raw in extract: {extract}",
            c as u32
        );
    }
}
