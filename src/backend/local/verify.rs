//! Checksums: which index files are known intact, so that a damaged file is found before a
//! query reads it.
//!
//! tantivy ends every segment file with a CRC32 of its bytes, but reads files without
//! checking it: a garbled field-norm file silently changes rankings, a garbled store can ask
//! for terabytes. Checking every byte before every query would cost a full read of the
//! index, so `lede.verified` records each data file's size and modification time once it is
//! known good: written by the ingest that wrote the files and by a query or `lede check`
//! that verified them. A query verifies the whole index only when some data file is not
//! recorded as it is now (a copied, edited or truncated file), and records the result when
//! it may write. A file that decays in place without changing its size or time is caught
//! by `lede check`, which verifies everything.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::index::SegmentComponent;

use super::index::LedeIndex;
use crate::error::{Error, Result};

/// The record of verified files, in the index folder.
pub const VERIFIED_FILE: &str = "lede.verified";

/// A data file as the record knows it: size and modification time.
type Stamp = (u64, u128);

#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    files: BTreeMap<String, Stamp>,
}

/// What `lede check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The index folder.
    pub index: String,
    /// Segments the index lists.
    pub segments: usize,
    /// Data files whose checksums were verified.
    pub files: usize,
    /// Files whose bytes do not match their checksum, or that cannot be read.
    pub damaged: Vec<String>,
}

/// Verifies every data file of `index` against its checksum, and meta.json against the
/// segments, and records the files found intact.
pub fn check(index: &LedeIndex) -> Result<CheckReport> {
    let files = data_files(&index.path)?;
    let mut damaged = damaged_files(index)?;
    // With intact files, meta.json must also give each segment the documents it holds.
    if damaged.is_empty() {
        let searcher = index.index.reader()?.searcher();
        if let Err(Error::Damaged { cause, .. }) = segments_agree_with_meta(index, &searcher) {
            damaged.push(format!("meta.json ({cause})"));
        }
    }
    if damaged.is_empty() {
        save(&index.path, &files);
    }
    Ok(CheckReport {
        index: index.path.display().to_string(),
        segments: index.index.searchable_segment_metas()?.len(),
        files: files.len(),
        damaged,
    })
}

/// Before a query: verifies the segment files that are not recorded intact as they are now;
/// a damaged file is an error naming it.
pub fn ensure_intact(index: &LedeIndex) -> Result<()> {
    let files = data_files(&index.path)?;
    let record = load(&index.path);
    let unknown: BTreeSet<&str> = files
        .iter()
        .filter(|(name, stamp)| record.files.get(*name) != Some(stamp))
        .map(|(name, _)| name.as_str())
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let damaged = damaged_files_among(index, |file| unknown.contains(file))?;
    if !damaged.is_empty() {
        return Err(Error::Damaged {
            path: index.path.clone(),
            cause: format!(
                "the checksum of {} does not match its bytes",
                damaged.join(", ")
            ),
        });
    }
    save(&index.path, &files);
    Ok(())
}

/// Refuses an index whose meta.json gives a segment another number of documents than its
/// files hold (an edited meta.json): tantivy would then read part of the segment and answer
/// with fewer passages than the index has, or fail on the ones past the end.
pub fn segments_agree_with_meta(index: &LedeIndex, searcher: &tantivy::Searcher) -> Result<()> {
    let body = index.schema.fields.body;
    for segment in searcher.segment_readers() {
        let held = segment.get_fieldnorms_reader(body)?.num_docs();
        if held != segment.max_doc() {
            return Err(Error::Damaged {
                path: index.path.clone(),
                cause: format!(
                    "meta.json gives segment {} {} documents, its files hold {held}",
                    segment.segment_id().uuid_string(),
                    segment.max_doc()
                ),
            });
        }
    }
    Ok(())
}

/// After an ingest: records as intact the data files written since `since` (by this
/// process), keeping the record of older files that have not changed.
pub fn record_written(path: &Path, since: SystemTime) {
    let Ok(files) = data_files(path) else {
        return;
    };
    let since = nanos(since);
    let record = load(path);
    let intact: BTreeMap<String, Stamp> = files
        .into_iter()
        .filter(|(name, stamp)| stamp.1 >= since || record.files.get(name) == Some(stamp))
        .collect();
    save_record(path, &Record { files: intact });
}

