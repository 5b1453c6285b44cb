//! One word over the title and the paragraph, scored as if they were one field (BM25F).
//!
//! Scoring a word separately in each field and adding the two scores counts a word found
//! in both twice, each saturated on its own, the title's with the higher idf of a short
//! field: a generic query word in a title then lifts passages above relevant ones that have
//! the word only in their text. BM25F adds the word's frequencies and the fields' lengths
//! first (each weighted) and saturates once, as a plain BM25 over "title + paragraph" would,
//! while `title:` and `body:` still search one field each. The document frequency is the
//! largest of the fields' (as in Lucene's `CombinedFieldQuery` and OpenSearch's
//! `combined_fields`).

use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// BM25's term-frequency saturation, as tantivy's.
const K1: Score = 1.2;
/// BM25's length normalisation, as tantivy's.
const B: Score = 0.75;

/// A word searched in several fields at once, each with a weight, scored as one field.
#[derive(Clone)]
pub struct CombinedFieldQuery {
    terms: Vec<(Term, Score)>,
}

impl fmt::Debug for CombinedFieldQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.terms.iter().map(|(term, weight)| (term, weight)))
            .finish()
    }
}

impl CombinedFieldQuery {
    /// `text` in each of `fields`, the field's frequencies and lengths counting `weight`
    /// times.
    pub fn new(text: &str, fields: &[(Field, Score)]) -> CombinedFieldQuery {
        CombinedFieldQuery {
            terms: fields
                .iter()
                .map(|(field, weight)| (Term::from_field_text(*field, text), *weight))
                .collect(),
        }
    }
}

impl Query for CombinedFieldQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let statistics: Option<&dyn Bm25StatisticsProvider> = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(statistics_provider),
            EnableScoring::Disabled { .. } => None,
        };
        let (idf, average_length) = match statistics {
            Some(statistics) => self.statistics(statistics)?,
            None => (0.0, 1.0),
        };
        Ok(Box::new(CombinedFieldWeight {
            terms: self.terms.clone(),
            idf,
            average_length,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in &self.terms {
            visitor(term, false);
        }
    }
}

impl CombinedFieldQuery {
    /// The idf of the word (from the largest document frequency of its fields) and the
    /// weighted average length of the combined field.
    fn statistics(
        &self,
        statistics: &dyn Bm25StatisticsProvider,
    ) -> tantivy::Result<(Score, Score)> {
        let documents = statistics.total_num_docs()?.max(1);
        let mut doc_freq = 0;
        let mut average_length = 0.0;
        for (term, weight) in &self.terms {
            doc_freq = doc_freq.max(statistics.doc_freq(term)?);
            let tokens = statistics.total_num_tokens(term.field())?;
            average_length += weight * tokens as Score / documents as Score;
        }
        let doc_freq = doc_freq.min(documents);
        let x = ((documents - doc_freq) as Score + 0.5) / (doc_freq as Score + 0.5);
        Ok(((1.0 + x).ln(), average_length.max(Score::MIN_POSITIVE)))
    }
}

struct CombinedFieldWeight {
    terms: Vec<(Term, Score)>,
    idf: Score,
    average_length: Score,
}

impl CombinedFieldWeight {
    fn combined_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<CombinedFieldScorer> {
        let mut fields = Vec::new();
        for (term, weight) in &self.terms {
            let index = reader.inverted_index(term.field())?;
            if let Some(postings) = index.read_postings(term, IndexRecordOption::WithFreqs)? {
                fields.push(FieldPostings {
                    postings,
                    weight: *weight,
                });
            }
        }
        let mut scorer = CombinedFieldScorer {
            doc: TERMINATED,
            fields,
            all_lengths: self.all_lengths(reader)?,
            idf: self.idf * boost,
            average_length: self.average_length,
        };
        scorer.doc = scorer.lowest();
        Ok(scorer)
    }

    /// Norm readers of every field of the word, whether or not this segment holds it there:
    /// a passage's combined length counts its title even where the word is in the text only.
    fn all_lengths(
        &self,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<(FieldNormReader, Score)>> {
        self.terms
            .iter()
            .map(|(term, weight)| Ok((reader.get_fieldnorms_reader(term.field())?, *weight)))
            .collect()
    }
}

impl Weight for CombinedFieldWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.combined_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.combined_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        let (frequency, length) = scorer.frequency_and_length();
        let mut explanation = Explanation::new("BM25F over title and paragraph", scorer.score());
        explanation.add_const("idf (largest document frequency of the fields)", self.idf);
        explanation.add_const("weighted term frequency", frequency);
        explanation.add_const("weighted length", length);
        explanation.add_const("weighted average length", self.average_length);
        Ok(explanation)
    }
}

