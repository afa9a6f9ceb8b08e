//! The rules of xAPI 1.0.3 statements (Data, section 2.4) that a learning record
//! store enforces when a statement is POSTed, as a checker for tests: it returns
//! every rule broken, with the path where.

use serde_json::{Map, Value};

const STATEMENT_KEYS: [&str; 11] = [
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
];
const IFIS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

/// Every rule the statement breaks; empty when it is valid.
pub fn xapi_violations(statement: &Value) -> Vec<String> {
    let mut broken = Vec::new();
    let Some(fields) = statement.as_object() else {
        return vec!["a statement is a JSON object".into()];
    };
    no_nulls(statement, "statement", &mut broken);
    for key in fields.keys() {
        if !STATEMENT_KEYS.contains(&key.as_str()) {
            broken.push(format!("statement.{key} is not a statement property"));
        }
    }
    match fields.get("id") {
        Some(id) if !is_uuid(id) => broken.push("statement.id is not a UUID".into()),
        _ => {}
    }
    if let Some(timestamp) = fields.get("timestamp") {
        if !timestamp.as_str().is_some_and(is_timestamp) {
            broken.push("statement.timestamp is not an ISO 8601 date-time with its offset".into());
        }
    }
    if let Some(version) = fields.get("version") {
        if !version.as_str().is_some_and(|v| v.starts_with("1.0.")) {
            broken.push("statement.version does not start with 1.0.".into());
        }
    }
    match fields.get("actor") {
        Some(actor) => agent(actor, "actor", &mut broken),
        None => broken.push("statement.actor is required".into()),
    }
    match fields.get("verb").and_then(Value::as_object) {
        Some(verb) => {
            if !verb.get("id").is_some_and(is_iri) {
                broken.push("verb.id must be an IRI".into());
            }
            if let Some(display) = verb.get("display") {
                language_map(display, "verb.display", &mut broken);
            }
        }
        None => broken.push("statement.verb is required and is an object".into()),
    }
    match fields.get("object") {
        Some(object) => activity(object, "object", &mut broken),
        None => broken.push("statement.object is required".into()),
    }
    if let Some(result) = fields.get("result") {
        check_result(result, &mut broken);
    }
    if let Some(context) = fields.get("context") {
        check_context(context, &mut broken);
    }
    broken
}

fn no_nulls(value: &Value, at: &str, broken: &mut Vec<String>) {
    match value {
        Value::Null => broken.push(format!("{at} is null, which xAPI forbids")),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                no_nulls(item, &format!("{at}[{i}]"), broken);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                no_nulls(item, &format!("{at}.{key}"), broken);
            }
        }
        _ => {}
    }
}

/// A date and time of day with an offset (`Z` or `±hh:mm`), as LRSs take a
/// timestamp; a bare date is ISO 8601 too but no statement timestamp.
fn is_timestamp(text: &str) -> bool {
    text.contains('T') && text.parse::<jiff::Timestamp>().is_ok()
}

fn is_uuid(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    let groups: Vec<&str> = text.split('-').collect();
    let lengths_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
    let hex_ok = groups
        .iter()
        .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    lengths_ok
        && hex_ok
        && ('1'..='5').contains(&groups[2].chars().next().unwrap_or('0'))
        && "89abAB".contains(groups[3].chars().next().unwrap_or('0'))
}

