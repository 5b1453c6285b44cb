//! The index folder as the ingest writer sees it: tantivy's memory-mapped files, with the
//! pages that merges read handed back to the page cache as they go.
//!
//! Merging segments reads every page of them through memory maps, and the kernel counts
//! each page read that way in the process's resident set until the map is dropped: at a
//! million paragraphs, ingest peaked at 235 MiB of RSS of which 106 MiB were index pages
//! merges had read (152 MiB with releasing). Segment files never change once written, so
//! those pages are clean copies of the page cache. A background thread tells the kernel at
//! short intervals that the maps no longer need them (`MADV_DONTNEED`); a later read maps
//! the page again, from the page cache while it holds the page (a minor fault: 27k more
//! of them over a million-paragraph ingest, 215k against 188k). Releases start once the
//! process maps more than a few MiB beyond what it held at opening, so a small ingest or a
//! re-ingest of unchanged articles pays nothing. Queries keep tantivy's plain
//! `MmapDirectory`: a query process is short and reads few pages.
//!
//! Unlike `MmapDirectory`, files are not shared between opens through a cache: each open
//! maps the file again. The writer opens each segment file a few times (its reader after
//! every commit, each merge), and released maps cost nothing while idle.

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::Duration;

use memmap2::Mmap;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle,
    WritePtr,
};
use tantivy::Directory;

/// How often mapped pages are handed back. Merges read index files at hundreds of MB/s:
/// at a million paragraphs, mapped pages peaked at 17-25 MiB with 10 ms and 34-40 MiB with
/// 50 ms; a Reuters ingest took the same time with or without releasing.
const RELEASE_INTERVAL: Duration = Duration::from_millis(10);

/// Mapped file pages the process may hold beyond what it held at opening before a release
/// is due. Releasing when little is mapped costs more than it saves: every release of a
/// map whose pages are in use interrupts the other cores to flush their TLBs. At 1M
/// paragraphs, 8 MiB gave a peak RSS of 128-135 MiB and 215k minor faults; 16 MiB 140 MiB
/// and 198k; releasing unconditionally 132-136 MiB and 224k.
const MAPPED_SLACK_KIB: u64 = 8 * 1024;

/// The maps of the files opened so far; dead entries are dropped at each release.
type Maps = Mutex<Vec<Weak<Mmap>>>;

/// A tantivy directory that memory-maps files like `MmapDirectory` and keeps only the
/// pages read since the last release in the process's resident set.
#[derive(Clone)]
pub struct ReleasingDirectory {
    inner: MmapDirectory,
    /// The folder, canonical as `MmapDirectory` keeps it, so that both resolve paths alike.
    root: PathBuf,
    /// `None` when the releasing thread could not start: then nothing is tracked.
    maps: Option<Arc<Maps>>,
}

impl fmt::Debug for ReleasingDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReleasingDirectory({:?})", self.root)
    }
}

impl ReleasingDirectory {
    /// Opens the folder `root` (which must exist) and starts the thread that releases the
    /// pages; the thread ends once every clone of the directory has been dropped.
    pub fn open(root: &Path) -> Result<ReleasingDirectory, OpenDirectoryError> {
        let inner = MmapDirectory::open(root)?;
        let root = root
            .canonicalize()
            .map_err(|e| OpenDirectoryError::wrap_io_error(e, root.to_path_buf()))?;
        let maps: Arc<Maps> = Arc::default();
        let watched = Arc::downgrade(&maps);
        // Without the thread the directory still works; only the pages stay resident longer.
        let started = thread::Builder::new()
            .name("lede-release-pages".into())
            .spawn(move || {
                let baseline = mapped_file_kib();
                while let Some(maps) = sleep_then_upgrade(&watched) {
                    release_pages(&maps, release_due(baseline));
                }
            })
            .is_ok();
        Ok(ReleasingDirectory {
            inner,
            root,
            maps: started.then_some(maps),
        })
    }

    fn map(&self, path: &Path) -> Result<OwnedBytes, OpenReadError> {
        // Errors name the full path, as `MmapDirectory`'s do.
        let full_path = self.root.join(path);
        let io_error = |e: io::Error| OpenReadError::wrap_io_error(e, full_path.clone());
        let file = File::open(&full_path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(full_path.clone()),
            _ => io_error(e),
        })?;
        let len = file.metadata().map_err(io_error)?.len();
        if len == 0 {
            // Mapping an empty file fails on some platforms; tantivy does the same.
            return Ok(OwnedBytes::empty());
        }
        // SAFETY: tantivy never modifies a file once written; it only deletes whole files,
        // which leaves existing maps valid.
        let mmap = Arc::new(unsafe { Mmap::map(&file) }.map_err(io_error)?);
        if let Some(maps) = &self.maps {
            maps.lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(Arc::downgrade(&mmap));
        }
        Ok(OwnedBytes::new(SharedMmap(mmap)))
    }
}

fn sleep_then_upgrade(maps: &Weak<Maps>) -> Option<Arc<Maps>> {
    thread::sleep(RELEASE_INTERVAL);
    maps.upgrade()
}

