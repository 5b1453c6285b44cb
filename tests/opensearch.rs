//! The same corpus in a local index and in an OpenSearch cluster answers alike, and an
//! ingest that loses a node of the cluster says so and can be run again.
//!
//! These tests need a cluster: `LEDE_TEST_OPENSEARCH` holds its URL (`.ci/run` starts a
//! two-node cluster with `scripts/opensearch-cluster.sh` and sets it). Without it they say
//! so and pass, except under CI, where a missing cluster fails them.
//!
//! Parity is checked on everything lede prints but the scores: for every query, the same
//! total, the same passages with the same highlights, snippets, entities and context, the
//! same facet counts, notices and paging. The order of the hits is checked where both
//! indexes score alike; the known differences are listed in [`SCORED_APART`].

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::TestEnv;

/// The cluster's URL, or `None` (with a message) when none is configured here.
fn cluster() -> Option<String> {
    match std::env::var("LEDE_TEST_OPENSEARCH") {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().trim_end_matches('/').to_string()),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "LEDE_TEST_OPENSEARCH is not set: CI must run the OpenSearch tests (see .ci/run)"
            );
            eprintln!("LEDE_TEST_OPENSEARCH is not set: OpenSearch tests not run");
            None
        }
    }
}

/// An index name no other test run uses.
fn fresh_index_name(purpose: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("lede-test-{purpose}-{}-{nanos}", std::process::id())
}

/// Deletes a test index when dropped.
struct ClusterIndex {
    url: String,
}

impl Drop for ClusterIndex {
    fn drop(&mut self) {
        let _ = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-X", "DELETE", &self.url])
            .status();
    }
}

fn curl_json(url: &str) -> Value {
    let output = Command::new("curl")
        .args(["-s", "-m", "30", url])
        .output()
        .expect("curl runs");
    serde_json::from_slice(&output.stdout).unwrap_or(Value::Null)
}

