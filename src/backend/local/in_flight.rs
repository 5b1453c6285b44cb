//! Passages on their way to tantivy's indexing threads, counted so that the writer can wait
//! for them instead of queueing without bound.
//!
//! Each article goes to tantivy as one batch (so that its passages are consecutive
//! documents of one segment), and tantivy's queue holds up to 10,000 batches, not
//! documents: whole articles waiting there took a million-paragraph ingest from 143 to
//! 165 MiB of peak RSS. A [`CountedDoc`] is counted from the moment it is handed over until
//! an indexing thread has added it and drops it, and [`InFlight::wait_for_room`] holds the
//! writer back while too many are queued.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tantivy::schema::document::Document;
use tantivy::TantivyDocument;

/// Passages handed over and not indexed yet, at most about this many: a few seconds of
/// indexing, enough to keep both indexing threads fed.
pub const MAX_IN_FLIGHT: usize = 10_000;

/// How long the writer waits for room at most. Documents are only ever dropped by tantivy's
/// threads, so if those have died, waiting would never end: after this the batch is handed
/// over anyway, and tantivy's refusal says why the threads stopped.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// The count of passages handed over and not yet indexed.
///
/// Counted with an atomic: each indexing thread drops every passage it adds, and a lock
/// taken for each would be taken a million times in an ingest of a million paragraphs.
/// The writer, when it must wait, sleeps on a condition variable that droppers signal only
/// while it waits, with a short timeout as well so that a signal sent just before it
/// started waiting delays it by that much at most.
#[derive(Debug, Default)]
pub struct InFlight {
    count: AtomicUsize,
    waiting: AtomicBool,
    lock: Mutex<()>,
    indexed: Condvar,
}

/// How long the waiting writer sleeps before it looks at the count again unsignalled.
const RECHECK: Duration = Duration::from_millis(5);

impl InFlight {
    /// Waits until `documents` more passages fit under [`MAX_IN_FLIGHT`] (a batch larger
    /// than the limit waits for an empty queue), then counts them as handed over.
    pub fn wait_for_room(&self, documents: usize) {
        let has_room = |count: usize| count == 0 || count + documents <= MAX_IN_FLIGHT;
        if !has_room(self.count()) {
            let started = Instant::now();
            let mut guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
            self.waiting.store(true, Ordering::SeqCst);
            while !has_room(self.count()) && started.elapsed() < MAX_WAIT {
                guard = self
                    .indexed
                    .wait_timeout(guard, RECHECK)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            self.waiting.store(false, Ordering::SeqCst);
        }
        self.count.fetch_add(documents, Ordering::SeqCst);
    }

    fn indexed_one(&self) {
        let _ = self
            .count
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if self.waiting.load(Ordering::SeqCst) {
            let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
            self.indexed.notify_all();
        }
    }

    /// Passages handed over and not indexed yet.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

/// A passage handed to tantivy, counted in its [`InFlight`] until it is dropped: by an
/// indexing thread once it has added it, or unindexed when the writer fails.
pub struct CountedDoc {
    doc: TantivyDocument,
    in_flight: Arc<InFlight>,
}

impl CountedDoc {
    /// Wraps `doc`, already counted in `in_flight` (see [`InFlight::wait_for_room`]).
    pub fn new(doc: TantivyDocument, in_flight: Arc<InFlight>) -> CountedDoc {
        CountedDoc { doc, in_flight }
    }
}

impl Drop for CountedDoc {
    fn drop(&mut self) {
        self.in_flight.indexed_one();
    }
}

impl Document for CountedDoc {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_count_from_hand_over_until_dropped() {
        let in_flight = Arc::new(InFlight::default());
        in_flight.wait_for_room(2);
        let docs: Vec<CountedDoc> = (0..2)
            .map(|_| CountedDoc::new(TantivyDocument::default(), Arc::clone(&in_flight)))
            .collect();
        assert_eq!(in_flight.count(), 2);
        drop(docs);
        assert_eq!(in_flight.count(), 0);
    }

    #[test]
    fn the_writer_waits_while_the_queue_is_full_and_goes_on_as_documents_are_indexed() {
        let in_flight = Arc::new(InFlight::default());
        in_flight.wait_for_room(MAX_IN_FLIGHT);
        let queued: Vec<CountedDoc> = (0..MAX_IN_FLIGHT)
            .map(|_| CountedDoc::new(TantivyDocument::default(), Arc::clone(&in_flight)))
            .collect();
        let indexed = Arc::new(AtomicBool::new(false));
        let indexer = {
            let indexed = Arc::clone(&indexed);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                indexed.store(true, Ordering::SeqCst);
                drop(queued);
            })
        };
        in_flight.wait_for_room(5);
        assert!(
            indexed.load(Ordering::SeqCst),
            "returned before the queue had room"
        );
        assert!(in_flight.count() <= MAX_IN_FLIGHT);
        indexer.join().unwrap();
        assert_eq!(in_flight.count(), 5);
    }
}
