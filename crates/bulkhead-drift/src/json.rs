//! Values as JSON, for reports and for comparing a live value with a default.

use bulkhead_model::{Node, Value};
use serde_json::{Map, Value as Json};

/// A node's value as JSON (spans dropped).
pub fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.to_string()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            let mut map = Map::new();
            for e in entries {
                map.insert(e.key.to_string(), to_json(&e.value));
            }
            Json::Object(map)
        }
    }
}

/// A short one-line rendering of a value for messages: scalars as written, the rest as
/// compact JSON.
pub fn short(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}