/// A small deterministic news corpus: titled and untitled articles over four years and
/// undated ones, several paragraphs each, naming countries (by name, capital, adjective and
/// government), people and organisations, with words the queries below look for.
fn write_corpus(env: &TestEnv, articles: usize) -> String {
    const SENTENCES: &[&str] = &[
        "Kim Jong Un arrived in Vladivostok for talks with Vladimir Putin about weapons supply.",
        "The Kremlin said the summit would cover military cooperation and long-range missiles.",
        "Pyongyang denied selling artillery shells to Moscow, Reuters reported.",
        "Analysts in Seoul said North Korean weapons could reach the front within weeks.",
        "The United Nations Security Council discussed sanctions on the supply of arms.",
        "Brazil and Colombia agreed a new coffee quota at the International Coffee Organization.",
        "Coffee prices rose in London after Brazilian exporters cut their supply.",
        "Xi Jinping met Joe Biden in San Francisco to discuss trade and Taiwan.",
        "Chinese officials said Beijing opposed any long range weapons sales to Taipei.",
        "Japan protested after a missile landed in its exclusive economic zone.",
        "The European Union prepared a twelfth package of sanctions against Russia.",
        "Ukrainian forces reported drone attacks on grain ports near Odesa.",
        "Grain exports from Ukraine fell as shipping insurers raised premiums.",
        "Oil ministers of OPEC met in Vienna to agree production cuts.",
        "Saudi Arabia said the oil market needed stability, not weapons.",
        "NATO leaders promised more air defence systems for Kyiv.",
        "Sergei Shoigu visited Pyongyang and inspected a weapons factory.",
        "The White House accused North Korea of supplying ammunition to Russian forces.",
        "Shares of mining companies fell in Johannesburg as gold prices slipped.",
        "The central bank of Brazil kept interest rates unchanged amid inflation worries.",
    ];
    const TITLES: &[&str] = &[
        "Putin and Kim meet in Vladivostok",
        "Weapons supply talks",
        "Coffee quota agreed",
        "Sanctions on Russia widen",
        "Grain corridor under fire",
        "Oil producers cut output",
    ];
    const AUTHORS: &[&str] = &["Ann Lee", "Boris Ivanov", "Carla Mendes"];
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| -> usize {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut lines = String::new();
    for i in 0..articles {
        let paragraphs: Vec<String> = (0..1 + next(4))
            .map(|_| {
                (0..1 + next(3))
                    .map(|_| SENTENCES[next(SENTENCES.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let mut article = serde_json::json!({
            "id": format!("wire-{i:03}"),
            "body": paragraphs.join("\n\n"),
        });
        if next(3) > 0 {
            article["title"] = TITLES[next(TITLES.len())].into();
        }
        if next(5) > 0 {
            article["date"] =
                format!("{}-{:02}-{:02}", 2021 + next(4), 1 + next(12), 1 + next(28)).into();
        }
        if next(2) == 0 {
            article["author"] = AUTHORS[next(AUTHORS.len())].into();
        }
        lines.push_str(&article.to_string());
        lines.push('\n');
    }
    env.write("wire/articles.jsonl", &lines);
    "wire/".to_string()
}

/// Queries whose hits both indexes order alike: a word in the paragraph, phrases without
/// slop, prefixes, and a word in the title (whose scores differ, not their order: tantivy
/// averages title lengths over every passage, Lucene over the passages with a title).
const SAME_ORDER: &[&[&str]] = &[
    &["body:weapons"],
    &["body:coffee", "--offset", "2", "--limit", "3"],
    &["\"north korea\""],
    &["\"long range\""],
    &["weap*"],
    &["title:coffee"],
    &["body:grain", "--per-article"],
    &["body:oil", "-C", "1"],
    &["\"weapons supply\" -title:talks"],
];

/// Queries whose hits match alike but may be ordered apart, and why:
/// - a word without a field: OpenSearch 2.19 has no BM25F query, so the word's scores in
///   the paragraph and in the title (times 1.5) are added; locally both fields are scored
///   as one. Passages of titled articles can swap places.
/// - a phrase with slop: Lucene counts a sloppy match as 1/(distance + 1), tantivy as 1.
const SCORED_APART: &[&[&str]] = &[
    &["weapons supply"],
    &["weapons supply", "--all"],
    &["weapons supply", "--any"],
    &["weapons -russia"],
    &["(korea OR japan) missile"],
    &[
        "coffee OR grain",
        "--facet",
        "country",
        "--facet",
        "person",
        "--facet",
        "org",
    ],
    &["\"kim putin\"~4"],
    &["long-range missiles"],
    &["sanctions", "--country", "russia"],
    &[
        "sanctions",
        "--country",
        "RU",
        "--country",
        "CN",
        "--facet",
        "country",
    ],
    &["weapons", "--person", "putin", "--facet", "person"],
    &["oil", "--org", "opec"],
    &["supply", "--since", "2022", "--until", "2023-06"],
    &["coffee", "--article", "wire-005", "--article", "wire-017"],
    &["weapons", "--per-article", "--facet", "country"],
    &["--limit", "1000", "--", "-weapons"],
    &["", "--country", "KP", "--facet", "org"],
    &["nothingmatchesthis"],
];

/// Passages of a JSON answer keyed by article and paragraph, without their scores.
fn passages(answer: &Value) -> BTreeMap<(String, u64), Value> {
    answer["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| {
            let mut hit = hit.clone();
            hit.as_object_mut().unwrap().remove("score");
            let key = (
                hit["article_id"].as_str().unwrap().to_string(),
                hit["paragraph"].as_u64().unwrap(),
            );
            (key, hit)
        })
        .collect()
}

/// The articles of the hits.
fn articles(answer: &Value) -> std::collections::BTreeSet<String> {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["article_id"].as_str().unwrap().to_string())
        .collect()
}

/// Hits in order, as runs of passages of equal score (to four digits): the order within a
/// run is the index's own.
fn order(answer: &Value) -> Vec<std::collections::BTreeSet<(String, u64)>> {
    let mut runs: Vec<std::collections::BTreeSet<(String, u64)>> = Vec::new();
    let mut last_score = String::new();
    for hit in answer["hits"].as_array().unwrap() {
        let score = format!("{:.4}", hit["score"].as_f64().unwrap());
        if runs.is_empty() || score != last_score {
            runs.push(Default::default());
            last_score = score;
        }
        runs.last_mut().unwrap().insert((
            hit["article_id"].as_str().unwrap().to_string(),
            hit["paragraph"].as_u64().unwrap(),
        ));
    }
    runs
}

/// Everything of an answer but its hits and the time it took.
fn without_hits(answer: &Value) -> Value {
    let mut rest = answer.clone();
    rest.as_object_mut().unwrap().remove("hits");
    rest.as_object_mut().unwrap().remove("took_ms");
    rest
}

/// `lede ARGS --index INDEX` on the local index and on the cluster's `remote`, which must
/// both succeed: their JSON answers, without the time each took.
fn on_both(env: &TestEnv, remote: &str, args: &[&str]) -> [Value; 2] {
    ["lede-index", remote].map(|index| {
        let mut full = args.to_vec();
        full.extend_from_slice(&["--index", index]);
        let mut answer = env.lede_ok(&full, 0).json();
        if let Some(fields) = answer.as_object_mut() {
            fields.remove("took_ms");
        }
        answer
    })
}

fn query(env: &TestEnv, index: &str, args: &[&str]) -> (i32, Value) {
    let mut full = vec!["query", "--index", index, "--json"];
    full.extend_from_slice(args);
    if !args.contains(&"--limit") {
        full.extend_from_slice(&["--limit", "1000"]);
    }
    let run = env.lede(&full);
    let answer = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "lede {full:?}: {e}\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        )
    });
    (run.code, answer)
}

/// Ingests the corpus into a local index and a cluster index; returns the environment,
/// the cluster index's URL and its cleaner.
fn both_indexes(url: &str) -> (TestEnv, String, ClusterIndex) {
    let env = TestEnv::with_corpus();
    let wire = write_corpus(&env, 80);
    let remote = format!("{url}/{}", fresh_index_name("parity"));
    let cleaner = ClusterIndex {
        url: remote.clone(),
    };
    for index in ["lede-index", remote.as_str()] {
        env.lede_ok(
            &["ingest", "corpus/", &wire, "--index", index, "--quiet"],
            0,
        );
    }
    (env, remote, cleaner)
}

#[test]
fn a_cluster_answers_every_query_as_the_local_index_does() {
    let Some(url) = cluster() else { return };
    let (env, remote, _cleaner) = both_indexes(&url);
    for (args, same_order) in SAME_ORDER
        .iter()
        .map(|a| (a, true))
        .chain(SCORED_APART.iter().map(|a| (a, false)))
    {
        let (local_code, local) = query(&env, "lede-index", args);
        let (remote_code, answer) = query(&env, &remote, args);
        assert_eq!(local_code, remote_code, "exit code of {args:?}");
        assert_eq!(
            without_hits(&local),
            without_hits(&answer),
            "totals, facets or notices of {args:?}"
        );
        if args.contains(&"--per-article") && !same_order {
            // The best passage of an article depends on the scores.
            assert_eq!(articles(&local), articles(&answer), "articles of {args:?}");
            continue;
        }
        let (mut local_passages, mut remote_passages) = (passages(&local), passages(&answer));
        if same_order {
            // A page that starts or ends inside a run of tied passages holds the tied
            // passages each index puts first: those are compared by score only.
            let mut local_runs = order(&local);
            let mut remote_runs = order(&answer);
            let cut_runs = page_cuts(args, &local);
            assert_eq!(cut_runs, page_cuts(args, &answer), "page cuts of {args:?}");
            let sizes = |runs: &[std::collections::BTreeSet<(String, u64)>]| {
                runs.iter().map(|run| run.len()).collect::<Vec<_>>()
            };
            assert_eq!(sizes(&local_runs), sizes(&remote_runs), "ties of {args:?}");
            for runs in [&mut local_runs, &mut remote_runs] {
                if cut_runs.1 {
                    runs.pop();
                }
                if cut_runs.0 && !runs.is_empty() {
                    runs.remove(0);
                }
            }
            assert_eq!(local_runs, remote_runs, "order of {args:?}");
            let compared: std::collections::BTreeSet<_> =
                local_runs.into_iter().flatten().collect();
            local_passages.retain(|key, _| compared.contains(key));
            remote_passages.retain(|key, _| compared.contains(key));
        }
        assert_eq!(
            local_passages.keys().collect::<Vec<_>>(),
            remote_passages.keys().collect::<Vec<_>>(),
            "passages of {args:?}"
        );
        for (key, hit) in &local_passages {
            assert_eq!(hit, &remote_passages[key], "passage {key:?} of {args:?}");
        }
    }
}

/// Whether the page's first run of tied passages may have begun before the page (it
/// starts at an offset) and whether its last may go on after it (the page is full).
fn page_cuts(args: &[&str], answer: &Value) -> (bool, bool) {
    let value_of = |flag: &str| {
        args.iter()
            .position(|a| *a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<usize>().ok())
    };
    let shown = answer["hits"].as_array().map_or(0, Vec::len);
    let offset = value_of("--offset").unwrap_or(0);
    let limit = value_of("--limit").unwrap_or(1000);
    (offset > 0 && shown > 0, shown > 0 && shown == limit)
}

#[test]
fn facets_timelines_stats_and_batches_agree() {
    let Some(url) = cluster() else { return };
    let (env, remote, _cleaner) = both_indexes(&url);
    let commands: &[&[&str]] = &[
        &["facets", "country", "--json"],
        &["facets", "person", "--json", "--limit", "100"],
        &["facets", "org", "--json", "--limit", "100"],
        &["facets", "author", "--json"],
        &["facets", "country", "weapons", "--country", "KP", "--json"],
        &["facets", "year", "--json"],
        &["facets", "month", "supply", "--json"],
        &["facets", "day", "coffee", "--since", "2022", "--json"],
    ];
    for args in commands {
        let [local, cluster] = on_both(&env, &remote, args);
        assert_eq!(local, cluster, "lede {args:?}");
    }
    let stats = on_both(&env, &remote, &["stats", "--json"]);
    for field in ["articles", "passages", "top_countries"] {
        assert_eq!(stats[0][field], stats[1][field], "stats {field}");
    }
    assert_eq!(stats[1]["index"], remote.as_str());
    env.write(
        "queries.txt",
        "weapons supply\n{\"id\": \"q2\", \"query\": \"coffee\", \"country\": [\"BR\"]}\n\"north korea\" -china\n",
    );
    let batches: Vec<Vec<Value>> = ["lede-index", remote.as_str()]
        .iter()
        .map(|index| {
            env.lede_ok(
                &[
                    "query",
                    "--batch",
                    "queries.txt",
                    "--json",
                    "--limit",
                    "1000",
                    "--index",
                    index,
                ],
                0,
            )
            .json_lines()
        })
        .collect();
    assert_eq!(batches[0].len(), 3);
    for (local, answer) in batches[0].iter().zip(&batches[1]) {
        assert_eq!(without_hits(local), without_hits(answer));
        assert_eq!(passages(local), passages(answer));
    }
}

#[test]
fn reingesting_replaces_removing_removes_and_nothing_is_duplicated() {
    let Some(url) = cluster() else { return };
    let (env, remote, _cleaner) = both_indexes(&url);
    // Unchanged articles are skipped; a changed one replaces its paragraphs, and a
    // shorter version leaves none of its old ones behind.
    env.write(
        "update.jsonl",
        "{\"id\": \"wire-003\", \"body\": \"One short paragraph about coffee now.\"}\n",
    );
    for index in ["lede-index", remote.as_str()] {
        let again = env.lede_ok(&["ingest", "corpus/", "wire/", "--index", index], 0);
        assert!(
            again
                .stdout
                .contains("articles: 0 new, 0 updated, 81 unchanged, 0 failed"),
            "{index}: {}",
            again.stdout
        );
        let updated = env.lede_ok(&["ingest", "update.jsonl", "--index", index], 0);
        assert!(
            updated.stdout.contains("articles: 0 new, 1 updated"),
            "{index}: {}",
            updated.stdout
        );
        let removed = env
            .lede_ok(
                &[
                    "remove",
                    "--article",
                    "wire-007",
                    "--json",
                    "--index",
                    index,
                ],
                0,
            )
            .json();
        assert_eq!(
            removed["articles"],
            serde_json::json!(["wire-007"]),
            "{index}"
        );
    }
    let (_, local) = query(&env, "lede-index", &["", "--article", "wire-003"]);
    let (_, answer) = query(&env, &remote, &["", "--article", "wire-003"]);
    assert_eq!(answer["total"], 1, "{answer}");
    assert_eq!(passages(&local), passages(&answer));
    let stats = on_both(&env, &remote, &["stats", "--json"]);
    assert_eq!(stats[0]["passages"], stats[1]["passages"]);
    assert_eq!(stats[0]["articles"], stats[1]["articles"]);
    let run = env.lede(&["remove", "--article", "wire-007", "--index", &remote]);
    assert_eq!(run.code, 1, "nothing left to remove: {}", run.stderr);
}

#[test]
fn an_article_the_cluster_refuses_is_reported_by_name_and_written_by_the_next_run() {
    let Some(url) = cluster() else { return };
    let env = TestEnv::new();
    let remote = format!("{url}/{}", fresh_index_name("refused"));
    let _cleaner = ClusterIndex {
        url: remote.clone(),
    };
    env.write(
        "news.jsonl",
        "{\"id\": \"a\", \"body\": \"Coffee prices rose in Brazil.\"}\n{\"id\": \"b\", \"body\": \"Oil output fell in Norway.\"}\n",
    );
    env.lede_ok(&["ingest", "news.jsonl", "--index", &remote], 0);
    let block = |blocked: bool| {
        let body = format!("{{\"index.blocks.write\": {blocked}}}");
        let status = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-X",
                "PUT",
                "-H",
                "content-type: application/json",
            ])
            .args(["-d", &body, &format!("{remote}/_settings")])
            .status()
            .unwrap();
        assert!(status.success());
    };
    // The cluster refuses every write: each changed or new article is named, the
    // unchanged one is still skipped, and the run fails.
    block(true);
    env.write(
        "news.jsonl",
        "{\"id\": \"a\", \"body\": \"Coffee prices rose in Colombia.\"}\n{\"id\": \"b\", \"body\": \"Oil output fell in Norway.\"}\n{\"id\": \"c\", \"body\": \"Tea exports grew in India.\"}\n",
    );
    let refused = env.lede(&["ingest", "news.jsonl", "--index", &remote]);
    block(false);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stdout
            .contains("0 new, 0 updated, 1 unchanged, 2 failed · 0 paragraphs"),
        "{}",
        refused.stdout
    );
    for id in ["a", "c"] {
        let said = format!("news.jsonl: article \"{id}\" was not indexed: OpenSearch refused it (403 cluster_block_exception");
        assert!(refused.stderr.contains(&said), "{}", refused.stderr);
    }
    let (_, before) = query(&env, &remote, &["colombia"]);
    assert_eq!(before["total"], 0);
    let again = env.lede_ok(&["ingest", "news.jsonl", "--index", &remote], 0);
    assert!(
        again
            .stdout
            .contains("1 new, 1 updated, 1 unchanged, 0 failed"),
        "{}",
        again.stdout
    );
    let (_, after) = query(&env, &remote, &["colombia"]);
    assert_eq!(after["total"], 1);
}

