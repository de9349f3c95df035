//! Values as JSON, for reports and for comparing a live value with a default.

use bulkhead_model::Node;
use serde_json::Value as Json;

/// A node's value as JSON (spans dropped).
pub fn to_json(node: &Node) -> Json {
    node.to_json()
}

/// A short one-line rendering of a value for messages: scalars as written, the rest as
/// compact JSON.
pub fn short(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}
