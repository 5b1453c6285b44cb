//! The index schema, read from `schema/index.json`.
//!
//! The schema is data rather than code so that it can be reviewed, versioned and exported
//! (to Quickwit or OpenSearch) without reading Rust. The file is compiled into the binary and
//! checked at start-up: every field the code uses must be declared with the expected type,
//! otherwise lede refuses to run instead of failing on the first document.

use serde::Deserialize;
use tantivy::schema::{
    DateOptions, FacetOptions, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions,
};

use super::format::Fields;
use crate::error::{Error, Result};

/// The shipped schema file, compiled in so that the binary is self-contained.
pub const SCHEMA_JSON: &str = include_str!("../../../schema/index.json");

/// The kind of value a field holds, as spelled in the schema file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Tokenized, searchable text.
    Text,
    /// An untokenized string, matched exactly.
    String,
    /// An unsigned integer.
    U64,
    /// A date and time (UTC).
    Date,
    /// A hierarchical facet such as `/country/KP`.
    Facet,
}

/// One field as declared in the schema file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Field name, used in the index and in `field:` queries.
    pub name: String,
    /// Value kind.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Whether the field can be searched.
    #[serde(default)]
    pub indexed: bool,
    /// Whether the original value is kept and returned with hits.
    #[serde(default)]
    pub stored: bool,
    /// Whether the field is kept column-wise for sorting, counting and filtering.
    #[serde(default)]
    pub fast: bool,
    /// Tokenizer of a text field.
    #[serde(default)]
    pub tokenizer: Option<String>,
    /// Whether a text field records positions (needed for phrase queries).
    #[serde(default)]
    pub positions: bool,
    /// What the field is for; documentation only.
    #[serde(default)]
    pub purpose: Option<String>,
}

/// The schema file as a whole.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFile {
    /// Schema name, recorded in the index marker.
    pub name: String,
    /// Schema version; an index built with another version must be re-ingested.
    pub version: u32,
    /// Free-text note for readers of the file.
    #[serde(default)]
    pub comment: Option<String>,
    /// Field declarations, in index order.
    pub fields: Vec<FieldSpec>,
}

impl SchemaFile {
    /// Parses a schema file.
    pub fn parse(json: &str) -> Result<SchemaFile> {
        serde_json::from_str(json).map_err(|e| Error::Schema(format!("schema/index.json: {e}")))
    }

    /// The schema compiled into this binary.
    pub fn shipped() -> Result<SchemaFile> {
        SchemaFile::parse(SCHEMA_JSON)
    }

    /// Builds the tantivy schema the file describes.
    pub fn to_tantivy(&self) -> Result<Schema> {
        let mut seen = std::collections::HashSet::new();
        let mut builder = Schema::builder();
        for spec in &self.fields {
            // The builder panics on a duplicate name; a bad file must get an error instead.
            if !seen.insert(spec.name.as_str()) {
                return Err(Error::Schema(format!(
                    "field `{}` is declared twice",
                    spec.name
                )));
            }
            match spec.kind {
                Kind::Text => {
                    builder.add_text_field(&spec.name, text_options(spec));
                }
                Kind::String => {
                    builder.add_text_field(&spec.name, string_options(spec));
                }
                Kind::U64 => {
                    builder.add_u64_field(&spec.name, numeric_options(spec));
                }
                Kind::Date => {
                    builder.add_date_field(&spec.name, date_options(spec));
                }
                Kind::Facet => {
                    let options = if spec.stored {
                        FacetOptions::default().set_stored()
                    } else {
                        FacetOptions::default()
                    };
                    builder.add_facet_field(&spec.name, options);
                }
            }
        }
        Ok(builder.build())
    }
}

fn text_options(spec: &FieldSpec) -> TextOptions {
    let record = if spec.positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    let tokenizer = spec.tokenizer.as_deref().unwrap_or("default");
    let mut options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if spec.stored {
        options = options.set_stored();
    }
    options
}

