//! The index folder: creating, opening and checking it.
//!
//! Next to tantivy's files, a `lede.json` marker records the schema name and version and
//! the lede version that wrote the index. Opening an index whose marker does not match the
//! compiled schema fails with a message that says to re-ingest, instead of failing later on
//! a missing field.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Directory, Index, IndexSettings, TantivyError};

use super::directory::{ReadingDirectory, ReleasingDirectory};
use super::schema::IndexSchema;
use crate::error::{Error, Result};

/// File name of the marker inside the index folder.
pub const MARKER_FILE: &str = "lede.json";
/// Tantivy's own metadata file, present once the index exists.
const TANTIVY_META: &str = "meta.json";

/// Contents of `lede.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// Always `lede-index`.
    pub format: String,
    /// Schema name from `schema/index.json`.
    pub schema: String,
    /// Schema version from `schema/index.json`.
    pub schema_version: u32,
    /// Version of the lede that created the index.
    pub lede_version: String,
    /// Whether every article's passages are consecutive documents of one segment: true for
    /// indexes created by a lede that writes each article in one batch (absent, so false,
    /// in older ones). Distinct articles are then counted from runs of documents instead of
    /// from article keys.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub articles_contiguous: bool,
}

impl Marker {
    fn current(schema: &IndexSchema) -> Marker {
        Marker {
            format: "lede-index".into(),
            schema: schema.file.name.clone(),
            schema_version: schema.file.version,
            lede_version: env!("CARGO_PKG_VERSION").into(),
            articles_contiguous: true,
        }
    }

    fn describe(&self) -> String {
        format!(
            "schema {} version {} (lede {})",
            self.schema, self.schema_version, self.lede_version
        )
    }
}

/// What an index is opened for, which decides how its files are mapped.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// Queries: tantivy's memory-mapped directory.
    Read,
    /// Ingest: merges read whole segments, so their pages are released as they go (see
    /// [`ReleasingDirectory`]).
    Write,
}

impl Access {
    fn directory(self, path: &Path) -> Result<Box<dyn Directory>> {
        Ok(match self {
            Access::Read => Box::new(ReadingDirectory::open(path).map_err(TantivyError::from)?),
            Access::Write => Box::new(ReleasingDirectory::open(path).map_err(TantivyError::from)?),
        })
    }
}

/// An open lede index.
pub struct LedeIndex {
    /// The index folder.
    pub path: PathBuf,
    /// The tantivy index.
    pub index: Index,
    /// The schema it was opened with.
    pub schema: IndexSchema,
    /// Whether each article's passages are consecutive documents of one segment (see
    /// [`Marker::articles_contiguous`]).
    pub articles_contiguous: bool,
}

impl LedeIndex {
    /// Opens an existing index, checking that it was built with this schema.
    pub fn open(path: &Path) -> Result<LedeIndex> {
        LedeIndex::open_existing(path, Access::Read)
    }

    /// Opens an existing index for writing (removals), refusing to create one.
    pub fn open_writable(path: &Path) -> Result<LedeIndex> {
        LedeIndex::open_existing(path, Access::Write)
    }

    /// Opens an existing index through `access`'s directory (see [`Access`]).
    fn open_existing(path: &Path, access: Access) -> Result<LedeIndex> {
        let schema = IndexSchema::load()?;
        let marker_path = path.join(MARKER_FILE);
        if marker_path.exists() && !path.join(TANTIVY_META).exists() {
            lost_meta(path)?;
        }
        if !marker_path.exists() || !path.join(TANTIVY_META).exists() {
            return Err(if folder_has_files(path) && !marker_path.exists() {
                Error::NotAnIndex {
                    path: path.to_path_buf(),
                }
            } else {
                Error::MissingIndex {
                    path: path.to_path_buf(),
                }
            });
        }
        let marker = check_marker(path, &schema)?;
        let index = Index::open(access.directory(path)?)?;
        crate::analyzer::register(&index);
        if index.schema() != schema.schema {
            return Err(Error::IncompatibleIndex {
                path: path.to_path_buf(),
                found: "a different field layout".into(),
                expected: Marker::current(&schema).describe(),
            });
        }
        Ok(LedeIndex {
            path: path.to_path_buf(),
            index,
            schema,
            articles_contiguous: marker.articles_contiguous,
        })
    }

    /// Opens the index at `path` for writing, creating it (and the folder) when there is none.
    pub fn open_or_create(path: &Path) -> Result<LedeIndex> {
        let marker_path = path.join(MARKER_FILE);
        if marker_path.exists() && path.join(TANTIVY_META).exists() {
            return LedeIndex::open_existing(path, Access::Write);
        }
        let schema = IndexSchema::load()?;
        let articles_contiguous = if marker_path.exists() {
            // A creation interrupted between the marker and tantivy's first commit leaves
            // the marker alone; with segment files beside it, meta.json was lost, and
            // creating the index again would delete them.
            lost_meta(path)?;
            check_marker(path, &schema)?.articles_contiguous
        } else {
            if folder_has_files(path) {
                return Err(Error::NotAnIndex {
                    path: path.to_path_buf(),
                });
            }
            fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
            let marker =
                serde_json::to_string_pretty(&Marker::current(&schema)).expect("marker serialises");
            // The marker comes first, so that a folder lede started is always recognised as one.
            // Written aside and renamed, so that a crash never leaves a half-written marker.
            write_durably(path, &marker_path, &(marker + "\n"))?;
            true
        };
        let index = Index::create(
            Access::Write.directory(path)?,
            schema.schema.clone(),
            index_settings(),
        )?;
        crate::analyzer::register(&index);
        Ok(LedeIndex {
            path: path.to_path_buf(),
            index,
            schema,
            articles_contiguous,
        })
    }

