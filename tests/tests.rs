//! End-to-end tests: one test binary (as ripgrep's `tests/`), so that the suite links
//! once, with one module per command or concern. Every test runs the real `lede` binary in
//! a temporary folder (see `util`).

mod util;

mod colour;
mod damaged_index;
mod data_rules;
mod docs;
mod entities;
mod exact_filters;
mod extract;
mod facets;
mod ingest;
mod opensearch;
mod query;
mod query_language;
mod query_trust;
mod reliability;
mod serve;
mod source_reliability;
