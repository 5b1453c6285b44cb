//! The JSON API: each endpoint reads its parameters, asks the engine on a blocking thread
//! (a search is CPU work) and renders the answer as the command line's `--json` does.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

use super::params::{self, BadParameter, ExportFormat, Params};
use crate::error::Error;
use crate::query::QueryEngine;
use crate::render::{csv, json};

/// Values `/api/facets/{kind}` lists unless `limit` says otherwise.
const DEFAULT_FACET_VALUES: usize = 20;
/// Bytes of an export gathered before they are sent.
const EXPORT_CHUNK: usize = 64 * 1024;

type Engine = State<Arc<QueryEngine>>;

/// Why a request was not answered.
pub enum ApiError {
    /// A parameter the API cannot take: 400.
    Bad(BadParameter),
    /// Nothing at that address: 404.
    NotFound(String),
    /// The engine refused (a bad filter value, a query past its limits: 400) or failed
    /// (a damaged index: 503).
    Engine(Error),
}

impl From<BadParameter> for ApiError {
    fn from(bad: BadParameter) -> ApiError {
        ApiError::Bad(bad)
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        ApiError::Engine(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, parameter) = match self {
            ApiError::Bad(bad) => (StatusCode::BAD_REQUEST, bad.error, Some(bad.parameter)),
            ApiError::NotFound(what) => (StatusCode::NOT_FOUND, what, None),
            ApiError::Engine(Error::Argument {
                argument,
                value,
                message,
            }) => (
                StatusCode::BAD_REQUEST,
                format!("{value:?}: {message}"),
                Some(parameter_of(&argument)),
            ),
            ApiError::Engine(error @ Error::Query { .. }) => {
                (StatusCode::BAD_REQUEST, error.to_string(), Some("q".into()))
            }
            ApiError::Engine(error) => (StatusCode::SERVICE_UNAVAILABLE, error.to_string(), None),
        };
        let body = serde_json::json!({ "error": error, "parameter": parameter });
        json_response(status, |out| json::value(out, &body))
    }
}

/// The API parameter a command-line flag stands for (`--country` → `country`, `-C` →
/// `context`).
fn parameter_of(flag: &str) -> String {
    match flag {
        "--context" | "-C" => "context".into(),
        other => other.trim_start_matches('-').replace('-', "_"),
    }
}

/// A JSON body written by `write`, with `status`.
fn json_response(
    status: StatusCode,
    write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> Response {
    let mut body = Vec::new();
    if write(&mut body).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Runs `work` on a blocking thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(ApiError::NotFound("the request failed".into())))
}

/// `GET /api/query`: the object `lede query --json` prints.
pub async fn query(State(engine): Engine, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let request = Params::parse(raw.as_deref(), &params::query_parameters())?.query()?;
    let response = blocking(move || Ok(engine.query(&request)?)).await?;
    Ok(json_response(StatusCode::OK, |out| {
        json::query(out, &response)
    }))
}

/// `GET /api/facets/{kind}`: the object `lede facets KIND --json` prints.
pub async fn facets(
    State(engine): Engine,
    Path(kind): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &params::search_parameters(&["limit"]))?;
    let request = params.search()?;
    let limit = params.limit(DEFAULT_FACET_VALUES)?;
    match params::facet_kind(&kind)? {
        Ok(kind) => {
            let top = blocking(move || Ok(engine.top_values(&request, kind, limit)?)).await?;
            Ok(json_response(StatusCode::OK, |out| {
                json::top_values(out, &top)
            }))
        }
        Err(interval) => {
            let timeline = blocking(move || Ok(engine.timeline(&request, interval)?)).await?;
            Ok(json_response(StatusCode::OK, |out| {
                json::timeline(out, &timeline)
            }))
        }
    }
}

/// `GET /api/stats`: the object `lede stats --json` prints.
pub async fn stats(State(engine): Engine, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    let stats = blocking(move || Ok(crate::stats::stats(&engine, 10)?)).await?;
    Ok(json_response(StatusCode::OK, |out| {
        json::stats(out, &stats)
    }))
}

