//! One clear error for every way tantivy fails on a damaged index.
//!
//! Garbled, truncated or edited index files make tantivy return errors whose text is a
//! debug dump ("IoError { io_error: Custom { kind: InvalidData … } }"), or panic deep in
//! its readers (an index out of bounds, an `unwrap` on bad bytes). Reading through
//! [`reading`] turns both into [`Error::Damaged`], one line naming the index and, where it
//! is known, the file, with what to do; the panic's own message is kept from the terminal.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use tantivy::directory::error::OpenReadError;
use tantivy::TantivyError;

use crate::error::{Error, Result};

thread_local! {
    /// Whether this thread is inside [`reading`], where a panic is a damaged index.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The message of the last panic caught on this thread.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `read` over the index at `path`: a tantivy error or a panic on the way becomes
/// [`Error::Damaged`]; a permission error stays an I/O error naming the file.
pub fn reading<T>(path: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    keep_caught_panics_quiet();
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(was_guarded));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(Error::Tantivy(error))) => Err(describe(path, &error)),
        Ok(Err(other)) => Err(other),
        Err(_) => {
            let message = CAUGHT.with(|c| c.borrow_mut().take());
            Err(Error::Damaged {
                path: path.to_path_buf(),
                cause: format!(
                    "its files hold what tantivy cannot read ({})",
                    message.as_deref().unwrap_or("a failure while reading")
                ),
            })
        }
    }
}

/// The error a tantivy failure on the index at `path` stands for.
pub fn describe(path: &Path, error: &TantivyError) -> Error {
    let damaged = |cause: String| Error::Damaged {
        path: path.to_path_buf(),
        cause,
    };
    match error {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(file)) => {
            damaged(format!("{} is missing", file.display()))
        }
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            if io_error.kind() == std::io::ErrorKind::PermissionDenied {
                Error::io(path.join(filepath), std::io::Error::from(io_error.kind()))
            } else {
                damaged(format!(
                    "{}: {}",
                    filepath.display(),
                    plain(&io_error.to_string())
                ))
            }
        }
        TantivyError::DataCorruption(corruption) => damaged(plain(&format!("{corruption:?}"))),
        other => damaged(plain(&other.to_string())),
    }
}

/// A message without tantivy's debug quoting and without its advice about old tantivy
/// versions (lede refuses indexes of other versions before reading them).
pub(crate) fn plain(message: &str) -> String {
    let message = message.strip_prefix("Internal error: ").unwrap_or(message);
    let message = [
        ". File corrupted or index was created using old an tantivy version",
        ". Content:",
    ]
    .iter()
    .fold(message, |message, tail| {
        message.split(tail).next().unwrap_or(message)
    });
    message.replace(['\'', '\n'], " ").trim().to_string()
}

/// Installs, once, a panic hook that stays silent for panics [`reading`] catches (their
/// message goes into the error instead) and hands every other panic to the hook before it.
fn keep_caught_panics_quiet() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                CAUGHT.with(|c| *c.borrow_mut() = Some(message));
            } else {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_reading_is_a_damaged_index_and_says_so_once() {
        let path = Path::new("idx");
        let error = reading(path, || -> Result<()> { panic!("mid > len") }).unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, Error::Damaged { .. }), "{text}");
        assert!(
            text.contains("idx") && text.contains("mid > len") && text.contains("lede check"),
            "{text}"
        );
        assert_eq!(reading(path, || Ok(3)).unwrap(), 3);
    }

    #[test]
    fn tantivy_errors_name_the_file_without_debug_dumps() {
        let error = TantivyError::OpenReadError(OpenReadError::IoError {
            io_error: std::sync::Arc::new(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "Footer magic byte mismatch. File corrupted or index was created using old an tantivy version which is not supported anymore.",
            )),
            filepath: "abc.idx".into(),
        });
        let text = describe(Path::new("idx"), &error).to_string();
        assert!(
            text.contains("abc.idx: Footer magic byte mismatch"),
            "{text}"
        );
        assert!(
            !text.contains("old an tantivy") && !text.contains("IoError"),
            "{text}"
        );
    }
}

