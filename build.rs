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
//! The functions a cold query runs (`scripts/hot-functions.txt`, written by
//! `scripts/hot_functions.py`) are placed first and together, where the linker is rust-lld:
//! spread over the binary's 11 MB of code they cost a page fault for each 64 KiB they touch
//! (a cold query on Reuters took 306-311 page faults, 248-250 with the functions together).
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
    order_hot_functions();
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

/// The functions a cold query runs, one mangled name a line, for the linker.
const HOT_FUNCTIONS: &str = "scripts/hot-functions.txt";

/// Asks the linker to place [`HOT_FUNCTIONS`] first. Names it does not find (another
/// toolchain's, a stale list's) are passed over: a stale list costs speed, never a build.
fn order_hot_functions() {
    println!("cargo:rerun-if-changed={HOT_FUNCTIONS}");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER");
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let list = Path::new(&manifest).join(HOT_FUNCTIONS);
    // The compiler driver splits -Wl, arguments at commas.
    let usable = list.is_file() && !list.to_string_lossy().contains(',');
    if usable && links_with_rust_lld() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether the binaries are linked by rust-lld, which takes a symbol order (GNU ld does
/// not): Rust's default linker for x86-64 Linux since 1.90, unless a build names another.
fn links_with_rust_lld() -> bool {
    if env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu") {
        return false;
    }
    if env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_some() {
        return false;
    }
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if ["linker", "fuse-ld", "link-self-contained"]
        .iter()
        .any(|flag| flags.contains(flag))
    {
        return false;
    }
    rustc_minor_version().is_some_and(|minor| minor >= 90)
}

/// The minor version of the compiler cargo builds with (`95` of `rustc 1.95.0`).
fn rustc_minor_version() -> Option<u32> {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()?;
    let version = String::from_utf8(output.stdout).ok()?;
    let mut numbers = version.split_whitespace().nth(1)?.split('.');
    (numbers.next()? == "1").then_some(())?;
    numbers.next()?.parse().ok()
}

/// Writes the Rust expression `make` builds from the list at `source`.
fn write_table(source: &str, target: &Path, make: fn(&str) -> String) {
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source).unwrap_or_else(|e| panic!("reading {source}: {e}"));
    fs::write(target, make(&text)).unwrap_or_else(|e| panic!("writing {target:?}: {e}"));
}

/// `[(code, name)]` from the country list's first two columns, sorted by code (upper case,
/// as `CountryCode` holds it).
fn country_names(tsv: &str) -> String {
    let mut names: Vec<(String, &str)> = tsv
        .lines()
        .filter(|line| !line.starts_with('#'))
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
    slice_literal(
        names
            .iter()
            .map(|(code, name)| format!("({code:?}, {name:?})")),
    )
}

/// `[word]` of the function-word list, sorted.
fn stopwords(text: &str) -> String {
    let mut words: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|word| !word.is_empty() && !word.starts_with('#'))
        .collect();
    words.sort_unstable();
    words.dedup();
    slice_literal(words.iter().map(|word| format!("{word:?}")))
}

/// A slice expression of `entries` (Rust expressions), one a line.
fn slice_literal(entries: impl Iterator<Item = String>) -> String {
    let mut table = String::from("&[\n");
    for entry in entries {
        writeln!(table, "    {entry},").expect("writing to a String");
    }
    table.push(']');
    table
}