#[test]
fn bad_addresses_and_unreachable_clusters_are_clear_errors() {
    let env = TestEnv::new();
    env.write("a.txt", "Coffee prices rose in Brazil.\n");
    let run = env.lede(&["ingest", "a.txt", "--index", "http://127.0.0.1:1/news"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot reach OpenSearch at http://127.0.0.1:1"),
        "{}",
        run.stderr
    );
    let run = env.lede(&[
        "query",
        "coffee",
        "--index",
        "http://u:secret@127.0.0.1:1/news",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("LEDE_OPENSEARCH_USER"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("secret"), "{}", run.stderr);
    let run = env.lede(&["stats", "--index", "http://127.0.0.1:1/"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("INDEX_NAME"), "{}", run.stderr);
    let Some(url) = cluster() else { return };
    let missing = format!("{url}/{}", fresh_index_name("missing"));
    let run = env.lede(&["query", "coffee", "--index", &missing]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no lede index at"), "{}", run.stderr);
    // An index lede did not make is refused, not written into.
    let foreign = format!("{url}/{}", fresh_index_name("foreign"));
    let _cleaner = ClusterIndex {
        url: foreign.clone(),
    };
    Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-X", "PUT", &foreign])
        .status()
        .unwrap();
    let run = env.lede(&["ingest", "a.txt", "--index", &foreign]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not made by lede"), "{}", run.stderr);
    let run = env.lede(&["check", "--index", &foreign]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("local index"), "{}", run.stderr);
}

/// Starts a two-node cluster of its own (the shared one keeps both nodes for the other
/// tests), ingests a corpus large enough to take a few seconds, kills the second node
/// while the ingest writes, and checks that the ingest says so and a second run completes
/// it with nothing lost or duplicated.
#[test]
fn an_ingest_that_loses_a_node_says_so_and_a_rerun_completes_it() {
    if cluster().is_none() {
        return;
    }
    let env = TestEnv::new();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/opensearch-cluster.sh");
    let dir = env.path().join("cluster");
    let started = Command::new("bash")
        .arg(script)
        .arg("start")
        .arg(&dir)
        .env("OPENSEARCH_HTTP_PORT", "9250")
        .env("OPENSEARCH_TRANSPORT_PORT", "9350")
        .output()
        .expect("the cluster script runs");
    let stop = StopCluster {
        script,
        dir: dir.clone(),
    };
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let url = String::from_utf8_lossy(&started.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();
    let wire = write_corpus(&env, 6_000);
    let remote = format!("{url}/faults");
    let ingest = env
        .command(&[
            "ingest",
            &wire,
            "--index",
            &remote,
            "--commit-every",
            "2000",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the node once the ingest is writing.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let count = curl_json(&format!("{remote}/_count"))["count"].as_u64();
        if count.is_some_and(|n| n > 0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the ingest wrote nothing in 120 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("bash")
        .args([script, "kill-node", "2"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(killed.success());
    let output = ingest.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!(
        "the ingest that lost a node said:\n{}{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        [0, 2].contains(&output.status.code().unwrap_or(-1)),
        "{stderr}"
    );
    assert!(
        stderr.contains("has a node left the cluster?"),
        "the ingest does not say that a node was lost:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The second run writes what the first could not, and skips what it wrote.
    let again = env.lede(&["ingest", &wire, "--index", &remote]);
    assert!([0, 2].contains(&again.code), "{}", again.stderr);
    env.lede_ok(&["ingest", &wire, "--quiet"], 0);
    let expected = env.lede_ok(&["stats", "--json"], 0).json();
    let got = env
        .lede_ok(&["stats", "--json", "--index", &remote], 0)
        .json();
    assert_eq!(got["articles"], expected["articles"], "articles");
    assert_eq!(
        got["passages"], expected["passages"],
        "passages, none twice"
    );
    let first_paragraphs = curl_json(&format!("{remote}/_count?q=paragraph:0"))["count"].clone();
    assert_eq!(first_paragraphs, expected["articles"]);
    drop(stop);
}

/// Stops a test's own cluster, whatever the test's outcome.
struct StopCluster {
    script: &'static str,
    dir: std::path::PathBuf,
}

impl Drop for StopCluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(self.script)
            .arg("stop")
            .arg(&self.dir)
            .output();
    }
}

#[test]
fn surnames_alone_join_their_full_names_in_the_cluster_as_locally() {
    let Some(url) = cluster() else { return };
    let env = TestEnv::new();
    env.write("people.jsonl", &crate::util::surnames_corpus());
    let remote = format!("{url}/{}", fresh_index_name("surnames"));
    let _cleaner = ClusterIndex {
        url: remote.clone(),
    };
    for index in ["lede-index", remote.as_str()] {
        env.lede_ok(&["ingest", "people.jsonl", "--index", index, "--quiet"], 0);
    }
    let commands: &[&[&str]] = &[
        &["facets", "person", "--json"],
        &["facets", "person", "--json", "--limit", "1"],
        &["query", "", "--facet", "person", "--json", "--limit", "0"],
        &[
            "query",
            "",
            "--person",
            "=Ronald Reagan",
            "--json",
            "--limit",
            "0",
        ],
        &["query", "", "--person", "reagan", "--json", "--limit", "0"],
        &["query", "", "--person", "=Reagan", "--json", "--limit", "0"],
        &[
            "query",
            "tom tailor",
            "--json",
            "--facet",
            "person",
            "--limit",
            "0",
        ],
    ];
    for args in commands {
        let [local, cluster] = on_both(&env, &remote, args);
        assert_eq!(local, cluster, "lede {args:?}");
    }
    let top = env
        .lede_ok(&["facets", "person", "--json", "--index", &remote], 0)
        .json();
    assert_eq!(top["values"][0]["value"], "Ronald Reagan", "{top}");
    assert_eq!(top["values"][0]["passages"], 4, "{top}");
    assert_eq!(top["values"][0]["alone"], "Reagan", "{top}");
    // A band's name is no person's in either index.
    for index in ["lede-index", remote.as_str()] {
        let run = env.lede(&["query", "", "--person", "tom tailor", "--index", index]);
        assert_eq!(run.code, 2, "{index}: {}", run.stdout);
        let run = env.lede_ok(&["query", "tickets", "--json", "--index", index], 0);
        assert_eq!(
            run.json()["hits"][0]["persons"],
            serde_json::json!([]),
            "{index}"
        );
    }
}

/// An index made before lede kept works' names (mapping version 1, no `work` field) is
/// read as it is, and writing to it adds the field: a strict mapping would otherwise refuse
/// every passage that names a work.
#[test]
fn an_index_of_the_mapping_before_works_is_read_and_upgraded_by_a_write() {
    let Some(url) = cluster() else { return };
    let env = TestEnv::new();
    env.write("people.jsonl", &crate::util::surnames_corpus());
    let model = format!("{url}/{}", fresh_index_name("model"));
    let old = format!("{url}/{}", fresh_index_name("old"));
    let _cleaners = [&model, &old].map(|url| ClusterIndex { url: url.clone() });
    env.lede_ok(&["ingest", "people.jsonl", "--index", &model, "--quiet"], 0);
    // The same index as lede made it before: no `work` field, version 1.
    let made = curl_json(&format!("{model}/_mapping"));
    let mut mappings = made.as_object().unwrap().values().next().unwrap()["mappings"].clone();
    mappings["properties"]
        .as_object_mut()
        .unwrap()
        .remove("work");
    mappings["_meta"]["lede_mapping_version"] = 1.into();
    let settings = curl_json(&format!("{model}/_settings"));
    let analysis = settings.as_object().unwrap().values().next().unwrap()["settings"]["index"]
        ["analysis"]
        .clone();
    let body = serde_json::json!({
        "settings": {"index": {"number_of_shards": 1, "number_of_replicas": 0, "analysis": analysis}},
        "mappings": mappings,
    });
    let created = Command::new("curl")
        .args([
            "-s",
            "-m",
            "30",
            "-X",
            "PUT",
            &old,
            "-H",
            "Content-Type: application/json",
        ])
        .args(["-d", &body.to_string()])
        .output()
        .unwrap();
    let created: Value = serde_json::from_slice(&created.stdout).unwrap();
    assert_eq!(created["acknowledged"], true, "{created}");
    // Read as it is: an empty index of the old mapping is no error.
    let run = env.lede(&["query", "tailor", "--index", &old]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    env.lede_ok(&["ingest", "people.jsonl", "--index", &old, "--quiet"], 0);
    let upgraded = curl_json(&format!("{old}/_mapping"));
    let upgraded = &upgraded.as_object().unwrap().values().next().unwrap()["mappings"];
    assert_eq!(upgraded["_meta"]["lede_mapping_version"], 2, "{upgraded}");
    assert_eq!(
        upgraded["properties"]["work"]["type"], "keyword",
        "{upgraded}"
    );
    let listed = |index: &str| {
        env.lede_ok(&["facets", "person", "--json", "--index", index], 0)
            .json()
    };
    assert_eq!(listed(&old), listed(&model));
}
