//! Throughput of the ingest stages on their own, without the index: splitting, and entity
//! extraction (extract + resolve), in bytes of article body per second on one core.
//!
//! `cargo bench --bench stages` uses `corpus/`; point `LEDE_BENCH_INPUT` at a larger file or
//! folder (for example ../shared/corpora/reuters-21578/articles.jsonl) for real figures.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lede::article::Article;
use lede::extract::Extractor;
use lede::gazetteer::Gazetteer;
use lede::ingest::analyse;
use lede::paragraph;
use lede::source::{self, PathNames};

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

criterion_group!(benches, stages);
criterion_main!(benches);
