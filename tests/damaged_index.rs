//! Damaged, lost, locked, read-only and full indexes: every failure is one line naming the
//! index and what to do, never a panic, and nothing already indexed is lost.

use std::path::{Path, PathBuf};

use crate::util::{Run, TestEnv};

/// A working folder with `corpus/` indexed in `lede-index`.
fn indexed() -> TestEnv {
    let env = TestEnv::with_corpus();
    env.lede_ok(&["ingest", "corpus/", "--quiet"], 0);
    env
}

fn index_files(env: &TestEnv) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(env.path().join("lede-index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The first index file whose name ends with `.EXT`.
fn file_with(env: &TestEnv, extension: &str) -> PathBuf {
    index_files(env)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == extension))
        .unwrap_or_else(|| panic!("no .{extension} file"))
}

/// Overwrites 64 bytes in the middle of `path` with others.
fn garble(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    for b in bytes.iter_mut().skip(middle).take(64) {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    std::fs::write(path, bytes).unwrap();
}

/// A refusal a user can act on: exit 2, one line, the index named, what to do said.
fn assert_refused_with_advice(run: &Run, names: &str) {
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    for needle in ["lede-index", names, "re-ingest into a new folder"] {
        assert!(
            run.stderr.contains(needle),
            "no {needle:?} in {}",
            run.stderr
        );
    }
    for noise in ["IoError", "Custom {", "tantivy 0.15", "panicked"] {
        assert!(!run.stderr.contains(noise), "{noise:?} in {}", run.stderr);
    }
}

#[test]
fn a_garbled_file_is_named_whatever_its_kind() {
    for extension in ["fast", "idx", "pos", "fieldnorm", "store", "term"] {
        let env = indexed();
        let file = file_with(&env, extension);
        garble(&file);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for args in [
            &["query", "weapons supply", "--facet", "country"][..],
            &["stats"],
            &["facets", "person"],
        ] {
            assert_refused_with_advice(&env.lede(args), &name);
        }
        let check = env.lede(&["check"]);
        assert_eq!(check.code, 2, "{}", check.stdout);
        assert!(check.stdout.contains(&name), "{}", check.stdout);
    }
}

#[test]
fn a_truncated_store_or_an_edited_meta_json_is_refused_in_plain_words() {
    let env = indexed();
    let store = file_with(&env, "store");
    let bytes = std::fs::read(&store).unwrap();
    std::fs::write(&store, &bytes[..bytes.len() / 3]).unwrap();
    assert_refused_with_advice(&env.lede(&["query", "weapons"]), "store");

    let env = indexed();
    let meta_path = env.path().join("lede-index/meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["segments"][0]["max_doc"] = 3.into();
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    assert_refused_with_advice(&env.lede(&["query", "", "--json"]), "meta.json");
    let check = env.lede(&["check"]);
    assert!(
        check.code == 2 && check.stdout.contains("meta.json"),
        "{}",
        check.stdout
    );
}

#[test]
fn an_intact_index_checks_clean() {
    let env = indexed();
    let run = env.lede_ok(&["check"], 0);
    assert!(run.stdout.contains("intact"), "{}", run.stdout);
    let json = env.lede_ok(&["check", "--json"], 0).json();
    assert_eq!(json["damaged"].as_array().map(Vec::len), Some(0));
    assert!(json["files"].as_u64().unwrap() > 0);
}

#[test]
fn a_lost_meta_json_keeps_the_segments_and_refuses_to_start_over() {
    let env = indexed();
    std::fs::remove_file(env.path().join("lede-index/meta.json")).unwrap();
    let before = index_files(&env);
    for args in [
        &["stats"][..],
        &["query", "weapons"],
        &["ingest", "corpus/"],
    ] {
        let run = env.lede(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("lost its meta.json") && run.stderr.contains("kept"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(index_files(&env), before, "no file was deleted");
}

#[cfg(unix)]
#[test]
fn an_index_another_user_may_only_read_answers_queries() {
    use std::os::unix::fs::PermissionsExt;
    let env = indexed();
    // Files get the umask's permissions: readable by others with the usual 022.
    let meta = std::fs::metadata(env.path().join("lede-index/meta.json")).unwrap();
    assert_eq!(
        meta.permissions().mode() & 0o044,
        0o044,
        "meta.json is not 0600"
    );
    let folder = env.path().join("lede-index");
    let lede = env!("CARGO_BIN_EXE_lede");
    let as_reader = |args: &[&str]| -> Run {
        let mut command = if is_root() {
            // Root may write anywhere: run as nobody, as another user would after
            // `chmod -R a+rX`.
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", lede]);
            c
        } else {
            std::process::Command::new(lede)
        };
        command.arg("--index").arg(&folder).args(args);
        let output = command.output().expect("lede runs");
        Run::checked(args, output.status, output.stdout, output.stderr)
    };
    make_read_only(env.path(), &folder);
    for args in [
        &["query", "weapons supply", "--facet", "country"][..],
        &["stats"],
        &["facets", "country"],
        &["check"],
    ] {
        let run = as_reader(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    let write = as_reader(&["remove", "--article", "x"]);
    assert_eq!(write.code, 2, "{}", write.stderr);
    assert!(
        !write.stderr.contains("locked by another"),
        "a permission error is said as one: {}",
        write.stderr
    );
    allow_writing(&folder);
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Everyone may read and enter the working folder and the index; nobody else may write
/// (and without root, not even the owner).
#[cfg(unix)]
fn make_read_only(working: &Path, folder: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let set = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    set(working, 0o755);
    for file in std::fs::read_dir(folder).unwrap() {
        set(&file.unwrap().path(), 0o444);
    }
    set(folder, 0o555);
}

#[cfg(unix)]
fn allow_writing(folder: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_full_disk_is_said_with_the_path_and_the_next_ingest_completes() {
    use std::os::unix::process::CommandExt;
    let env = indexed();
    let before = env.lede_ok(&["stats", "--json"], 0).json()["passages"].clone();
    let files_before = index_files(&env).len();
    let text = "Grain ships left Odesa for Istanbul at dawn. ".repeat(200);
    let lines: Vec<String> = (0..3000)
        .map(|i| {
            serde_json::json!({"id": format!("g{i}"), "body": format!("{text} {i}")}).to_string()
        })
        .collect();
    env.write("big.jsonl", &lines.join("\n"));
    // Writes past 256 KiB fail as on a full disk (EFBIG instead of ENOSPC).
    let mut command = env.command(&["ingest", "big.jsonl"]);
    // SAFETY: setrlimit and signal are async-signal-safe and touch only the child.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 256 * 1024,
                rlim_max: 256 * 1024,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let output = command.output().unwrap();
    let run = Run::checked(&["ingest"], output.status, output.stdout, output.stderr);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("lede-index") && run.stderr.contains("File too large"),
        "the path and the cause: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("Internal error"), "{}", run.stderr);
    assert!(
        index_files(&env).len() > files_before,
        "the failed commit left files"
    );
    // What the last commit held is still there and answers.
    assert_eq!(
        env.lede_ok(&["stats", "--json"], 0).json()["passages"],
        before
    );
    env.lede_ok(&["query", "weapons supply"], 0);
    // With room again, the same ingest completes.
    env.lede_ok(&["ingest", "big.jsonl", "--quiet"], 0);
    let after = env.lede_ok(&["stats", "--json"], 0).json();
    assert_eq!(
        after["passages"].as_u64().unwrap(),
        before.as_u64().unwrap() + 3000
    );
    env.lede_ok(&["check"], 0);
}
