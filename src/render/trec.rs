//! TREC run format for evaluation tools: `QID Q0 DOCID RANK SCORE TAG`, one line per article.

use std::io::{self, Write};

use crate::query::response::QueryResponse;

/// The run tag written in the last column.
pub const TAG: &str = "lede";

/// Writes the hits of `response` (best passage per article, best first) for query `id`.
/// Ids with white space would break the format, so it is replaced by underscores.
pub fn run(out: &mut dyn Write, id: &str, response: &QueryResponse) -> io::Result<()> {
    let id = spaceless(id);
    for (rank, hit) in response.hits.iter().enumerate() {
        writeln!(
            out,
            "{id} Q0 {} {} {:.6} {TAG}",
            spaceless(&hit.article_id),
            rank + 1,
            hit.score
        )?;
    }
    Ok(())
}

fn spaceless(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}