/// Whether the process holds more mapped file pages than `baseline` (its pages at
/// opening, in KiB) plus the slack. Always true where the figure cannot be read.
fn release_due(baseline: Option<u64>) -> bool {
    match (baseline, mapped_file_kib()) {
        (Some(baseline), Some(now)) => now > baseline + MAPPED_SLACK_KIB,
        _ => true,
    }
}

/// The process's resident file-backed pages in KiB (Linux's `RssFile`), `None` elsewhere.
fn mapped_file_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("RssFile:"))?;
    line.split_whitespace().next()?.parse().ok()
}

/// Forgets the maps that have been dropped and, when `release` is set, hands the resident
/// pages of the others back to the page cache.
fn release_pages(maps: &Maps, release: bool) {
    let mut maps = maps.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    maps.retain(|map| match map.upgrade() {
        Some(mmap) => {
            if release {
                self::release(&mmap);
            }
            true
        }
        None => false,
    });
}

#[cfg(unix)]
fn release(mmap: &Mmap) {
    // SAFETY: other threads may be reading the map while its pages are dropped. The map is
    // shared (MAP_SHARED) and read-only, and the file never changes, so a read after the
    // drop faults the same bytes back in: nothing borrowed ever sees different contents.
    // Failure only leaves pages resident.
    let _ = unsafe { mmap.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
}

#[cfg(not(unix))]
fn release(_mmap: &Mmap) {}

/// A map shared between the bytes tantivy reads and the releasing thread.
struct SharedMmap(Arc<Mmap>);

impl Deref for SharedMmap {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

// SAFETY: the bytes live in the map, whose address does not change when `SharedMmap` moves.
unsafe impl stable_deref_trait::StableDeref for SharedMmap {}

impl Directory for ReleasingDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        Ok(Arc::new(self.map(path)?))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    /// As `MmapDirectory`, but the file gets the permissions the user's umask gives new
    /// files (tantivy's temporary files are 0600, which made meta.json unreadable to others
    /// after `chmod -R a+rX`).
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        write_then_rename(&self.root, path, data)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// Writes `data` to a new file beside `path` (created with the umask's permissions),
/// flushes it, renames it over `path` and flushes the folder.
fn write_then_rename(root: &Path, path: &Path, data: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let target = root.join(path);
    let partial = root.join(format!(
        ".{}.{}.partial",
        path.display(),
        std::process::id()
    ));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)?;
    let written = file.write_all(data).and_then(|()| file.sync_all());
    if let Err(error) = written.and_then(|()| std::fs::rename(&partial, &target)) {
        let _ = std::fs::remove_file(&partial);
        return Err(error);
    }
    File::open(root)?.sync_all()
}

/// The index folder as a query sees it: tantivy's memory-mapped directory, readable on
/// read-only media. tantivy takes a lock file before reading meta.json, to wait for a
/// writer's rename; where no file can be created (a read-only disk, another user's index)
/// there is no writer to wait for, and meta.json is replaced by an atomic rename anyway, so
/// the lock is skipped.
#[derive(Clone, Debug)]
pub struct ReadingDirectory {
    inner: MmapDirectory,
}

impl ReadingDirectory {
    /// Opens the folder `root` for reading.
    pub fn open(root: &Path) -> Result<ReadingDirectory, OpenDirectoryError> {
        Ok(ReadingDirectory {
            inner: MmapDirectory::open(root)?,
        })
    }
}

impl Directory for ReadingDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(error)) if cannot_write(error.kind()) => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// Whether an error says the folder cannot be written to.
fn cannot_write(kind: io::ErrorKind) -> bool {
    matches!(
        kind,
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_was_written_after_its_pages_are_released() {
        let dir = tempfile::tempdir().unwrap();
        let directory = ReleasingDirectory::open(dir.path()).unwrap();
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        directory.atomic_write(Path::new("f"), &data).unwrap();
        let bytes = directory
            .open_read(Path::new("f"))
            .unwrap()
            .read_bytes()
            .unwrap();
        assert_eq!(bytes.as_slice(), &data[..]);
        release_pages(directory.maps.as_ref().unwrap(), true);
        assert_eq!(bytes.as_slice(), &data[..]);
        assert_eq!(directory.maps.as_ref().unwrap().lock().unwrap().len(), 1);
    }

    #[test]
    fn forgets_maps_once_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let directory = ReleasingDirectory::open(dir.path()).unwrap();
        directory.atomic_write(Path::new("f"), b"bytes").unwrap();
        drop(directory.open_read(Path::new("f")).unwrap());
        release_pages(directory.maps.as_ref().unwrap(), true);
        assert!(directory.maps.as_ref().unwrap().lock().unwrap().is_empty());
    }

    #[test]
    fn reads_the_mapped_file_pages_of_the_process() {
        if cfg!(target_os = "linux") {
            assert!(mapped_file_kib().is_some_and(|kib| kib > 0));
        }
        assert!(release_due(None));
        assert!(!release_due(Some(u64::MAX / 2)));
    }

    #[test]
    fn missing_and_empty_files() {
        let dir = tempfile::tempdir().unwrap();
        let directory = ReleasingDirectory::open(dir.path()).unwrap();
        assert!(matches!(
            directory.open_read(Path::new("missing")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
        directory.atomic_write(Path::new("empty"), b"").unwrap();
        assert_eq!(
            directory.open_read(Path::new("empty")).unwrap().num_bytes(),
            0
        );
    }
}
