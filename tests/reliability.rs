//! Reliability end to end: removal and idempotence, `kill -9` during ingest, concurrent
//! queries and ingests, bad and unusual inputs, safe output, broken pipes.

use std::io::Write;
use std::process::{Child, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::util::{Run, TestEnv};

fn stats(env: &TestEnv) -> serde_json::Value {
    env.lede_ok(&["stats", "--json"], 0).json()
}

/// What `stats` says about content, leaving out layout (segments, bytes on disk).
fn content(stats: &serde_json::Value) -> (u64, u64, String) {
    (
        stats["articles"].as_u64().unwrap(),
        stats["passages"].as_u64().unwrap(),
        stats["top_countries"].to_string(),
    )
}

/// Writes `files` JSON Lines files of `per_file` generated articles of three paragraphs each,
/// naming countries in several ways, and returns the number of paragraphs.
fn generated_corpus(env: &TestEnv, files: usize, per_file: usize) -> u64 {
    const PLACES: &[&str] = &[
        "Pyongyang",
        "the Kremlin",
        "Brazil",
        "Kenyan",
        "Tokyo",
        "the White House",
        "Canberra",
        "Norway",
    ];
    const TOPICS: &[&str] = &["wheat", "weapons", "oil", "elections", "floods", "tariffs"];
    for file in 0..files {
        let mut lines = String::new();
        for i in 0..per_file {
            let n = file * per_file + i;
            let place = PLACES[n % PLACES.len()];
            let other = PLACES[(n / 3) % PLACES.len()];
            let topic = TOPICS[n % TOPICS.len()];
            let body = format!(
                "Officials in {place} discussed {topic} supply number {n} on Monday.\n\n\
                 Talks with {other} on {topic} went on late into the night, aides said.\n\n\
                 Analysts expect item {n} to matter for {topic} markets next year."
            );
            let record = serde_json::json!({"id": format!("a{n}"), "title": format!("Report {n}"), "body": body});
            lines.push_str(&record.to_string());
            lines.push('\n');
        }
        env.write(&format!("feed/part-{file:03}.jsonl"), &lines);
    }
    (files * per_file * 3) as u64
}

fn wait(child: Child, args: &[&str]) -> Run {
    let output = child.wait_with_output().expect("lede ran");
    Run::checked(args, output.status, output.stdout, output.stderr)
}

#[test]
fn remove_deletes_by_id_by_file_and_by_folder() {
    let env = TestEnv::with_corpus();
    env.write("more/a.txt", "Oil in Norway.\n\nGas in Qatar.");
    env.write("more/old/b.txt", "Wheat in Kenya.");
    env.write(
        "more/feed.jsonl",
        "{\"id\": \"x1\", \"body\": \"Rice in Vietnam.\"}\n",
    );
    env.lede_ok(&["ingest", "corpus/", "more/"], 0);
    assert_eq!(stats(&env)["articles"], 4);

    let by_id = env
        .lede_ok(&["remove", "--article", "x1", "--json"], 0)
        .json();
    assert_eq!(by_id["articles"], serde_json::json!(["x1"]));
    assert_eq!(by_id["paragraphs"], 1);
    let by_folder = env.lede_ok(&["remove", "--source", "more/old"], 0);
    assert!(
        by_folder.stdout.contains("removed 1 article"),
        "{}",
        by_folder.stdout
    );
    // A file that no longer exists on disk can still be removed by its path.
    std::fs::remove_file(env.path().join("more/a.txt")).unwrap();
    let by_file = env.lede_ok(&["remove", "--source", "more/a.txt"], 0);
    assert!(
        by_file.stdout.contains("(2 passages)"),
        "{}",
        by_file.stdout
    );
    assert_eq!(stats(&env)["articles"], 1);

    let nothing = env.lede_ok(&["remove", "--article", "x1"], 1);
    assert!(
        nothing.stdout.contains("nothing removed"),
        "{}",
        nothing.stdout
    );
    let no_selector = env.lede_ok(&["remove"], 2);
    assert!(
        no_selector.stderr.contains("--article"),
        "{}",
        no_selector.stderr
    );
    // Removed articles come back on the next ingest; the others are unchanged.
    let again = env.lede_ok(&["ingest", "corpus/", "more/"], 0);
    assert!(
        again.stdout.contains("2 new") && again.stdout.contains("1 unchanged"),
        "{}",
        again.stdout
    );
}

#[test]
fn ingesting_the_same_corpus_twice_leaves_the_same_stats() {
    let env = TestEnv::with_corpus();
    generated_corpus(&env, 2, 50);
    env.lede_ok(&["ingest", "corpus/", "feed/"], 0);
    let first = content(&stats(&env));
    let again = env.lede_ok(&["ingest", "corpus/", "feed/"], 0);
    assert!(again.stdout.contains("101 unchanged"), "{}", again.stdout);
    assert_eq!(content(&stats(&env)), first);
}

/// The generated feed as one JSON Lines text (all files, in order).
fn feed_lines(env: &TestEnv) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(env.path().join("feed"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .iter()
        .flat_map(|path| {
            std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Starts `lede ingest -` and writes `lines` to it, keeping its standard input open: the
/// process cannot finish until the test closes it, so whatever the test waits for next
/// happens while it is alive.
fn ingest_from_open_stdin(env: &TestEnv, args: &[&str], lines: &[String]) -> Child {
    let mut child = env
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text = lines.join("\n") + "\n";
    // Written from a thread: the pipe holds less than the feed.
    let writer = std::thread::spawn(move || {
        stdin.write_all(text.as_bytes()).unwrap();
        stdin
    });
    child.stdin = Some(writer.join().unwrap());
    child
}

/// Waits until the index has committed more than `passages` passages (a batch of 1,024
/// new articles is committed once analysed). The deadline only stops a broken test from
/// hanging; the condition is what the test waits for.
fn wait_for_commit_beyond(env: &TestEnv, passages: u64) -> u64 {
    let meta = env.path().join("lede-index/meta.json");
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        assert!(
            Instant::now() < deadline,
            "no commit beyond {passages} passages"
        );
        if meta.exists() {
            let run = env.lede(&["stats", "--json"]);
            if run.code == 0 {
                let now = run.json()["passages"].as_u64().unwrap();
                if now > passages {
                    return now;
                }
            }
        }
        sleep(Duration::from_millis(20));
    }
}

#[test]
fn kill_9_during_ingest_keeps_the_last_commit_and_a_rerun_completes_without_duplicates() {
    let env = TestEnv::new();
    let expected = generated_corpus(&env, 60, 100);
    let lines = feed_lines(&env);
    let args = ["ingest", "-", "--commit-every", "300", "--jobs", "1"];
    // Each run gets a full batch (1,024 articles) more of the feed than the last commit
    // held, so it has work of its own; it is killed (SIGKILL: no destructor, no final
    // commit) as soon as it has committed it, while it analyses, writes or merges the rest
    // with its input still open.
    let mut committed = 0;
    for share in [1100, 2200, 3300, 4400, 5500] {
        let mut child = ingest_from_open_stdin(&env, &args, &lines[..share]);
        committed = wait_for_commit_beyond(&env, committed);
        child.kill().unwrap();
        child.wait().unwrap();
        let after = stats(&env);
        let passages = after["passages"].as_u64().unwrap();
        assert!(
            passages >= committed && passages <= expected,
            "{passages} of {expected}"
        );
        let query = env.lede(&["query", "weapons supply", "--facet", "country"]);
        assert_eq!(query.code, 0, "{}", query.stderr);
    }
    let mut rerun = ingest_from_open_stdin(&env, &args, &lines);
    drop(rerun.stdin.take());
    let rerun = wait(rerun, &args);
    assert_eq!(rerun.code, 0, "{}", rerun.stderr);
    assert!(rerun.stdout.contains(" 0 failed"), "{}", rerun.stdout);
    let done = stats(&env);
    assert_eq!(done["articles"].as_u64(), Some(6000));
    assert_eq!(done["passages"].as_u64(), Some(expected));
    let clean = TestEnv::new();
    generated_corpus(&clean, 60, 100);
    clean.lede_ok(&["ingest", "feed/"], 0);
    assert_eq!(content(&done), content(&stats(&clean)));
}

#[test]
fn queries_work_during_an_ingest_and_a_second_ingest_is_refused_at_once() {
    let env = TestEnv::with_corpus();
    env.lede_ok(&["ingest", "corpus/"], 0);
    let before = stats(&env)["passages"].as_u64().unwrap();
    generated_corpus(&env, 20, 100);
    let args = ["ingest", "-", "--commit-every", "300", "--jobs", "1"];
    let mut child = ingest_from_open_stdin(&env, &args, &feed_lines(&env));
    // Once it has committed its first batch, the ingest holds the lock until its input
    // ends.
    wait_for_commit_beyond(&env, before);
    let started = Instant::now();
    let second = env.lede_ok(&["ingest", "corpus/"], 2);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the second ingest waited"
    );
    assert!(
        second.stderr.contains("locked by another lede ingest")
            && second.stderr.contains("lede-index"),
        "{}",
        second.stderr
    );
    // The lock goes with its process: removing it by hand let a second writer in and broke
    // an index for good, so the message never suggests it.
    assert!(
        !second.stderr.contains("remove the lock") && !second.stderr.contains("delete"),
        "{}",
        second.stderr
    );
    for _ in 0..5 {
        let run = env.lede_ok(&["query", "weapons supply", "--json"], 0);
        assert!(run.json()["total"].as_u64().unwrap() >= 2);
    }
    drop(child.stdin.take());
    let first = wait(child, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(stats(&env)["articles"], 2001);
}

#[test]
fn unusual_inputs_are_read_and_bad_ones_named_while_the_rest_is_indexed() {
    let env = TestEnv::new();
    // Windows-1252 text and JSON Lines.
    env.write_bytes(
        "in/latin.txt",
        b"Caf\xe9 owners in S\xe3o Paulo\n\nBrazil\x92s coffee growers met in Santos.",
    );
    env.write_bytes(
        "in/latin.jsonl",
        b"{\"id\": \"l1\", \"body\": \"Fran\xe7ois visited Lyon and Marseille.\"}\n",
    );
    // Gzip-compressed JSON Lines.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"{\"id\": \"z1\", \"body\": \"Seoul and Tokyo agreed on fisheries.\"}\n")
        .unwrap();
    env.write_bytes("in/feed.jsonl.gz", &gz.finish().unwrap());
    env.write_bytes("in/fake.jsonl.gz", b"{\"id\": \"f1\", \"body\": \"x\"}\n");
    // A saved web page.
    env.write(
        "in/page.html",
        "<html><head><title>Port strike | Example News</title>\
         <meta name=\"author\" content=\"Ana Souza\"></head><body>\
         <nav>Home World Sport</nav><article><h1>Port strike ends</h1>\
         <p>Dock workers in Santos returned to work after the port authority agreed to raise wages, ending a strike that stranded ships.</p>\
         <p>The union said the deal covered night shifts, the main point of dispute with the operators of the container terminals.</p>\
         </article><footer>Copyright Example News</footer></body></html>",
    );
    // Deeply nested JSON, a JSON line without a body, a 2 MB line (cut like a 50 MB one).
    env.write(
        "in/deep.jsonl",
        &format!(
            "{}{}\n{{\"id\": \"nobody\", \"title\": \"T\"}}\n{{\"id\": \"fine\", \"body\": \"Oslo.\"}}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    let sentence = "Grain ships left Odesa for Istanbul at dawn. ";
    let big =
        serde_json::json!({"id": "big", "body": sentence.repeat(2 * 1024 * 1024 / sentence.len())});
    env.write("in/big.jsonl", &format!("{big}\n"));
    env.write_bytes("in/empty.md", b"");
    env.write_bytes(
        "in/photo.txt",
        &[0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0xfe],
    );

    let run = env.lede_ok(&["ingest", "in/"], 2);
    let expect = [
        ("in/latin.txt", "read as windows-1252"),
        ("in/latin.jsonl:1", "read as windows-1252"),
        ("in/fake.jsonl.gz", "not gzip-compressed"),
        ("in/deep.jsonl:1", "recursion limit"),
        ("in/deep.jsonl:2", "no body"),
        ("in/empty.md", "empty file"),
        ("in/photo.txt", "binary"),
    ];
    for (path, message) in expect {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.contains(path) && l.contains(message)),
            "no {message:?} for {path} in:\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("4 failed"), "{}", run.stdout);
    assert!(run.stdout.contains("6 new"), "{}", run.stdout);

    let found = |query: &str| env.lede_ok(&["query", query, "--json"], 0).json();
    assert_eq!(found("São Paulo")["hits"][0]["article_id"], "in/latin.txt");
    assert_eq!(found("François")["hits"][0]["article_id"], "l1");
    assert_eq!(found("fisheries")["hits"][0]["article_id"], "z1");
    let page = found("night shifts");
    assert_eq!(page["hits"][0]["article_id"], "in/page.html");
    assert!(page["hits"][0]["title"]
        .as_str()
        .unwrap()
        .starts_with("Port strike"));
    env.lede_ok(&["query", "Copyright"], 1);
    let grain = found("Odesa");
    assert!(
        grain["total"].as_u64().unwrap() > 100,
        "the 2 MB line is cut into passages"
    );
}

#[test]
fn a_vanished_file_is_named_and_the_others_are_indexed() {
    let env = TestEnv::new();
    env.write("in/a.txt", "Oil in Norway.");
    let fifo = env.path().join("in/b.txt");
    // A path that cannot be read as a file: a dangling symbolic link.
    std::os::unix::fs::symlink(env.path().join("gone.txt"), &fifo).unwrap();
    let run = env.lede_ok(&["ingest", "in/"], 2);
    assert!(run.stderr.contains("in/b.txt"), "{}", run.stderr);
    assert!(run.stdout.contains("1 new"), "{}", run.stdout);
}

#[test]
fn standard_input_reads_json_lines() {
    let env = TestEnv::new();
    let run = env.lede_with_input(
        &["ingest", "-"],
        b"{\"id\": \"s1\", \"body\": \"Kyiv and Warsaw signed a grain deal.\"}\nnot json\n",
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("<stdin>:2: invalid JSON"),
        "{}",
        run.stderr
    );
    let hit = env.lede_ok(&["query", "grain", "--json"], 0).json();
    assert_eq!(hit["hits"][0]["article_id"], "s1");
}

#[test]
fn escape_sequences_in_the_corpus_never_reach_the_terminal() {
    let env = TestEnv::new();
    let hostile = "Rebels \u{1b}]0;pwned\u{7}seized \u{1b}[2Jthe \u{1b}Ptown\u{1b}\\ of Goma.";
    env.write(
        "in/a.jsonl",
        &format!(
            "{}\n",
            serde_json::json!({"id": "x\u{1b}[5m", "title": "T\u{1b}[7m", "body": hostile})
        ),
    );
    env.lede_ok(&["ingest", "in/"], 0);
    for color in ["never", "always"] {
        let run = env.lede_ok(
            &["query", "rebels", "--color", color, "--facet", "country"],
            0,
        );
        for injected in ["\u{1b}]", "\u{1b}[2J", "\u{1b}P", "\u{1b}[5m", "\u{1b}[7m"] {
            assert!(
                !run.stdout.contains(injected),
                "{injected:?} leaked with --color {color}"
            );
        }
        assert!(run.stdout.contains("Goma"));
    }
    let json = env.lede_ok(&["query", "rebels", "--json"], 0);
    assert!(!json.stdout.contains('\u{1b}'));
    assert!(json.stdout.contains("\\u001b]0;pwned"), "{}", json.stdout);
    assert_eq!(json.json()["hits"][0]["article_id"], "x\u{1b}[5m");
}

#[test]
fn a_closed_pipe_ends_the_output_quietly_with_status_0() {
    let env = TestEnv::with_corpus();
    generated_corpus(&env, 1, 300);
    env.lede_ok(&["ingest", "corpus/", "feed/"], 0);
    let args = ["query", "supply", "--limit", "300"];
    let mut child = env
        .command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `| head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let run = wait(child, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
}

/// Passages the index holds, as `lede stats` says (0 before the first commit).
fn committed_passages(env: &TestEnv) -> u64 {
    let run = env.lede(&["stats", "--json"]);
    if run.code != 0 {
        return 0;
    }
    run.json()["passages"].as_u64().unwrap_or(0)
}

/// Waits until the index holds `passages` passages; the deadline only stops a broken test.
fn wait_for_passages(env: &TestEnv, passages: u64) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while committed_passages(env) < passages {
        assert!(
            Instant::now() < deadline,
            "never committed {passages} passages"
        );
        sleep(Duration::from_millis(50));
    }
}

fn article_line(n: usize) -> String {
    format!("{{\"id\": \"t{n}\", \"body\": \"Trickled report {n} from Odesa.\"}}\n")
}

#[test]
fn articles_trickling_in_are_committed_on_time_whatever_the_batch() {
    let env = TestEnv::new();
    let args = ["ingest", "-", "--commit-seconds", "1"];
    let mut child = env
        .command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // One article at a time, far from filling a batch: each is committed while the input
    // stays open.
    for n in 1..=3 {
        stdin.write_all(article_line(n).as_bytes()).unwrap();
        stdin.flush().unwrap();
        wait_for_passages(&env, n as u64);
    }
    drop(stdin);
    let run = wait(child, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("3 new"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn ctrl_c_and_sigterm_commit_what_was_analysed_and_say_interrupted() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let env = TestEnv::new();
        let args = ["ingest", "-", "--commit-seconds", "1"];
        let mut child = env
            .command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        for n in 1..=5 {
            stdin.write_all(article_line(n).as_bytes()).unwrap();
        }
        stdin.flush().unwrap();
        wait_for_passages(&env, 5);
        // The input stays open: without the signal the ingest would wait for more.
        // SAFETY: kill only sends a signal to our own child.
        unsafe {
            libc::kill(child.id() as libc::pid_t, signal);
        }
        let run = wait(child, &args);
        drop(stdin);
        assert_eq!(run.code, 130, "signal {signal}: {}", run.stderr);
        assert!(
            run.stdout.contains("interrupted") && run.stdout.contains("5 new"),
            "signal {signal}: {}",
            run.stdout
        );
        assert_eq!(committed_passages(&env), 5);
        env.lede_ok(&["check"], 0);
    }
}
