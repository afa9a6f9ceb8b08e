//! Extending a rubric: a rubric with `extends = "ID"` adds phrases, examples,
//! lexicons, behaviours and criteria to another, overrides what it names, and
//! switches criteria off, without copying the rubric it builds on.
//!
//! The two sources are merged as TOML tables and the result compiled as any
//! rubric; the compiled rubric keeps the extension's own sha256 and names its
//! base's id, version and sha256.

use super::rubric::{
    line_and_column, BaseRubric, CompileLimits, Rubric, RubricError, RubricErrorKind,
};
use sha2::{Digest, Sha256};
use toml::{Table, Value};

/// Keys of a criterion that decide how it is judged.
const JUDGING: [&str; 3] = ["rule", "applies_when", "red_flags"];

/// Keys whose lists an extension adds to rather than replaces.
const ADDED_TO: [&str; 3] = ["phrases", "must_match", "must_not_match"];

fn error(message: impl Into<String>) -> RubricError {
    RubricError::new(RubricErrorKind::Invalid, message)
}

fn parse(source: &str) -> Result<Table, RubricError> {
    source.parse::<Table>().map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((0, 0), |span| line_and_column(source, span.start));
        RubricError::at(RubricErrorKind::Syntax, line, column, e.message().trim())
    })
}

fn append_new(list: &mut Vec<Value>, items: &[Value]) {
    for item in items {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}

/// Appends the `ADDED_TO` lists and replaces everything else.
fn merge_entry(base: &mut Table, extension: &Table) {
    for (key, value) in extension {
        match (base.get_mut(key), value) {
            (Some(Value::Array(old)), Value::Array(new)) if ADDED_TO.contains(&key.as_str()) => {
                append_new(old, new)
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

fn deep_merge(base: &mut Table, extension: &Table) {
    for (key, value) in extension {
        match (base.get_mut(key), value) {
            (Some(Value::Table(old)), Value::Table(new)) => deep_merge(old, new),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

fn tables<'v>(value: &'v Value, what: &str) -> Result<Vec<&'v Table>, RubricError> {
    value
        .as_array()
        .ok_or_else(|| error(format!("`{what}` must be a list of tables ([[{what}]])")))?
        .iter()
        .map(|v| {
            v.as_table()
                .ok_or_else(|| error(format!("every `{what}` entry must be a table")))
        })
        .collect()
}

fn id_of<'t>(table: &'t Table, what: &str) -> Result<&'t str, RubricError> {
    table.get("id").and_then(Value::as_str).ok_or_else(|| {
        error(format!(
            "every `{what}` entry of an extension needs an `id`"
        ))
    })
}

/// Merges the `[[behaviours]]` or `[[criteria]]` of an extension into the base's,
/// by id; a criterion with `enabled = false` is switched off.
fn merge_by_id(base: &mut Table, extension: &Value, what: &str) -> Result<(), RubricError> {
    let mut merged: Vec<Table> = match base.get(what) {
        Some(value) => tables(value, what)?.into_iter().cloned().collect(),
        None => Vec::new(),
    };
    for entry in tables(extension, what)? {
        let id = id_of(entry, what)?;
        let at = merged
            .iter()
            .position(|t| t.get("id").and_then(Value::as_str) == Some(id));
        let enabled = match entry.get("enabled") {
            None => true,
            Some(Value::Boolean(flag)) => *flag,
            Some(_) => {
                return Err(error(format!(
                    "`{what}` `{id}`: `enabled` must be true or false"
                )))
            }
        };
        let mut entry = entry.clone();
        entry.remove("enabled");
        match (at, enabled) {
            (Some(at), true) => {
                // The base's examples describe the base's rule: a criterion judged
                // by a new rule is held only to the extension's examples.
                if JUDGING.iter().any(|key| entry.contains_key(*key)) {
                    for key in ["must_match", "must_not_match"] {
                        merged[at].remove(key);
                    }
                }
                merge_entry(&mut merged[at], &entry)
            }
            (Some(at), false) => {
                merged.remove(at);
            }
            (None, true) => merged.push(entry),
            (None, false) => {
                return Err(error(format!(
                    "`{what}` `{id}` is switched off, but the base rubric has none with that id"
                )))
            }
        }
    }
    base.insert(
        what.to_owned(),
        Value::Array(merged.into_iter().map(Value::Table).collect()),
    );
    Ok(())
}

/// The base source with the extension applied, as TOML text.
pub fn merge(base_source: &str, extension_source: &str) -> Result<String, RubricError> {
    let mut merged = parse(base_source)?;
    let extension = parse(extension_source)?;
    for key in ["id", "title", "version"] {
        if !extension.contains_key(key) {
            return Err(error(format!(
                "an extending rubric needs its own `{key}`, so that results are not mistaken for the base's"
            )));
        }
    }
    for (key, value) in &extension {
        match key.as_str() {
            "extends" => {}
            "sources" => match (merged.get_mut("sources"), value) {
                (Some(Value::Array(old)), Value::Array(new)) => append_new(old, new),
                _ => {
                    merged.insert(key.clone(), value.clone());
                }
            },
            "scoring" => match (merged.get_mut("scoring"), value) {
                (Some(Value::Table(old)), Value::Table(new)) => deep_merge(old, new),
                _ => {
                    merged.insert(key.clone(), value.clone());
                }
            },
            "lexicons" => {
                let new = value
                    .as_table()
                    .ok_or_else(|| error("`lexicons` must be a table of [lexicons.NAME]"))?;
                let lexicons = merged
                    .entry("lexicons")
                    .or_insert_with(|| Value::Table(Table::new()));
                let lexicons = lexicons
                    .as_table_mut()
                    .ok_or_else(|| error("the base rubric's `lexicons` is not a table"))?;
                for (name, lexicon) in new {
                    let lexicon = lexicon
                        .as_table()
                        .ok_or_else(|| error(format!("lexicon `{name}` must be a table")))?;
                    match lexicons.get_mut(name) {
                        Some(Value::Table(old)) => merge_entry(old, lexicon),
                        _ => {
                            lexicons.insert(name.clone(), Value::Table(lexicon.clone()));
                        }
                    }
                }
            }
            "behaviours" | "criteria" => merge_by_id(&mut merged, value, key)?,
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    toml::to_string(&merged).map_err(|e| error(format!("cannot merge the rubrics: {e}")))
}

impl Rubric {
    /// Compiles `extension`, a rubric with `extends = "<base.id>"`, on top of `base`.
    pub fn compile_extension(
        extension: &str,
        base: &Rubric,
        limits: CompileLimits,
    ) -> Result<Rubric, RubricError> {
        if extension.len() > limits.max_source_bytes {
            return Rubric::compile_with(extension, limits);
        }
        let merged = merge(base.source(), extension)?;
        let mut rubric = Rubric::compile_with(&merged, limits).map_err(|e| {
            let message = format!(
                "{} (in the rubric as merged with `{}`, so no line is given)",
                e.message(),
                base.id
            );
            e.for_whole_source(message)
        })?;
        rubric.sha256 = format!("{:x}", Sha256::digest(extension.as_bytes()));
        rubric.extends = Some(BaseRubric {
            id: base.id.clone(),
            version: base.version.clone(),
            sha256: base.sha256.clone(),
        });
        Ok(rubric)
    }
}