fn is_iri(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_irl(value: &Value) -> bool {
    is_iri(value)
        && value
            .as_str()
            .is_some_and(|v| v.starts_with("http://") || v.starts_with("https://"))
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    primary_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn language_map(value: &Value, at: &str, broken: &mut Vec<String>) {
    match value.as_object() {
        Some(map) => {
            for (tag, text) in map {
                if !is_language_tag(tag) {
                    broken.push(format!("{at}: `{tag}` is not an RFC 5646 language tag"));
                }
                if !text.is_string() {
                    broken.push(format!("{at}.{tag} is not a string"));
                }
            }
        }
        None => broken.push(format!("{at} is not a language map")),
    }
}

fn extensions(value: &Value, at: &str, broken: &mut Vec<String>) {
    match value.as_object() {
        Some(map) => {
            for key in map.keys() {
                if !is_iri(&Value::String(key.clone())) {
                    broken.push(format!("{at}: key `{key}` is not an IRI"));
                }
            }
        }
        None => broken.push(format!("{at} is not an object")),
    }
}

fn agent(value: &Value, at: &str, broken: &mut Vec<String>) {
    let Some(fields) = value.as_object() else {
        broken.push(format!("{at} is not an object"));
        return;
    };
    match fields.get("objectType").and_then(Value::as_str) {
        None | Some("Agent") => {}
        Some(other) => broken.push(format!("{at}.objectType `{other}` is not Agent")),
    }
    let ifis = IFIS.iter().filter(|k| fields.contains_key(**k)).count();
    if ifis != 1 {
        broken.push(format!(
            "{at} has {ifis} inverse functional identifiers; an Agent has exactly one"
        ));
    }
    if let Some(account) = fields.get("account") {
        let home_ok = account.get("homePage").is_some_and(is_irl);
        let name_ok = account
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty());
        if !home_ok || !name_ok {
            broken.push(format!("{at}.account needs an IRL homePage and a name"));
        }
    }
    if let Some(name) = fields.get("name") {
        if !name.is_string() {
            broken.push(format!("{at}.name is not a string"));
        }
    }
}

fn activity(value: &Value, at: &str, broken: &mut Vec<String>) {
    let Some(fields) = value.as_object() else {
        broken.push(format!("{at} is not an object"));
        return;
    };
    match fields.get("objectType").and_then(Value::as_str) {
        None | Some("Activity") => {}
        Some(other) => broken.push(format!("{at}.objectType `{other}` is not Activity")),
    }
    if !fields.get("id").is_some_and(is_iri) {
        broken.push(format!("{at}.id must be an IRI"));
    }
    if let Some(definition) = fields.get("definition").and_then(Value::as_object) {
        for key in ["name", "description"] {
            if let Some(map) = definition.get(key) {
                language_map(map, &format!("{at}.definition.{key}"), broken);
            }
        }
        if let Some(kind) = definition.get("type") {
            if !is_iri(kind) {
                broken.push(format!("{at}.definition.type must be an IRI"));
            }
        }
        if let Some(map) = definition.get("extensions") {
            extensions(map, &format!("{at}.definition.extensions"), broken);
        }
    }
}

fn number(map: &Map<String, Value>, key: &str) -> Option<f64> {
    map.get(key).and_then(Value::as_f64)
}

fn check_result(value: &Value, broken: &mut Vec<String>) {
    let Some(result) = value.as_object() else {
        broken.push("result is not an object".into());
        return;
    };
    if let Some(score) = result.get("score").and_then(Value::as_object) {
        if let Some(scaled) = number(score, "scaled") {
            if !(-1.0..=1.0).contains(&scaled) {
                broken.push(format!("result.score.scaled {scaled} is outside -1..1"));
            }
        }
        let (min, max, raw) = (
            number(score, "min"),
            number(score, "max"),
            number(score, "raw"),
        );
        if let (Some(min), Some(max)) = (min, max) {
            if min >= max {
                broken.push("result.score.min must be below max".into());
            }
        }
        if let Some(raw) = raw {
            if min.is_some_and(|m| raw < m) || max.is_some_and(|m| raw > m) {
                broken.push("result.score.raw is outside min..max".into());
            }
        }
    }
    for flag in ["success", "completion"] {
        if result.get(flag).is_some_and(|v| !v.is_boolean()) {
            broken.push(format!("result.{flag} is not a boolean"));
        }
    }
    if let Some(map) = result.get("extensions") {
        extensions(map, "result.extensions", broken);
    }
}

fn check_context(value: &Value, broken: &mut Vec<String>) {
    let Some(context) = value.as_object() else {
        broken.push("context is not an object".into());
        return;
    };
    if let Some(registration) = context.get("registration") {
        if !is_uuid(registration) {
            broken.push("context.registration is not a UUID".into());
        }
    }
    if let Some(language) = context.get("language") {
        if !language.as_str().is_some_and(is_language_tag) {
            broken.push("context.language is not an RFC 5646 tag".into());
        }
    }
    if let Some(activities) = context.get("contextActivities").and_then(Value::as_object) {
        for (key, list) in activities {
            if !["parent", "grouping", "category", "other"].contains(&key.as_str()) {
                broken.push(format!(
                    "context.contextActivities.{key} is not a context type"
                ));
            }
            let items: Vec<&Value> = match list {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for (i, item) in items.into_iter().enumerate() {
                activity(
                    item,
                    &format!("context.contextActivities.{key}[{i}]"),
                    broken,
                );
            }
        }
    }
    if let Some(map) = context.get("extensions") {
        extensions(map, "context.extensions", broken);
    }
}
