//! HTTP to an OpenSearch cluster: JSON in and out, credentials from the environment, and
//! retries with back-off when the cluster says it is busy (429) or not ready (503).
//!
//! reqwest's blocking client: the engine's callers are synchronous (the command line, the
//! ingest pipeline, `lede serve`'s blocking threads), and it shares tokio and hyper with
//! `lede serve`. The `opensearch` crate would add its own request types over the same
//! stack while lede only needs a handful of JSON requests.

use std::time::Duration;

use reqwest::blocking::{Client as Http, RequestBuilder};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::error::{Error, Result};

/// Environment variables holding the credentials (never given on the command line).
pub const USER_VARIABLE: &str = "LEDE_OPENSEARCH_USER";
/// See [`USER_VARIABLE`].
pub const PASSWORD_VARIABLE: &str = "LEDE_OPENSEARCH_PASSWORD";

/// Attempts of a request the cluster answers 429 or 503, waiting longer each time.
const ATTEMPTS: u32 = 8;
/// The first wait between attempts; it doubles up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(100);
const LONGEST_WAIT: Duration = Duration::from_secs(5);
/// How long a request may take (a large bulk request or an export page included).
const TIMEOUT: Duration = Duration::from_secs(120);

/// A connection to one cluster.
#[derive(Clone)]
pub struct Client {
    http: Http,
    /// `http(s)://host:port`, without a trailing slash.
    base: String,
    credentials: Option<(String, String)>,
    /// Requests that were retried since [`Client::take_retries`] was last called.
    retries: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Client {
    /// A client of the cluster at `base` (`http://127.0.0.1:9200`).
    pub fn new(base: &str) -> Result<Client> {
        let http = Http::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| Error::Unreachable {
                url: base.into(),
                cause: e.to_string(),
            })?;
        let credentials = std::env::var(USER_VARIABLE)
            .ok()
            .map(|user| (user, std::env::var(PASSWORD_VARIABLE).unwrap_or_default()));
        Ok(Client {
            http,
            base: base.trim_end_matches('/').into(),
            credentials,
            retries: Default::default(),
        })
    }

    /// The cluster's URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A JSON request; `Ok(None)` when the cluster answers 404.
    pub fn json(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Option<Value>> {
        let body = body.map(|b| (b.to_string().into_bytes(), "application/json"));
        self.send(method, path, body)
    }

    /// A bulk request: newline-delimited JSON.
    pub fn bulk(&self, path: &str, lines: Vec<u8>) -> Result<Value> {
        self.send(Method::POST, path, Some((lines, "application/x-ndjson")))?
            .ok_or_else(|| self.remote(path, "the bulk request was answered 404".into()))
    }

    /// What was retried since the last call, once each: for the ingest to report.
    pub fn take_retries(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .retries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<(Vec<u8>, &str)>,
    ) -> Result<Option<Value>> {
        let url = format!("{}{path}", self.base);
        let mut wait = FIRST_WAIT;
        for attempt in 1..=ATTEMPTS {
            let mut request: RequestBuilder = self.http.request(method.clone(), &url);
            if let Some((user, password)) = &self.credentials {
                request = request.basic_auth(user, Some(password));
            }
            if let Some((bytes, content_type)) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, *content_type)
                    .body(bytes.clone());
            }
            let response = match request.send() {
                Ok(response) => response,
                Err(error) if attempt < ATTEMPTS && (error.is_timeout() || error.is_connect()) => {
                    self.note_retry(&url, &error.to_string());
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(LONGEST_WAIT);
                    continue;
                }
                Err(error) => {
                    return Err(Error::Unreachable {
                        url: self.base.clone(),
                        cause: plain_cause(&error),
                    })
                }
            };
            let status = response.status();
            let retry = matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            );
            if retry && attempt < ATTEMPTS {
                self.note_retry(&url, &format!("answered {status}"));
                std::thread::sleep(wait);
                wait = (wait * 2).min(LONGEST_WAIT);
                continue;
            }
            if status == StatusCode::NOT_FOUND {
                return Ok(None);
            }
            let text = response.text().map_err(|e| Error::Unreachable {
                url: self.base.clone(),
                cause: plain_cause(&e),
            })?;
            if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                return Err(self.remote(
                    path,
                    format!(
                        "answered {status}: set {USER_VARIABLE} and {PASSWORD_VARIABLE} to a user allowed to use the index"
                    ),
                ));
            }
            // The health API answers 408 with the health when `wait_for_status` times out.
            let health_timed_out =
                status == StatusCode::REQUEST_TIMEOUT && path.starts_with("/_cluster/health");
            if !status.is_success() && !health_timed_out {
                return Err(self.remote(path, format!("answered {status}: {}", reason(&text))));
            }
            if text.trim().is_empty() {
                // HEAD requests, and answers that only say yes.
                return Ok(Some(Value::Null));
            }
            return serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| self.remote(path, format!("answered with what is not JSON: {e}")));
        }
        unreachable_after_retries(&self.base)
    }

    fn note_retry(&self, url: &str, why: &str) {
        let path = url.strip_prefix(&self.base).unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        self.retries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(format!("{path} {why}, sent again"));
    }

    /// An error about a request to `path`.
    pub fn remote(&self, path: &str, cause: String) -> Error {
        Error::Remote {
            url: format!("{}{}", self.base, path.split('?').next().unwrap_or(path)),
            cause,
        }
    }
}

/// The loop above returns from its last attempt; this keeps the compiler content without a
/// panic.
fn unreachable_after_retries(base: &str) -> Result<Option<Value>> {
    Err(Error::Unreachable {
        url: base.into(),
        cause: "no answer after retries".into(),
    })
}

/// The cluster's own reason in an error answer (`error.reason`, with its root cause).
fn reason(text: &str) -> String {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return text.chars().take(300).collect();
    };
    let error = &value["error"];
    let root = error["root_cause"][0]["reason"].as_str();
    match (error["reason"].as_str(), root) {
        (Some(reason), Some(root)) if root != reason => format!("{reason} ({root})"),
        (Some(reason), _) => reason.to_string(),
        _ => text.chars().take(300).collect(),
    }
}

/// A connection error without reqwest's nesting of sources repeated.
fn plain_cause(error: &reqwest::Error) -> String {
    let mut cause = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        let text = inner.to_string();
        if !cause.contains(&text) {
            cause = format!("{cause}: {text}");
        }
        source = inner.source();
    }
    cause
}
