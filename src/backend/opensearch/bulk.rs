//! Bulk requests: one sent with its retries ([`send`]), and a thread that sends them one
//! after another while the ingest goes on analysing ([`Sender`]), so that lede fills the
//! next request while the cluster indexes the last.

use std::collections::BTreeSet;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use super::Index;
use crate::error::{Error, Result};

/// Sends of the items of a bulk request that the cluster answers 429 or 503.
const ITEM_ATTEMPTS: u32 = 8;
const FIRST_WAIT: Duration = Duration::from_millis(200);
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// One operation of a bulk request, and the article it belongs to.
pub struct Operation {
    /// The action line and, for writes, the source line, each ending in a newline.
    pub lines: String,
    /// The article's place in its request's list of articles.
    pub article: usize,
}

/// What a bulk request left undone.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Operations the cluster refused for good: their `article`, and why.
    pub refused: BTreeSet<(usize, String)>,
    /// Operations sent again because the cluster was busy (429/503).
    pub resent: usize,
}

/// Sends `operations` in one bulk request, sending again what the cluster was too busy
/// for.
pub fn send(index: &Index, mut operations: Vec<Operation>) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    let mut wait = FIRST_WAIT;
    let path = format!("/{}/_bulk", index.address.name);
    for attempt in 1..=ITEM_ATTEMPTS {
        if operations.is_empty() {
            break;
        }
        let body: Vec<u8> = operations
            .iter()
            .flat_map(|o| o.lines.as_bytes())
            .copied()
            .collect();
        let answer = index.client.bulk(&path, body)?;
        let items = answer["items"].as_array().cloned().unwrap_or_default();
        if items.len() != operations.len() {
            let cause = format!(
                "answered {} items for {} operations",
                items.len(),
                operations.len()
            );
            return Err(index.client.remote(&path, cause));
        }
        let mut busy = Vec::new();
        for (operation, item) in operations.into_iter().zip(&items) {
            let result = item.as_object().and_then(|o| o.values().next());
            let Some(error) = result.and_then(|r| r.get("error")) else {
                continue;
            };
            let status = result.and_then(|r| r["status"].as_u64()).unwrap_or(0);
            if matches!(status, 429 | 503) && attempt < ITEM_ATTEMPTS {
                busy.push(operation);
            } else {
                outcome
                    .refused
                    .insert((operation.article, describe(error, status)));
            }
        }
        if !busy.is_empty() {
            outcome.resent += busy.len();
            std::thread::sleep(wait);
            wait = (wait * 2).min(LONGEST_WAIT);
        }
        operations = busy;
    }
    Ok(outcome)
}

/// A refused item's reason, as the cluster gave it.
fn describe(error: &Value, status: u64) -> String {
    let kind = error["type"].as_str().unwrap_or("error");
    let reason = error["reason"].as_str().unwrap_or_default();
    format!("OpenSearch refused it ({status} {kind}: {reason})")
}

/// A bulk request handed to the [`Sender`], with what the caller needs to report on it.
pub struct Job<A> {
    /// The operations.
    pub operations: Vec<Operation>,
    /// The articles they belong to.
    pub articles: Vec<A>,
}

/// What the sending thread has to say.
struct Shared<A> {
    /// Requests handed over and not yet answered.
    in_flight: usize,
    /// Jobs answered, with what they left undone.
    done: Vec<(Vec<A>, Outcome)>,
    /// The first request that failed as a whole.
    failed: Option<Error>,
}

/// Sends bulk requests on a thread of its own, one at a time, in the order handed over;
/// at most one waits while another is sent.
pub struct Sender<A: Send + 'static> {
    jobs: Option<SyncSender<Job<A>>>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<(Mutex<Shared<A>>, Condvar)>,
}

impl<A: Send + 'static> Sender<A> {
    /// A sender to `index`.
    pub fn new(index: Index) -> Sender<A> {
        let shared = Arc::new((
            Mutex::new(Shared {
                in_flight: 0,
                done: Vec::new(),
                failed: None,
            }),
            Condvar::new(),
        ));
        let (jobs, receive) = sync_channel::<Job<A>>(1);
        let state = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("lede-bulk".into())
            .spawn(move || {
                for job in receive {
                    let answer = send(&index, job.operations);
                    let (lock, answered) = &*state;
                    let mut shared = lock.lock().unwrap_or_else(PoisonError::into_inner);
                    match answer {
                        Ok(outcome) => shared.done.push((job.articles, outcome)),
                        Err(error) => {
                            shared.failed.get_or_insert(error);
                        }
                    }
                    shared.in_flight -= 1;
                    answered.notify_all();
                }
            })
            .ok();
        Sender {
            jobs: thread.as_ref().map(|_| jobs),
            thread,
            shared,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Shared<A>> {
        self.shared.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `job` over (waiting while another one waits); a request that failed before
    /// is returned as the error. Without a thread (it could not start), sends it here.
    pub fn hand_over(&self, index: &Index, job: Job<A>) -> Result<()> {
        if let Some(error) = self.lock().failed.take() {
            return Err(error);
        }
        let Some(jobs) = &self.jobs else {
            let outcome = send(index, job.operations)?;
            self.lock().done.push((job.articles, outcome));
            return Ok(());
        };
        self.lock().in_flight += 1;
        if jobs.send(job).is_err() {
            self.lock().in_flight -= 1;
            let path = format!("/{}/_bulk", index.address.name);
            return Err(index
                .client
                .remote(&path, "lede's sending thread stopped".into()));
        }
        Ok(())
    }

    /// Waits until every request handed over is answered; the first that failed is the
    /// error.
    pub fn wait(&self) -> Result<()> {
        let (lock, answered) = &*self.shared;
        let mut shared = lock.lock().unwrap_or_else(PoisonError::into_inner);
        while shared.in_flight > 0 {
            shared = answered
                .wait(shared)
                .unwrap_or_else(PoisonError::into_inner);
        }
        match shared.failed.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// The jobs answered since last asked, with what each left undone.
    pub fn take_done(&self) -> Vec<(Vec<A>, Outcome)> {
        std::mem::take(&mut self.lock().done)
    }
}

impl<A: Send + 'static> Drop for Sender<A> {
    /// Lets the thread send what it was handed, then ends it.
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
