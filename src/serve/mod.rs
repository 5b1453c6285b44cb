//! `lede serve`: a search page and a JSON API over the query engine, for a newsroom sharing
//! one index.
//!
//! The server is read-only: it never writes the index, and it sees what an ingest commits
//! within a second (the engine is refreshed on a timer). Every API answer is rendered by
//! the same code as the command line's `--json` (`render::json`), so the two cannot drift.
//! `api` holds the endpoints, `params` reads query strings, `page` the page's assets,
//! compiled into the binary.

mod api;
mod page;
pub mod params;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::{Error, Result};
use crate::query::QueryEngine;

/// How often the server looks for new commits.
const REFRESH_EVERY: Duration = Duration::from_millis(500);
/// Longest time one request may take before it is answered 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// What the page may load: its own scripts and styles only (corpus text can never run
/// as script, even if some rendering bug let it into the page as markup).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Serves `engine` on `listen` until `shutdown` completes; `ready` is told the address
/// bound (the port, when 0 was asked) before the first request is taken.
pub fn run(
    engine: QueryEngine,
    listen: SocketAddr,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("lede-serve")
        .build()
        .map_err(|e| Error::io(listen.to_string(), e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| Error::io(listen.to_string(), e))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::io(listen.to_string(), e))?;
        let engine = Arc::new(engine);
        tokio::spawn(refresh(Arc::clone(&engine)));
        ready(bound);
        axum::serve(listener, router(engine))
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| Error::io(bound.to_string(), e))
    })
}

/// The routes: the page and its assets, the API, and a JSON 404 for anything else.
pub fn router(engine: Arc<QueryEngine>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/style.css", get(page::style))
        .route("/api/openapi.json", get(page::openapi))
        .route("/api/query", get(api::query))
        .route("/api/facets/{kind}", get(api::facets))
        .route("/api/stats", get(api::stats))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/timeline", get(api::timeline))
        .route("/api/export", get(api::export))
        .route("/favicon.ico", get(api::favicon))
        .fallback(api::not_found)
        .with_state(engine)
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// Looks for new commits at a steady pace; a failure (a damaged new segment) is answered
/// by the requests themselves, so it is only retried here.
async fn refresh(engine: Arc<QueryEngine>) {
    let mut ticks = tokio::time::interval(REFRESH_EVERY);
    loop {
        ticks.tick().await;
        let engine = Arc::clone(&engine);
        let _ = tokio::task::spawn_blocking(move || engine.refresh()).await;
    }
}