fn string_options(spec: &FieldSpec) -> TextOptions {
    let mut options = TextOptions::default();
    if spec.indexed {
        options = options.set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::Basic),
        );
    }
    if spec.stored {
        options = options.set_stored();
    }
    if spec.fast {
        options = options.set_fast("raw");
    }
    options
}

fn numeric_options(spec: &FieldSpec) -> NumericOptions {
    let mut options = NumericOptions::default();
    if spec.indexed {
        options = options.set_indexed();
    }
    if spec.stored {
        options = options.set_stored();
    }
    if spec.fast {
        options = options.set_fast();
    }
    options
}

fn date_options(spec: &FieldSpec) -> DateOptions {
    let mut options = DateOptions::default();
    if spec.indexed {
        options = options.set_indexed();
    }
    if spec.stored {
        options = options.set_stored();
    }
    if spec.fast {
        options = options.set_fast();
    }
    options
}

/// The shipped schema, built and checked: what every command starts from.
#[derive(Debug, Clone)]
pub struct IndexSchema {
    /// The parsed schema file.
    pub file: SchemaFile,
    /// The tantivy schema built from it.
    pub schema: Schema,
    /// Resolved field handles.
    pub fields: Fields,
}

impl IndexSchema {
    /// Loads and checks the schema compiled into the binary.
    pub fn load() -> Result<IndexSchema> {
        IndexSchema::from_json(SCHEMA_JSON)
    }

    /// Loads and checks a schema from its JSON text.
    pub fn from_json(json: &str) -> Result<IndexSchema> {
        let file = SchemaFile::parse(json)?;
        let schema = file.to_tantivy()?;
        let fields = Fields::resolve(&schema)?;
        Ok(IndexSchema {
            file,
            schema,
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_schema_provides_every_field_the_code_uses() {
        let schema = IndexSchema::load().expect("shipped schema loads");
        for (name, _) in super::super::format::REQUIRED_FIELDS {
            assert!(schema.schema.get_field(name).is_ok(), "missing {name}");
        }
        assert_eq!(schema.file.version, 2);
    }

    #[test]
    fn a_schema_without_a_used_field_is_refused_naming_it() {
        let mut value: serde_json::Value = serde_json::from_str(SCHEMA_JSON).unwrap();
        let fields = value["fields"].as_array_mut().unwrap();
        fields.retain(|f| f["name"] != "body");
        let err = IndexSchema::from_json(&value.to_string()).unwrap_err();
        assert!(err.to_string().contains("`body`"), "{err}");
    }

    #[test]
    fn a_field_with_the_wrong_kind_is_refused() {
        let json = SCHEMA_JSON.replace(
            r#""name": "paragraph",    "type": "u64""#,
            r#""name": "paragraph",    "type": "string""#,
        );
        assert_ne!(json, SCHEMA_JSON, "the test must change the schema");
        let err = IndexSchema::from_json(&json).unwrap_err();
        assert!(err.to_string().contains("`paragraph`"), "{err}");
    }

    #[test]
    fn a_duplicated_field_is_refused() {
        let mut value: serde_json::Value = serde_json::from_str(SCHEMA_JSON).unwrap();
        let fields = value["fields"].as_array_mut().unwrap();
        let first = fields[0].clone();
        fields.push(first);
        let err = IndexSchema::from_json(&value.to_string()).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }

    #[test]
    fn text_fields_use_the_english_stemmer_with_positions() {
        let schema = IndexSchema::load().unwrap();
        let body = schema.schema.get_field_entry(schema.fields.body);
        let tantivy::schema::FieldType::Str(options) = body.field_type() else {
            panic!("body is text")
        };
        let indexing = options.get_indexing_options().unwrap();
        assert_eq!(indexing.tokenizer(), "en_stem");
        assert!(indexing.index_option().has_positions());
    }
}
