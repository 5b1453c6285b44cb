//! Throughput of the ingest stages on their own, without the index: splitting, and entity
//! extraction (extract + resolve), in bytes of article body per second on one core. `words`
//! and `mentions` time the first parts of extraction (splitting included), to show where
//! its time goes.
//!
//! `cargo bench --bench stages` uses `corpus/`; point `LEDE_BENCH_INPUT` at a larger file or
//! folder (for example ../shared/corpora/reuters-21578/articles.jsonl) for real figures.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lede::article::Article;
use lede::extract::{words, Extractor};
use lede::gazetteer::Gazetteer;
use lede::ingest::analyse;
use lede::paragraph;
use lede::source::{self, PathNames};
use tantivy::tokenizer::TokenStream;

fn articles() -> Vec<Article> {
    let input = std::env::var_os("LEDE_BENCH_INPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    let names = PathNames::new(".");
    let found = source::discover(&[input], &[]);
    found
        .files
        .iter()
        .flat_map(|file| source::read(file, &names))
        .filter_map(Result::ok)
        .collect()
}

fn stages(c: &mut Criterion) {
    let articles = articles();
    let bytes: usize = articles.iter().map(|a| a.body.len()).sum();
    let extractor = Extractor::shipped().expect("gazetteer loads");
    let gazetteer = Gazetteer::shipped().expect("gazetteer loads");
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("split", |b| {
        b.iter(|| {
            articles
                .iter()
                .map(|a| paragraph::split(&a.body).len())
                .sum::<usize>()
        })
    });
    // The parts of extraction on their own, to see where its time goes.
    group.bench_function("words", |b| {
        b.iter(|| {
            articles
                .iter()
                .flat_map(|a| paragraph::split(&a.body).into_iter().map(|p| (p, &a.body)))
                .map(|(p, body)| words::words(p.text(body)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("mentions", |b| {
        b.iter(|| {
            articles
                .iter()
                .flat_map(|a| paragraph::split(&a.body).into_iter().map(|p| (p, &a.body)))
                .map(|(p, body)| {
                    let text = p.text(body);
                    extractor
                        .extract_with_words(text, &words::words(text))
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("extract+resolve", |b| {
        b.iter(|| {
            articles
                .iter()
                .map(|a| analyse(a.clone(), extractor, gazetteer).paragraphs.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

/// The analysis tantivy runs on every title and body: lede's cached `en_stem` against
/// tantivy's own, same terms.
fn terms(c: &mut Criterion) {
    let articles = articles();
    let bytes: usize = articles.iter().map(|a| a.body.len()).sum();
    let mut group = c.benchmark_group("terms");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    let analyzers = [
        ("tantivy en_stem", lede::analyzer::tantivy_en_stem()),
        ("lede en_stem", lede::analyzer::en_stem()),
    ];
    for (name, mut analyzer) in analyzers {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut terms = 0;
                for article in &articles {
                    analyzer
                        .token_stream(&article.body)
                        .process(&mut |_| terms += 1);
                }
                terms
            })
        });
    }
    group.finish();
}

criterion_group!(benches, stages, terms);
criterion_main!(benches);