    /// Total size of the index files on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        walkdir::WalkDir::new(&self.path)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    }
}

/// Settings of a new index. The document store holds every paragraph's text plus its
/// article's metadata repeated, compressed in blocks; showing a hit decompresses its whole
/// block, which was 38% of a warm query's time with 32 KiB blocks at zstd level 1. Smaller
/// blocks cost less to read and compress less well, which a higher level makes up for at
/// the cost of ingest time. Reuters-21578, same runs (warm median of the peer queries /
/// ingest wall time / index size over the text):
///
/// | block, level | warm ms | ingest s | size |
/// |---|---|---|---|
/// | 32 KiB, 1 | 0.315-0.327 | 1.15-1.24 | 1.34x |
/// | 16 KiB, 3 | 0.26-0.29 | 1.29-1.36 | 1.36x |
/// | 12 KiB, 3 | 0.234-0.255 | 1.25-1.31 | 1.37x |
/// | 8 KiB, 3 | 0.21-0.25 | 1.31-1.37 | 1.40x (the size target's edge) |
/// | 8 KiB, 7 | 0.214-0.224 | 1.37-1.46 | 1.38x |
///
/// Those were indexes of four segments; with two (and the query work cut since), 12 KiB
/// at level 3 gave 0.176-0.185 ms, 1.20-1.31 s and 1.34x, 8 KiB at level 3 0.162-0.169 ms,
/// 1.19-1.35 s and 1.37x (same runs). 8 KiB at level 3 takes a third off warm queries
/// against 32 KiB at level 1 for about 7% more ingest time.
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 8 * 1024,
        ..IndexSettings::default()
    }
}

/// Writes `text` to `file` aside first, flushed to the disk, then renamed into place and
/// the folder flushed: after a crash or a power cut the marker is whole or absent, never
/// empty.
fn write_durably(folder: &Path, file: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let partial = folder.join(format!("{MARKER_FILE}.partial"));
    let mut out = fs::File::create(&partial).map_err(|e| Error::io(&partial, e))?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(|e| Error::io(&partial, e))?;
    fs::rename(&partial, file).map_err(|e| Error::io(file, e))?;
    fs::File::open(folder)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| Error::io(folder, e))
}

/// Refuses an index folder whose meta.json is gone while other files remain.
fn lost_meta(path: &Path) -> Result<()> {
    let others = fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            !name.starts_with("lede.") && !name.starts_with(".tantivy-")
        })
        .count();
    if others > 0 {
        return Err(Error::LostMeta {
            path: path.to_path_buf(),
            files: others,
        });
    }
    Ok(())
}

fn folder_has_files(path: &Path) -> bool {
    fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_some())
}

fn check_marker(path: &Path, schema: &IndexSchema) -> Result<Marker> {
    let marker_path = path.join(MARKER_FILE);
    let text = fs::read_to_string(&marker_path).map_err(|e| Error::io(&marker_path, e))?;
    let expected = Marker::current(schema);
    let found: Marker = serde_json::from_str(&text).map_err(|_| Error::IncompatibleIndex {
        path: path.to_path_buf(),
        found: format!("an unreadable {MARKER_FILE}"),
        expected: expected.describe(),
    })?;
    if found.format != expected.format
        || found.schema != expected.schema
        || found.schema_version != expected.schema_version
    {
        return Err(Error::IncompatibleIndex {
            path: path.to_path_buf(),
            found: found.describe(),
            expected: expected.describe(),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_index_says_how_to_create_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = LedeIndex::open(&dir.path().join("idx")).err().unwrap();
        assert!(err.to_string().contains("lede ingest"), "{err}");
    }

    #[test]
    fn created_indexes_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idx");
        LedeIndex::open_or_create(&path).unwrap();
        LedeIndex::open(&path).unwrap();
        LedeIndex::open_or_create(&path).unwrap();
    }

    #[test]
    fn another_schema_version_is_refused_with_a_re_ingest_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idx");
        LedeIndex::open_or_create(&path).unwrap();
        let marker_path = path.join(MARKER_FILE);
        let mut marker: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&marker_path).unwrap()).unwrap();
        marker["schema_version"] = 0.into();
        fs::write(&marker_path, marker.to_string()).unwrap();
        let err = LedeIndex::open(&path).err().unwrap().to_string();
        assert!(
            err.contains("re-ingest") && err.contains("version 0"),
            "{err}"
        );
    }

    #[test]
    fn a_folder_with_other_files_is_not_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let err = LedeIndex::open_or_create(dir.path()).err().unwrap();
        assert!(matches!(err, Error::NotAnIndex { .. }), "{err}");
    }
}
