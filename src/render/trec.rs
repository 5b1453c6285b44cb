//! TREC run format for evaluation tools: `QID Q0 DOCID RANK SCORE TAG`, one line per article.

use std::io::{self, Write};

use crate::query::response::QueryResponse;

/// The run tag written in the last column.
pub const TAG: &str = "lede";

/// Writes the hits of `response` (best passage per article, best first) for query `id`.
/// Ids with white space would break the format, so it is replaced by underscores.
///
/// Evaluation tools rank by the score column, not the rank: a hit that lede ranks below
/// one with a lower score (a passage with some of the words after those with all of them)
/// is written with a score just below the one before it, so the tools see lede's order.
pub fn run(out: &mut dyn Write, id: &str, response: &QueryResponse) -> io::Result<()> {
    let id = spaceless(id);
    let mut previous = f64::INFINITY;
    for (rank, hit) in response.hits.iter().enumerate() {
        let score = f64::from(hit.score).min(previous - 1e-6);
        previous = score;
        writeln!(
            out,
            "{id} Q0 {} {} {score:.6} {TAG}",
            spaceless(&hit.article_id),
            rank + 1,
        )?;
    }
    Ok(())
}

fn spaceless(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || super::is_invisible(c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::response::Hit;

    #[test]
    fn scores_never_rise_down_the_ranking() {
        let hit = |id: &str, score: f32| Hit {
            article_id: id.into(),
            score,
            ..Hit::default()
        };
        let response = QueryResponse {
            query_id: None,
            took_ms: None,
            query: "q".into(),
            total: 2,
            hits: vec![
                hit("all words", 3.0),
                hit("some words", 5.0),
                hit("fewer", 1.0),
            ],
            facets: Default::default(),
            total_articles: None,
            undated_left_out: None,
            filter_values: vec![],
            notices: vec![],
        };
        let mut out = Vec::new();
        run(&mut out, "7", &response).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "7 Q0 all_words 1 3.000000 lede\n7 Q0 some_words 2 2.999999 lede\n7 Q0 fewer 3 1.000000 lede\n"
        );
    }
}
