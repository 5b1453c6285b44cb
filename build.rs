//! Links the `lede` binary as a position-dependent executable.
//!
//! A position-independent executable is relocated by the dynamic loader at every start:
//! 54,000 relative relocations that touch about 280 pages of the binary, 0.7 ms of the
//! 1.8 ms `lede --version` took (417 page faults; 138 without). A command-line search tool
//! starts once per query, so that fixed cost is paid on every cold query. Only the binaries
//! are linked so; the library, tests and proc-macros are untouched.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
