//! `lede serve` end to end: the real binary on a free port, asked over HTTP, its answers
//! compared with the command line's.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::TestEnv;

/// A running `lede serve`, stopped when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    /// Starts `lede serve` on a free port of `env`'s index and waits for its address.
    fn start(env: &TestEnv) -> Server {
        Server::start_on(env, "127.0.0.1:0").0
    }

    /// Starts `lede serve --listen LISTEN` on `env`'s index; returns it and the line it
    /// announced itself with.
    fn start_on(env: &TestEnv, listen: &str) -> (Server, String) {
        let mut child = env
            .command(&["serve", "--listen", listen])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        (Server { child, address }, line)
    }

    /// Stops the server; what it wrote on standard error.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            pipe.read_to_string(&mut stderr).unwrap();
        }
        stderr
    }

    /// `GET path`: the status, the headers (lower-cased names) and the body.
    fn get(&self, path: &str) -> Response {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        // HTTP/1.0: the body ends when the connection closes, never chunked.
        write!(stream, "GET {path} HTTP/1.0\r\nHost: lede\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header block");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect();
        Response {
            status,
            headers,
            body: String::from_utf8(raw[split + 4..].to_vec()).unwrap(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A copy of `corpus/` indexed in its own folder (the server may write there).
fn indexed() -> TestEnv {
    let env = TestEnv::with_corpus();
    env.lede_ok(&["ingest", "corpus/", "--quiet"], 0);
    env
}

#[test]
fn the_api_answers_as_the_command_line_does() {
    let env = indexed();
    let server = Server::start(&env);
    let pairs = [
        (
            "/api/query?q=weapons+supply&facet=country&country=KP",
            vec![
                "query",
                "weapons supply",
                "--facet",
                "country",
                "--country",
                "KP",
                "--json",
            ],
        ),
        (
            "/api/query?q=Kremlin&per_article=1&context=1&limit=3",
            vec![
                "query",
                "Kremlin",
                "--per-article",
                "-C",
                "1",
                "--limit",
                "3",
                "--json",
            ],
        ),
        (
            "/api/facets/person?q=weapons&limit=5",
            vec!["facets", "person", "weapons", "--limit", "5", "--json"],
        ),
        (
            "/api/query?q=&person==Kim+Jong+Un&country=%3DKP&facet=person",
            vec![
                "query",
                "",
                "--person",
                "=Kim Jong Un",
                "--country",
                "=KP",
                "--facet",
                "person",
                "--json",
            ],
        ),
        ("/api/facets/month", vec!["facets", "month", "--json"]),
        ("/api/stats", vec!["stats", "--json"]),
    ];
    for (path, args) in pairs {
        let answer = server.get(path);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        assert_eq!(
            answer.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        let cli = env.lede(&args);
        assert_eq!(answer.body, cli.stdout, "{path} differs from lede {args:?}");
    }
}

#[test]
fn articles_timelines_and_exports() {
    let env = indexed();
    let server = Server::start(&env);
    let article = server.get("/api/articles/corpus%2Fvladivostok-summit.txt");
    assert_eq!(article.status, 200, "{}", article.body);
    let article = article.json();
    let paragraphs = article["paragraphs"].as_array().unwrap();
    assert_eq!(paragraphs.len(), 8);
    assert!(paragraphs[2]["countries"]
        .as_array()
        .unwrap()
        .contains(&"KP".into()));
    let timeline = server.get("/api/timeline?q=weapons&interval=year").json();
    assert_eq!(timeline["interval"], "year");
    let total = server.get("/api/query?q=weapons&all=1").json()["total"]
        .as_u64()
        .unwrap();
    let csv = server.get("/api/export?q=weapons&all=1&format=csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .contains("attachment"));
    // Rows end in CRLF; a passage's own line breaks stay inside its quoted field.
    assert_eq!(csv.body.matches("\r\n").count() as u64, total + 1);
    let jsonl = server.get("/api/export?q=weapons&all=1&format=jsonl");
    let rows: Vec<serde_json::Value> = jsonl
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len() as u64, total);
    assert!(rows.iter().all(|r| r["article_id"].is_string()));
}

/// The passages of an article that `/api/query` lists for `q` (with its mode) within that
/// article, by paragraph: what the page asked for besides the article before it could ask
/// the article itself.
fn hits_within(server: &Server, id: &str, q: &str) -> BTreeMap<u64, serde_json::Value> {
    let answer = server.get(&format!("/api/query?{q}&article={id}&limit=1000"));
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| (hit["paragraph"].as_u64().unwrap(), hit.clone()))
        .collect()
}

/// Articles with titles: one matching "grain exports" in its title only, one in its body.
fn titled() -> TestEnv {
    let env = TestEnv::new();
    let lines = [
        r#"{"id": "t1", "title": "Grain exports fell in February", "body": "Kyiv said shipments were lower.\n\nFarmers in Poland protested against cheap grain.\n\nThe ministry gave no figures."}"#,
        r#"{"id": "t2", "title": "Harvest outlook", "body": "Grain exports will rise, traders said.\n\nWeather was good."}"#,
    ];
    env.write("titled.jsonl", &(lines.join("\n") + "\n"));
    env.lede_ok(&["ingest", "titled.jsonl", "--quiet"], 0);
    env
}

/// The words a list of byte ranges marks in `text`, lower-cased.
fn marked(text: &str, ranges: &serde_json::Value) -> Vec<String> {
    ranges
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (s, e) = (r[0].as_u64().unwrap(), r[1].as_u64().unwrap());
            text[s as usize..e as usize].to_lowercase()
        })
        .collect()
}

#[test]
fn an_article_asked_with_a_query_marks_what_the_query_matches_in_one_answer() {
    let env = indexed();
    let server = Server::start(&env);
    let id = "corpus%2Fvladivostok-summit.txt";
    let plain = server.get(&format!("/api/articles/{id}"));
    // Without a query, the answer is the article alone, with the fields it always had
    // (serde_json's map lists them sorted).
    let keys = |value: &serde_json::Value| -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    let article = plain.json();
    assert_eq!(
        keys(&article),
        [
            "article_id",
            "author",
            "date",
            "heading",
            "paragraphs",
            "source",
            "title",
            "url"
        ]
    );
    assert_eq!(
        keys(&article["paragraphs"][0]),
        ["countries", "orgs", "paragraph", "persons", "text", "why"]
    );
    assert!(plain.body.starts_with("{\"article_id\":"), "{}", plain.body);
    assert_eq!(
        server.get(&format!("/api/articles/{id}?q=")).body,
        plain.body
    );
    for q in [
        "q=weapons+supply",
        "q=weapons+supply&all=1",
        "q=weapons+supply&any=1",
        "q=zanzibar+weapons",
    ] {
        let answer = server.get(&format!("/api/articles/{id}?{q}"));
        assert_eq!(answer.status, 200, "{q}: {}", answer.body);
        let marked_article = answer.json();
        let hits = hits_within(&server, id, q);
        let paragraphs = marked_article["paragraphs"].as_array().unwrap();
        assert_eq!(
            paragraphs.len(),
            article["paragraphs"].as_array().unwrap().len()
        );
        for (paragraph, before) in paragraphs
            .iter()
            .zip(article["paragraphs"].as_array().unwrap())
        {
            // The article's own fields are unchanged.
            for key in keys(before) {
                assert_eq!(paragraph[&key], before[&key], "{q}: {key}");
            }
            let number = paragraph["paragraph"].as_u64().unwrap();
            match hits.get(&number) {
                Some(hit) => {
                    assert_eq!(paragraph["matches"], true, "{q}: ¶{number}");
                    assert_eq!(paragraph["highlights"], hit["highlights"], "{q}: ¶{number}");
                    if hit["partial"] == true {
                        assert_eq!(paragraph["partial"], true, "{q}: ¶{number}");
                    }
                }
                None => {
                    assert_eq!(paragraph["matches"], false, "{q}: ¶{number}");
                    assert_eq!(paragraph["highlights"], serde_json::json!([]));
                    assert!(paragraph.get("partial").is_none());
                }
            }
        }
        assert!(paragraphs.iter().any(|p| p["matches"] == true), "{q}");
        assert_eq!(
            marked_article["query"],
            q.split('&').next().unwrap()[2..].replace('+', " ")
        );
    }
    // No paragraph has both words: each has some of them, and says so.
    let relaxed = server
        .get(&format!("/api/articles/{id}?q=zanzibar+weapons"))
        .json();
    for paragraph in relaxed["paragraphs"].as_array().unwrap() {
        assert_eq!(paragraph["matches"] == true, paragraph["partial"] == true);
    }
    assert!(relaxed["notices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("any of them")));
}

#[test]
fn titles_carry_the_marks_of_the_words_they_matched() {
    let env = titled();
    let server = Server::start(&env);
    let answer = server.get("/api/query?q=grain+exports&limit=20").json();
    let mut through_title_only = 0;
    for hit in answer["hits"].as_array().unwrap() {
        let title = hit["title"].as_str().unwrap();
        let in_title = marked(title, &hit["title_highlights"]);
        let in_text = marked(hit["text"].as_str().unwrap(), &hit["highlights"]);
        for word in in_title.iter().chain(&in_text) {
            assert!(
                word == "grain" || word == "exports",
                "{word} marked in {hit}"
            );
        }
        let expected_in_title: Vec<&str> = title
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| ["grain", "exports"].contains(&w.to_lowercase().as_str()))
            .collect();
        assert_eq!(in_title.len(), expected_in_title.len(), "{hit}");
        if in_text.is_empty() {
            through_title_only += 1;
            assert!(!in_title.is_empty(), "a hit with no mark at all: {hit}");
        }
    }
    assert!(
        through_title_only > 0,
        "a passage matches through its title alone"
    );
    // A word asked of the paragraph only is not marked in the title.
    let body_only = server.get("/api/query?q=body%3Agrain&limit=20").json();
    for hit in body_only["hits"].as_array().unwrap() {
        assert_eq!(hit["title_highlights"], serde_json::json!([]), "{hit}");
    }
    // The article view marks its title too.
    let article = server.get("/api/articles/t1?q=grain+exports").json();
    assert_eq!(
        marked(
            article["title"].as_str().unwrap(),
            &article["title_highlights"]
        ),
        ["grain", "exports"]
    );
}

#[test]
fn the_favicon_is_no_content_not_an_error() {
    let env = indexed();
    let server = Server::start(&env);
    let answer = server.get("/favicon.ico");
    assert_eq!(answer.status, 204);
    assert!(answer.body.is_empty());
}

#[test]
fn bad_requests_say_which_parameter_and_unknown_paths_are_404() {
    let env = indexed();
    let server = Server::start(&env);
    for (path, parameter) in [
        ("/api/query?q=weapons&contry=KP", "contry"),
        ("/api/query?q=weapons&limit=ten", "limit"),
        ("/api/query?q=weapons&limit=10001", "limit"),
        ("/api/query?q=weapons&country=Nort+Korea", "country"),
        ("/api/query?q=weapons&since=yesterday", "since"),
        ("/api/query?q=%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28weapons", "q"),
        ("/api/facets/colour", "kind"),
        ("/api/timeline?interval=week", "interval"),
        ("/api/export?format=xml", "format"),
        ("/api/articles/a?q=weapons&country=KP", "country"),
        ("/api/articles/a?q=%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28%28x", "q"),
        ("/api/articles/a?q=weapons&any=1&all=1", "all"),
        ("/api/query?q=weapons&person=%3D", "person"),
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        let error = answer.json();
        assert_eq!(error["parameter"], parameter, "{path}: {error}");
        assert!(error["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    for path in [
        "/nothing",
        "/api/queries",
        "/api/articles/no-such-article",
        "/api/articles/no-such-article?q=weapons",
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
        assert!(answer.json()["error"].is_string());
    }
    // The page and its assets, with a policy that lets only its own script and style run.
    let page = server.get("/");
    assert_eq!(page.status, 200);
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"));
    for asset in ["/app.js", "/style.css", "/api/openapi.json"] {
        assert_eq!(server.get(asset).status, 200, "{asset}");
    }
}

#[test]
fn a_commit_by_a_concurrent_ingest_shows_up_without_a_restart() {
    let env = indexed();
    let server = Server::start(&env);
    let query = "/api/query?q=zanzibar";
    assert_eq!(server.get(query).json()["total"], 0);
    env.write(
        "news/new.jsonl",
        "{\"id\": \"z1\", \"body\": \"Zanzibar opened a new port.\"}\n",
    );
    env.lede_ok(&["ingest", "news/new.jsonl", "--quiet"], 0);
    // Seen within a second of the commit; the deadline only stops a broken test.
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.get(query).json()["total"] != 1 {
        assert!(Instant::now() < deadline, "the commit never showed up");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn listening_beyond_this_machine_is_said_with_a_warning() {
    let env = indexed();
    let (server, line) = Server::start_on(&env, "0.0.0.0:0");
    let stderr = server.stop();
    assert!(line.contains("http://0.0.0.0:"), "{line}");
    assert!(
        stderr.contains("warning") && stderr.contains("from the network"),
        "{stderr}"
    );
}