/// The postings of the word in one field.
struct FieldPostings {
    postings: SegmentPostings,
    weight: Score,
}

struct CombinedFieldScorer {
    doc: DocId,
    fields: Vec<FieldPostings>,
    all_lengths: Vec<(FieldNormReader, Score)>,
    idf: Score,
    average_length: Score,
}

impl CombinedFieldScorer {
    fn lowest(&self) -> DocId {
        self.fields
            .iter()
            .map(|f| f.postings.doc())
            .min()
            .unwrap_or(TERMINATED)
    }

    /// The word's weighted frequency in the current document, and the document's weighted
    /// length over all the fields.
    fn frequency_and_length(&self) -> (Score, Score) {
        let frequency = self
            .fields
            .iter()
            .filter(|f| f.postings.doc() == self.doc)
            .map(|f| f.weight * f.postings.term_freq() as Score)
            .sum();
        let length = self
            .all_lengths
            .iter()
            .map(|(norms, weight)| weight * norms.fieldnorm(self.doc) as Score)
            .sum();
        (frequency, length)
    }
}

impl DocSet for CombinedFieldScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        for field in &mut self.fields {
            if field.postings.doc() == current {
                field.postings.advance();
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for field in &mut self.fields {
            if field.postings.doc() < target {
                field.postings.seek(target);
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.fields
            .iter()
            .map(|f| f.postings.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for CombinedFieldScorer {
    fn score(&mut self) -> Score {
        let (frequency, length) = self.frequency_and_length();
        let normalisation = K1 * (1.0 - B + B * length / self.average_length);
        self.idf * (K1 + 1.0) * frequency / (frequency + normalisation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    /// Passages whose title and text hold "oil" in different ways, with a third field
    /// holding title and text together. Every title with "oil" has it in its text too, so
    /// that the largest document frequency of the fields is that of the third field.
    fn index() -> (Index, Field, Field, Field) {
        let mut builder = Schema::builder();
        let (title, body, both) = (
            builder.add_text_field("title", TEXT),
            builder.add_text_field("body", TEXT),
            builder.add_text_field("both", TEXT),
        );
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (t, b) in [
            ("oil prices", "crude oil rose today in early trade"),
            ("markets", "oil and gas shares fell"),
            ("oil", "oil traders said little"),
            ("wheat harvest", "farmers expect a good year"),
            ("grain", "rice and wheat prices rose"),
        ] {
            writer
                .add_document(doc!(title => t, body => b, both => format!("{t} {b}")))
                .unwrap();
        }
        writer.commit().unwrap();
        (index, title, body, both)
    }

    fn scores(index: &Index, query: &dyn Query) -> Vec<(u32, Score)> {
        let searcher = index.reader().unwrap().searcher();
        let mut found: Vec<(u32, Score)> = searcher
            .search(query, &TopDocs::with_limit(10).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(score, address)| (address.doc_id, score))
            .collect();
        found.sort_by_key(|(doc, _)| *doc);
        found
    }

    #[test]
    fn title_and_text_score_like_one_field_of_both() {
        let (index, title, body, both) = index();
        let combined = CombinedFieldQuery::new("oil", &[(body, 1.0), (title, 1.0)]);
        let one_field = TermQuery::new(
            Term::from_field_text(both, "oil"),
            IndexRecordOption::WithFreqs,
        );
        let (ours, reference) = (scores(&index, &combined), scores(&index, &one_field));
        assert_eq!(ours.len(), 3);
        for ((doc, score), (reference_doc, reference_score)) in ours.iter().zip(&reference) {
            assert_eq!(doc, reference_doc);
            assert!(
                (score - reference_score).abs() < 1e-4,
                "doc {doc}: {score} against {reference_score}"
            );
        }
    }

    #[test]
    fn a_word_in_title_and_text_saturates_once() {
        let (index, title, body, _) = index();
        let combined = scores(
            &index,
            &CombinedFieldQuery::new("oil", &[(body, 1.0), (title, 1.0)]),
        );
        let term = |field| {
            scores(
                &index,
                &TermQuery::new(
                    Term::from_field_text(field, "oil"),
                    IndexRecordOption::WithFreqs,
                ),
            )
        };
        let (in_title, in_body) = (term(title), term(body));
        // Passage 0 has "oil" in both fields: scored once, below the two fields' sum.
        let apart = in_title[0].1 + in_body[0].1;
        assert!(combined[0].1 < apart, "{} against {apart}", combined[0].1);
        let searcher = index.reader().unwrap().searcher();
        let explanation = CombinedFieldQuery::new("oil", &[(body, 1.0), (title, 1.0)])
            .explain(&searcher, tantivy::DocAddress::new(0, 0))
            .unwrap();
        assert!((explanation.value() - combined[0].1).abs() < 1e-6);
    }
}