/// `GET /api/articles/{id}`: a whole article with its paragraphs and their entities; with
/// `q` (and `any` or `all`), also what the query matches in each paragraph and the title,
/// so the page needs one request for an article.
pub async fn article(
    State(engine): Engine,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = Params::parse(raw.as_deref(), &[params::TEXT_QUERY])?.article_query()?;
    let wanted = id.clone();
    let found = blocking(move || match query {
        Some(query) => Ok(engine.article_matches(&wanted, &query)?),
        None => Ok(engine.article(&wanted)?),
    })
    .await?;
    match found {
        Some(article) => Ok(json_response(StatusCode::OK, |out| {
            json::article(out, &article)
        })),
        None => Err(ApiError::NotFound(format!("no article with the id {id:?}"))),
    }
}

/// `GET /api/timeline`: matching passages and articles per year, month or day.
pub async fn timeline(
    State(engine): Engine,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &params::search_parameters(&["interval"]))?;
    let (request, interval) = (params.search()?, params.interval()?);
    let timeline = blocking(move || Ok(engine.timeline(&request, interval)?)).await?;
    Ok(json_response(StatusCode::OK, |out| {
        json::timeline(out, &timeline)
    }))
}

/// `GET /api/export`: every matching passage, streamed as CSV or JSON Lines.
pub async fn export(State(engine): Engine, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let params = Params::parse(raw.as_deref(), &params::search_parameters(&["format"]))?;
    let (request, format) = (params.search()?, params.export_format()?);
    // A refusal (a bad filter value) is answered before the stream starts.
    let checked = request.clone();
    let probe = Arc::clone(&engine);
    blocking(move || {
        let mut probe_request = checked;
        probe_request.limit = 0;
        Ok(probe.query(&probe_request).map(|_| ())?)
    })
    .await?;
    let (send, receive) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::task::spawn_blocking(move || {
        let mut chunk = Vec::with_capacity(EXPORT_CHUNK);
        let mut flush = |chunk: &mut Vec<u8>| -> bool {
            let full = std::mem::replace(chunk, Vec::with_capacity(EXPORT_CHUNK));
            send.blocking_send(Bytes::from(full)).is_ok()
        };
        let _ = match format {
            ExportFormat::Csv => export_csv(&engine, &request, &mut chunk, &mut flush),
            ExportFormat::JsonLines => export_json_lines(&engine, &request, &mut chunk, &mut flush),
        };
        if !chunk.is_empty() {
            flush(&mut chunk);
        }
    });
    let (content_type, file) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "lede-export.csv"),
        ExportFormat::JsonLines => ("application/x-ndjson", "lede-export.jsonl"),
    };
    let stream = ReceiverStream::new(receive).map(Ok::<Bytes, std::io::Error>);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Writes the rows of an export as CSV, handing full chunks to `flush` (false: the client
/// left, stop).
fn export_csv(
    engine: &QueryEngine,
    request: &crate::query::request::QueryRequest,
    chunk: &mut Vec<u8>,
    flush: &mut dyn FnMut(&mut Vec<u8>) -> bool,
) -> crate::Result<()> {
    chunk.extend_from_slice(&csv::header());
    engine.export(request, &mut |hit| {
        chunk.extend_from_slice(&csv::row(&hit).map_err(|e| Error::io("export", e))?);
        Ok(chunk.len() < EXPORT_CHUNK || flush(chunk))
    })?;
    Ok(())
}

/// Writes the rows of an export as JSON Lines, handing full chunks to `flush`.
fn export_json_lines(
    engine: &QueryEngine,
    request: &crate::query::request::QueryRequest,
    chunk: &mut Vec<u8>,
    flush: &mut dyn FnMut(&mut Vec<u8>) -> bool,
) -> crate::Result<()> {
    engine.export(request, &mut |hit| {
        json::export_row(chunk, &hit).map_err(|e| Error::io("export", e))?;
        Ok(chunk.len() < EXPORT_CHUNK || flush(chunk))
    })?;
    Ok(())
}

/// `GET /favicon.ico`: no content. The page declares an empty icon, but a browser showing
/// an API answer, a bookmark or a tool still asks for this address, and a JSON 404 there
/// reads as a fault in consoles and logs.
pub async fn favicon() -> Response {
    (
        StatusCode::NO_CONTENT,
        [(header::CACHE_CONTROL, "public, max-age=86400")],
    )
        .into_response()
}

/// Anything else: 404, in JSON.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("nothing at {}", uri.path()))
}
