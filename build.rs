//! Links the `lede` binary as a position-dependent executable, and compiles in the tables a
//! query reads on every start.
//!
//! A position-independent executable is relocated by the dynamic loader at every start:
//! 54,000 relative relocations that touch about 280 pages of the binary, 0.7 ms of the
//! 1.8 ms `lede --version` took (417 page faults; 138 without). A command-line search tool
//! starts once per query, so that fixed cost is paid on every cold query. Only the binaries
//! are linked so; the library, tests and proc-macros are untouched. A static build
//! (`+crt-static`, see the README) chooses its own relocation model: `-no-pie` there makes a
//! binary that crashes at start.
//!
//! Country names and function words were parsed from the shipped lists on first use: 0.3
//! million instructions of the 5.3 million a cold query runs. They are sorted tables in
//! the binary instead.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let crt_static = env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|features| features.split(',').any(|f| f == "crt-static"));
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") && !crt_static {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    write_table(
        "schema/gazetteer/countries.tsv",
        &Path::new(&out).join("country_names.rs"),
        country_names,
    );
    write_table(
        "schema/stopwords.txt",
        &Path::new(&out).join("stopwords.rs"),
        stopwords,
    );
    println!("cargo:rerun-if-changed=build.rs");
}

/// Writes the Rust expression `make` builds from the list at `source`.
fn write_table(source: &str, target: &Path, make: fn(&str) -> String) {
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source).unwrap_or_else(|e| panic!("reading {source}: {e}"));
    fs::write(target, make(&text)).unwrap_or_else(|e| panic!("writing {target:?}: {e}"));
}

/// Lines that are neither comments nor blank.
fn rows(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
}

/// `[(code, name)]` from the country list's first two columns, sorted by code (upper case,
/// as `CountryCode` holds it).
fn country_names(tsv: &str) -> String {
    let mut names: Vec<(String, &str)> = rows(tsv)
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let code = cells.next()?.trim();
            let is_code = code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic());
            is_code.then(|| (code.to_ascii_uppercase(), cells.next().unwrap_or("").trim()))
        })
        .filter(|(_, name)| !name.is_empty())
        .collect();
    // Stable, so that of two rows with one code the first is kept, as the list reads.
    names.sort_by(|a, b| a.0.cmp(&b.0));
    names.dedup_by(|later, earlier| later.0 == earlier.0);
    let mut table = String::from("&[\n");
    for (code, name) in names {
        writeln!(table, "    ({code:?}, {name:?}),").expect("writing to a String");
    }
    table.push(']');
    table
}

/// `[word]` of the function-word list, sorted.
fn stopwords(text: &str) -> String {
    let mut words: Vec<&str> = rows(text).map(str::trim).collect();
    words.sort_unstable();
    words.dedup();
    let mut table = String::from("&[\n");
    for word in words {
        writeln!(table, "    {word:?},").expect("writing to a String");
    }
    table.push(']');
    table
}