/// The files the index's segments list whose bytes do not match their checksum, or that
/// cannot be read at all (a missing file, a cut footer).
fn damaged_files(index: &LedeIndex) -> Result<Vec<String>> {
    damaged_files_among(index, |_| true)
}

/// [`damaged_files`] among the segment files `wanted` names.
fn damaged_files_among(index: &LedeIndex, wanted: impl Fn(&str) -> bool) -> Result<Vec<String>> {
    let directory = index.index.directory();
    let mut damaged = BTreeSet::new();
    for segment in index.index.searchable_segment_metas()? {
        let mut components = vec![
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::Terms,
            SegmentComponent::Store,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
        ];
        if segment.has_deletes() {
            components.push(SegmentComponent::Delete);
        }
        for component in components {
            let file = segment.relative_path(component);
            if !wanted(&file.display().to_string()) {
                continue;
            }
            if !directory.validate_checksum(&file).unwrap_or(false) {
                damaged.insert(file.display().to_string());
            }
        }
    }
    Ok(damaged.into_iter().collect())
}

/// Every data file of the index folder (segment files), with its stamp: not lede's own
/// files, not tantivy's meta.json, list of managed files or locks.
fn data_files(path: &Path) -> Result<BTreeMap<String, Stamp>> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with("lede.") || name == "meta.json" {
            continue;
        }
        let metadata = entry.metadata().map_err(|e| Error::io(entry.path(), e))?;
        if metadata.is_file() {
            let modified = metadata.modified().map(nanos).unwrap_or(0);
            files.insert(name, (metadata.len(), modified));
        }
    }
    Ok(files)
}

fn nanos(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

fn load(path: &Path) -> Record {
    fs::read(path.join(VERIFIED_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn save(path: &Path, files: &BTreeMap<String, Stamp>) {
    save_record(
        path,
        &Record {
            files: files.clone(),
        },
    );
}

/// Writes the record aside and renames it into place; an index on read-only media keeps
/// no record (its queries verify it each time), so a failure is not an error.
fn save_record(path: &Path, record: &Record) {
    let text = serde_json::to_vec(record).expect("the record serialises");
    let partial = path.join(format!("{VERIFIED_FILE}.{}.partial", std::process::id()));
    if fs::write(&partial, text).is_ok() && fs::rename(&partial, path.join(VERIFIED_FILE)).is_err()
    {
        let _ = fs::remove_file(&partial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::local::{LocalWriter, DEFAULT_MEMORY_BUDGET};
    use crate::ingest::{ingest, IngestOptions, Strict};
    use crate::source::PathNames;

    fn indexed(dir: &Path) -> LedeIndex {
        std::fs::write(dir.join("a.txt"), "Oil rose in Oslo.\n\nGas fell.").unwrap();
        let writer = LocalWriter::open(&dir.join("idx"), DEFAULT_MEMORY_BUDGET, 1).unwrap();
        let options = IngestOptions::new(vec![dir.join("a.txt")], PathNames::new(dir));
        ingest(writer, &options, &mut Strict).unwrap();
        LedeIndex::open(&dir.join("idx")).unwrap()
    }

    #[test]
    fn an_ingest_records_its_files_and_a_changed_file_is_checked_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let index = indexed(dir.path());
        let record = load(&index.path);
        assert!(!record.files.is_empty());
        assert_eq!(record.files, data_files(&index.path).unwrap());
        ensure_intact(&index).unwrap();
        let norms = record
            .files
            .keys()
            .find(|name| name.ends_with(".fieldnorm"))
            .unwrap()
            .clone();
        let file = index.path.join(&norms);
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[0] ^= 0xff;
        std::fs::write(&file, bytes).unwrap();
        let error = ensure_intact(&index).unwrap_err().to_string();
        assert!(
            error.contains(&norms) && error.contains("checksum"),
            "{error}"
        );
        let report = check(&index).unwrap();
        assert_eq!(report.damaged, [norms]);
    }
}