#[cfg(test)]
mod damaged_index_tests {
    //! The fuzz target for damaged indexes: any bytes in any index file are answered or
    //! refused, never a panic.

    use std::path::PathBuf;

    use proptest::prelude::*;

    use crate::backend::local::{LocalReader, LocalWriter, DEFAULT_MEMORY_BUDGET};
    use crate::ingest::{ingest, IngestOptions, Strict};
    use crate::query::request::{FacetKind, QueryRequest};
    use crate::query::QueryEngine;
    use crate::source::PathNames;

    /// An index of two small articles, built once: its folder and its files.
    fn pristine() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
        static INDEX: std::sync::OnceLock<(tempfile::TempDir, Vec<PathBuf>)> =
            std::sync::OnceLock::new();
        INDEX.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(
                dir.path().join("a.txt"),
                "Pyongyang tested a missile.\n\nThe Kremlin said nothing about Japan.",
            )
            .unwrap();
            std::fs::write(dir.path().join("b.txt"), "Brazil sold grain to Kenya.").unwrap();
            let writer =
                LocalWriter::open(&dir.path().join("idx"), DEFAULT_MEMORY_BUDGET, 1).unwrap();
            let options = IngestOptions::new(
                vec![dir.path().join("a.txt"), dir.path().join("b.txt")],
                PathNames::new(dir.path()),
            );
            ingest(writer, &options, &mut Strict).unwrap();
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path().join("idx"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    !p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with("lede.")
                })
                .collect();
            files.sort();
            (dir, files)
        })
    }

    /// How a file is damaged: bytes overwritten at a fraction of its length, or cut.
    #[derive(Debug, Clone)]
    enum Damage {
        Overwrite { at: f64, bytes: Vec<u8> },
        Truncate { at: f64 },
    }

    fn damage() -> impl Strategy<Value = Damage> {
        prop_oneof![
            (0.0..1.0f64, proptest::collection::vec(any::<u8>(), 1..64))
                .prop_map(|(at, bytes)| Damage::Overwrite { at, bytes }),
            (0.0..1.0f64).prop_map(|at| Damage::Truncate { at }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn any_damage_to_any_file_is_answered_or_refused(file in 0usize..64, damage in damage()) {
            let (dir, files) = pristine();
            let copy = tempfile::tempdir().unwrap();
            let index = copy.path().join("idx");
            std::fs::create_dir(&index).unwrap();
            for entry in std::fs::read_dir(dir.path().join("idx")).unwrap() {
                let path = entry.unwrap().path();
                std::fs::copy(&path, index.join(path.file_name().unwrap())).unwrap();
            }
            let target = index.join(files[file % files.len()].file_name().unwrap());
            let mut bytes = std::fs::read(&target).unwrap();
            match damage {
                Damage::Overwrite { at, bytes: new } => {
                    let start = ((bytes.len() as f64) * at) as usize;
                    for (i, b) in new.into_iter().enumerate() {
                        if let Some(old) = bytes.get_mut(start + i) {
                            *old = b;
                        }
                    }
                }
                Damage::Truncate { at } => bytes.truncate(((bytes.len() as f64) * at) as usize),
            }
            std::fs::write(&target, bytes).unwrap();
            // An error is allowed (a damaged index is refused); a panic is not.
            if let Ok(reader) = LocalReader::open(&index) {
                let engine = QueryEngine::new(Box::new(reader)).unwrap();
                let mut request = QueryRequest::new("missile OR grain");
                request.facets = vec![FacetKind::Country, FacetKind::Person];
                request.context = 1;
                let _ = engine.query(&request);
                let _ = engine.top_values(&QueryRequest::new(""), crate::query::top::TopKind::Author, 5);
            }
        }
    }
}
