//! Errors that stop a command, and problems with one input that do not.
//!
//! The library returns typed errors; the binary adds context and maps them to exit codes.
//! A [`Problem`] is a bad file or line: it is reported and the run goes on.

use std::fmt;
use std::path::{Path, PathBuf};

/// Result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error that stops the current command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The schema file is malformed or lacks a field the code uses.
    #[error("schema: {0}")]
    Schema(String),
    /// A vocabulary file under `schema/` is malformed.
    #[error("vocabulary {file}, line {line}: {message}")]
    Vocabulary {
        /// File name under `schema/`.
        file: &'static str,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No index exists where one was expected.
    #[error(
        "no lede index at {}: create one with `lede ingest PATH --index {}`",
        path.display(),
        path.display()
    )]
    MissingIndex {
        /// Where the index was looked for.
        path: PathBuf,
    },
    /// The folder exists but holds something other than a lede index.
    #[error(
        "{} is not a lede index (it has files but no lede.json); choose a new or empty folder with --index",
        path.display()
    )]
    NotAnIndex {
        /// The folder.
        path: PathBuf,
    },
    /// The index was written with another schema or format version.
    #[error(
        "the index at {} was built with {found}, but this lede uses {expected}; re-ingest: delete {} and run `lede ingest PATH --index {}` again",
        path.display(),
        path.display(),
        path.display()
    )]
    IncompatibleIndex {
        /// The index folder.
        path: PathBuf,
        /// What the index declares.
        found: String,
        /// What this binary expects.
        expected: String,
    },
    /// Another process is writing to the index.
    #[error(
        "the index at {} is locked by another lede ingest or remove that is writing to it; wait for it to finish (its lock goes when that process ends, even if it crashes)",
        path.display()
    )]
    Locked {
        /// The index folder.
        path: PathBuf,
    },
    /// The index's files cannot be read as an index: damaged, truncated or edited.
    #[error(
        "the index at {} cannot be read: {cause}; `lede check --index {}` lists its damaged files; re-ingest into a new folder",
        path.display(),
        path.display()
    )]
    Damaged {
        /// The index folder.
        path: PathBuf,
        /// What failed, naming the file where it is known.
        cause: String,
    },
    /// The index lost its list of segments while its files remain.
    #[error(
        "the index at {} has lost its meta.json (the list of its segments): its {files} other files are kept as they are; re-ingest into a new folder, or put meta.json back from a backup",
        path.display()
    )]
    LostMeta {
        /// The index folder.
        path: PathBuf,
        /// Files left in the folder besides lede's marker.
        files: usize,
    },
    /// Writing to the index failed (a full disk, a write error).
    #[error(
        "writing the index at {} failed: {cause}; the index keeps what its last commit held, and the files of the failed commit are cleaned up by the next ingest",
        path.display()
    )]
    WriteFailed {
        /// The index folder.
        path: PathBuf,
        /// The cause, as the system gave it.
        cause: String,
    },
    /// A command-line value is not acceptable.
    #[error("{argument} {value:?}: {message}")]
    Argument {
        /// The flag, such as `--country`.
        argument: String,
        /// The value given.
        value: String,
        /// Why it is refused, with a suggestion where one exists.
        message: String,
    },
    /// The query is refused (past a limit on its cost).
    #[error("query {}: {message}", shortened(query))]
    Query {
        /// The query as given.
        query: String,
        /// What is wrong and where.
        message: String,
    },
    /// Every input of an ingest or extract failed or none was found.
    #[error("{0}")]
    NoInput(String),
    /// An OpenSearch cluster cannot be reached.
    #[error("cannot reach OpenSearch at {url}: {cause}")]
    Unreachable {
        /// The cluster's URL (without credentials).
        url: String,
        /// What the connection said.
        cause: String,
    },
    /// An OpenSearch cluster refused a request or answered something lede cannot use.
    #[error("OpenSearch at {url}: {cause}")]
    Remote {
        /// The index's URL (without credentials).
        url: String,
        /// What went wrong, with the cluster's own reason.
        cause: String,
    },
    /// The search engine failed.
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// A query as error messages quote it: whole when short, else its start.
fn shortened(query: &str) -> String {
    const SHOWN: usize = 60;
    if query.chars().count() <= SHOWN {
        format!("{query:?}")
    } else {
        let start: String = query.chars().take(SHOWN).collect();
        format!("{start:?}… ({} characters)", query.chars().count())
    }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

/// How serious a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing was lost (an empty file, an unreadable date).
    Warning,
    /// An input or part of one could not be indexed.
    Error,
}

/// A problem with one input file or line; the run continues without it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file.
    pub path: PathBuf,
    /// 1-based line for line-oriented inputs.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
    /// Whether anything was lost.
    pub severity: Severity,
}

impl Problem {
    /// An input, or part of it, that could not be used.
    pub fn error(path: impl AsRef<Path>, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            path: path.as_ref().to_path_buf(),
            line,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// Something the user should know about; the input was still used.
    pub fn warning(
        path: impl AsRef<Path>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(path, line, message)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}
