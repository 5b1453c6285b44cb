//! `lede serve`: the search page and the JSON API, over one index, until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;

use super::{output, Global, Outcome};
use lede::query::QueryEngine;

const EXAMPLES: &str = "\
Examples:
  lede serve                                 http://127.0.0.1:7777/ on this machine
  lede serve --index ~/news-index --listen 127.0.0.1:8080
  lede serve --listen 0.0.0.0:7777           reachable from the network (said with a warning)

The page searches with the query language of `lede query`; the API is described at
/api/openapi.json. The server never writes the index and sees what an ingest commits within
a second. Ctrl-C stops it.";

/// Arguments of `lede serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Address and port to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7777")]
    listen: SocketAddr,
}

/// Runs `lede serve`.
pub fn run(global: &Global, args: Args) -> anyhow::Result<Outcome> {
    let engine = QueryEngine::new(lede::backend::open(&global.index)?)?;
    let index = global.index.shown();
    let color = global.color;
    lede::serve::run(
        engine,
        args.listen,
        move |bound| {
            if !bound.ip().is_loopback() {
                let mut errors = output::stderr(color);
                let _ = lede::render::text::warning(
                    &mut errors,
                    &format!(
                        "listening on {bound}: the index at {index} can be searched from the network"
                    ),
                );
            }
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "lede serve: http://{bound}/ (index {index}); Ctrl-C stops it"
            );
            let _ = out.flush();
        },
        stopped(),
    )?;
    Ok(Outcome::Done)
}

/// Completes on Ctrl-C or SIGTERM.
async fn stopped() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
