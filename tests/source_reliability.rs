//! Reading inputs end to end: how each kind of input is decoded, or refused with a problem
//! naming it. Each test writes the small files it reads.

use std::io::Write;

use crate::util::{Run, TestEnv};

/// `text` in the legacy encoding `label`.
fn encoded(label: &str, text: &str) -> Vec<u8> {
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text:?} cannot be written in {label}");
    bytes.into_owned()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// The ids of the articles a query finds, sorted, each once (exit code 1, no match, gives
/// none).
fn found(env: &TestEnv, query: &str) -> Vec<String> {
    let run = env.lede(&["query", query, "--json", "--limit", "50"]);
    assert!(run.code <= 1, "{}", run.stderr);
    if run.code == 1 {
        return Vec::new();
    }
    let json = run.json();
    let mut ids: Vec<String> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["article_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Asserts that standard error has a line naming `place` (`FILE` or `FILE:LINE`) that says
/// `message`.
fn assert_reported(run: &Run, place: &str, message: &str) {
    assert!(
        run.stderr
            .lines()
            .any(|line| line.contains(&format!("{place}: ")) && line.contains(message)),
        "no {message:?} for {place} in:\n{}",
        run.stderr
    );
}

#[test]
fn english_legacy_text_keeps_its_pound_signs_and_symbols() {
    let env = TestEnv::new();
    let bbc = "Ebbers defence calls whistleblower\n\n\
               Lawyers defending former WorldCom chief Bernie Ebbers against a battery of fraud \
               charges have called a company whistleblower as their first witness. The firm \
               agreed to pay a settlement (£600m) to investors last year, and shares fell 2½% \
               on the news.\n";
    env.write_bytes("in/bbc.txt", &encoded("windows-1252", bbc));
    env.write_bytes(
        "in/cafe.txt",
        &encoded(
            "iso-8859-1",
            "Café culture\n\nThe owners said «croissants» were selling well.\n",
        ),
    );
    env.write_bytes(
        "in/toyota.txt",
        &encoded(
            "windows-1252",
            "Toyota profit\n\nToyota made ¥1.2tn in the year, up ±0.3 on forecasts; rates \
             rose ¼ point and ¾ of analysts agreed.\n",
        ),
    );
    // French, German and Spanish: read right before, still read right.
    env.write_bytes(
        "in/fr.txt",
        &encoded(
            "windows-1252",
            "Le président français a déclaré que l'économie était forte. « Nous allons \
             réussir », a-t-il ajouté à Marseille.",
        ),
    );
    env.write_bytes(
        "in/de.txt",
        &encoded(
            "windows-1252",
            "Der Verkehrsminister äußerte sich zufrieden über die Größe des Pakets.",
        ),
    );
    env.write_bytes(
        "in/es.txt",
        &encoded(
            "windows-1252",
            "El presidente anunció el miércoles una reducción de impuestos. ¿Será suficiente?",
        ),
    );
    // Text that clearly is Central European or Cyrillic is still read as such.
    env.write_bytes(
        "in/pl.txt",
        &encoded(
            "windows-1250",
            "Prezydent Polski spotkał się w środę z premierem. Rozmowy dotyczyły współpracy \
             gospodarczej i bezpieczeństwa w regionie.",
        ),
    );
    env.write_bytes(
        "in/ru.txt",
        &encoded(
            "koi8-r",
            "Президент России провёл в среду встречу с министрами. Обсуждались вопросы \
             экономики и безопасности страны.",
        ),
    );
    let run = env.lede_ok(&["ingest", "in/"], 0);
    for (file, encoding) in [
        ("in/bbc.txt", "windows-1252"),
        ("in/cafe.txt", "windows-1252"),
        ("in/toyota.txt", "windows-1252"),
        ("in/fr.txt", "windows-1252"),
        ("in/pl.txt", "windows-1250"),
        ("in/ru.txt", "KOI8"),
    ] {
        assert_reported(&run, file, &format!("read as {encoding}"));
    }
    assert_eq!(found(&env, "600m"), ["in/bbc.txt"]);
    assert_eq!(found(&env, "croissants"), ["in/cafe.txt"]);
    assert_eq!(found(&env, "¥1.2tn"), ["in/toyota.txt"]);
    assert_eq!(found(&env, "¼"), ["in/toyota.txt"]);
    assert_eq!(found(&env, "président"), ["in/fr.txt"]);
    assert_eq!(found(&env, "Größe"), ["in/de.txt"]);
    assert_eq!(found(&env, "reducción"), ["in/es.txt"]);
    assert_eq!(found(&env, "spotkał"), ["in/pl.txt"]);
    assert_eq!(found(&env, "провёл"), ["in/ru.txt"]);
}

#[test]
fn json_lines_decide_their_encoding_once_for_the_file_and_for_standard_input() {
    let env = TestEnv::new();
    let lines = encoded(
        "windows-1252",
        "{\"id\": \"fr1\", \"body\": \"Le président a déclaré à Marseille que tout allait bien.\"}\n\
         {\"id\": \"uk2\", \"body\": \"The deal was worth £600m (¥90bn) to the company.\"}\n",
    );
    env.write_bytes("in/feed.jsonl", &lines);
    let run = env.lede_ok(&["ingest", "in/"], 0);
    assert_reported(&run, "in/feed.jsonl:1", "read as windows-1252");
    assert_eq!(run.stderr.matches("read as").count(), 1, "{}", run.stderr);
    assert_eq!(found(&env, "600m"), ["uk2"]);

    let piped = TestEnv::new();
    let run = piped.lede_with_input(&["ingest", "-"], &lines);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_reported(&run, "<stdin>:1", "read as windows-1252");
    assert_eq!(found(&piped, "600m"), ["uk2"]);
}

#[test]
fn html_pages_are_read_in_the_encoding_they_declare() {
    let env = TestEnv::new();
    let story = "Президент России провёл в среду встречу с министрами в Кремле. ".repeat(4);
    for (file, head) in [
        ("in/meta.html", "<meta charset=\"koi8-r\">".to_string()),
        (
            "in/http-equiv.htm",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=KOI8-R\">".into(),
        ),
    ] {
        let page = format!(
            "<html><head>{head}<title>Новости</title></head><body><article><h1>Новости дня</h1>\
             <p>{story}</p><p>{story}</p></article></body></html>"
        );
        env.write_bytes(file, &encoded("koi8-r", &page));
    }
    let run = env.lede_ok(&["ingest", "in/"], 0);
    assert_reported(
        &run,
        "in/meta.html",
        "read as KOI8-R, the encoding the page declares",
    );
    assert_eq!(found(&env, "провёл"), ["in/http-equiv.htm", "in/meta.html"]);
}

#[test]
fn utf16_json_lines_are_read_to_the_last_line() {
    let env = TestEnv::new();
    let text = "{\"id\": \"a\", \"body\": \"Kyiv and Warsaw signed a grain deal.\"}\r\n\
                {\"id\": \"b\", \"body\": \"Talks in Vilnius resumed.\"}\r\n\
                {\"id\": \"c\", \"body\": \"Ships left Odesa at dawn.\"}\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    env.write_bytes("in/utf16.jsonl", &bytes);
    let run = env.lede_ok(&["ingest", "in/"], 0);
    assert!(
        run.stdout.contains("3 new"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(found(&env, "Odesa"), ["c"]);
}

#[test]
fn nul_bytes_are_never_indexed() {
    let env = TestEnv::new();
    let mut text = b"Harbour news\n\n".to_vec();
    text.extend(b"Ships waited outside the harbour of Santos. ".repeat(400));
    text.extend(b"\0\0\0secret zebra manifest\n");
    assert!(text.len() > 16 * 1024);
    env.write_bytes("in/late-nul.txt", &text);
    let mut lines = b"{\"id\": \"ok1\", \"body\": \"Oil in Norway.\"}\n".repeat(300);
    lines.extend(b"{\"id\": \"bad\", \"body\": \"zebra\0crossing\"}\n");
    lines.extend(b"{\"id\": \"ok2\", \"body\": \"Gas in Qatar.\"}\n");
    env.write_bytes("in/feed.jsonl", &lines);
    let run = env.lede_ok(&["ingest", "in/"], 2);
    assert_reported(&run, "in/late-nul.txt", "binary");
    assert_reported(&run, "in/feed.jsonl:301", "NUL bytes");
    assert!(found(&env, "zebra").is_empty());
    assert_eq!(found(&env, "Qatar"), ["ok2"]);
}

#[test]
fn wrong_kinds_of_values_empty_files_and_corrupt_gzip_are_each_named_once() {
    let env = TestEnv::new();
    env.write(
        "in/kinds.jsonl",
        "{\"id\": {\"x\": 1}, \"title\": [\"A\", \"B\"], \"body\": \"Talks in Oslo.\"}\n",
    );
    env.write("in/empty.jsonl", "");
    env.write("in/empty.txt", "");
    let lines: String = (0..20_000)
        .map(|i| format!("{{\"id\": \"g{i}\", \"body\": \"Article {i} on gas prices.\"}}\n"))
        .collect();
    let mut corrupt = gzip(lines.as_bytes());
    let third = corrupt.len() / 3;
    for byte in &mut corrupt[third..third + 64] {
        *byte = byte.wrapping_mul(7).wrapping_add(13);
    }
    env.write_bytes("in/corrupt.jsonl.gz", &corrupt);
    let run = env.lede_ok(&["ingest", "in/"], 2);
    assert_reported(&run, "in/kinds.jsonl:1", "id is an object, not text");
    assert_reported(&run, "in/kinds.jsonl:1", "title is an array, not text");
    assert_reported(&run, "in/empty.jsonl", "empty file, skipped");
    assert_reported(&run, "in/empty.txt", "empty file, skipped");
    // One error for the file (lines of its garbled part that still read as articles may
    // bring warnings of their own, such as an id given twice).
    let corrupt_lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.contains("corrupt.jsonl.gz") && line.contains("error"))
        .collect();
    assert_eq!(corrupt_lines.len(), 1, "{}", run.stderr);
    assert!(
        corrupt_lines[0].contains("corrupt gzip data"),
        "{}",
        corrupt_lines[0]
    );
    assert_eq!(found(&env, "Oslo"), ["in/kinds.jsonl:1"]);
}

/// A gzip file of `members` concatenated gzip members, each `chunk` compressed: `gzip -d`
/// reads it as `chunk` repeated, and it is quick to write whatever its decompressed size.
fn gzip_repeated(chunk: &[u8], members: usize) -> Vec<u8> {
    gzip(chunk).repeat(members)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn long_lines_and_gzip_bombs_are_refused_in_bounded_memory() {
    const MAX_PEAK_MIB: u64 = 200;
    let env = TestEnv::new();
    let mib = 1 << 20;
    // 300 MiB of zeros in about 300 KB, and 300 MiB of digits: one long "word", no line break.
    env.write_bytes("zeros/bomb.txt.gz", &gzip_repeated(&vec![0; mib], 300));
    env.write_bytes("digits/bomb.txt.gz", &gzip_repeated(&vec![b'0'; mib], 300));
    env.write_bytes("lines/bomb.jsonl.gz", &gzip_repeated(&vec![b'0'; mib], 300));
    // A 100 MB JSON line, then a short one; written a piece at a time, as the memory this
    // process holds counts in what is measured of lede (see `lede_measured`).
    let path = env.write("long/feed.jsonl", "{\"id\": \"long\", \"body\": \"");
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    let sentences = "Grain ships left Odesa. ".repeat(1000);
    for _ in 0..100_000_000 / sentences.len() {
        file.write_all(sentences.as_bytes()).unwrap();
    }
    file.write_all(b"\"}\n{\"id\": \"after\", \"body\": \"Talks in Vilnius resumed.\"}\n")
        .unwrap();
    drop(file);

    for (folder, place, message) in [
        (
            "zeros/",
            "zeros/bomb.txt.gz",
            "larger than 256 MiB once decompressed",
        ),
        (
            "digits/",
            "digits/bomb.txt.gz",
            "larger than 256 MiB once decompressed",
        ),
        ("lines/", "lines/bomb.jsonl.gz:1", "longer than 64 MiB"),
        ("long/", "long/feed.jsonl:1", "longer than 64 MiB"),
    ] {
        let (run, peak) = env.lede_measured(&["ingest", folder]);
        assert_eq!(run.code, 2, "{folder}: {}", run.stderr);
        assert_reported(&run, place, message);
        assert!(
            peak < MAX_PEAK_MIB,
            "{folder}: peak {peak} MiB, over {MAX_PEAK_MIB} MiB"
        );
        eprintln!("{folder}: peak resident memory {peak} MiB");
    }
    assert_eq!(found(&env, "Vilnius"), ["after"]);
    assert!(found(&env, "Odesa").is_empty());
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_giant_first_word_is_not_stored_with_every_passage() {
    let env = TestEnv::new();
    // An untitled article opening with a 1 MB inline image: its heading (the first words)
    // was stored on each of its hundred passages (a 75 MB index); a 20 MB one-word file
    // exhausted memory the same way.
    let image = format!("data:image/png;base64,{}", "iVBORw0KGgo".repeat(100_000));
    env.write(
        "in/image.txt",
        &format!("{image}\n\nThe caption says Odesa harbour at dawn.\n"),
    );
    env.write("in/token.txt", &"x".repeat(8 << 20));
    let (run, peak) = env.lede_measured(&["ingest", "in/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(peak < 200, "peak RSS {peak} MiB");
    assert_eq!(
        run.stderr.matches("without a space").count(),
        2,
        "one warning for each article: {}",
        run.stderr
    );
    let index_bytes: u64 = std::fs::read_dir(env.path().join("lede-index"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(index_bytes < 4 << 20, "index of {index_bytes} bytes");
    let hit = env.lede_ok(&["query", "Odesa", "--json"], 0).json();
    let heading = hit["hits"][0]["heading"].as_str().unwrap();
    assert!(heading.len() <= 203 && heading.ends_with('…'), "{heading}");
}
