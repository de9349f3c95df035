//! Objects as CEL values: the model's value tree turned into `cel::Value`, once per object.

use std::collections::HashMap;
use std::sync::Arc;

use bulkhead_model::{Node, Value};
use kube_cel::cel;

/// The CEL value of a document node (spans dropped; keys are strings, as in JSON).
pub fn to_cel(node: &Node) -> cel::Value {
    match &node.value {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Int(i) => cel::Value::Int(*i),
        Value::Float(f) => cel::Value::Float(*f),
        Value::Str(s) => cel::Value::String(Arc::new(s.to_string())),
        Value::Seq(items) => cel::Value::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Map(entries) => {
            // Kubernetes keeps the last of duplicate keys; so does the insertion order here.
            let map: HashMap<cel::objects::Key, cel::Value> = entries
                .iter()
                .map(|e| (cel::objects::Key::from(e.key.to_string()), to_cel(&e.value)))
                .collect();
            cel::Value::Map(cel::objects::Map { map: Arc::new(map) })
        }
    }
}

/// A CEL map from string keys, for the variables Bulkhead builds itself (`request`).
pub fn map_of(entries: Vec<(&str, cel::Value)>) -> cel::Value {
    let map: HashMap<cel::objects::Key, cel::Value> = entries
        .into_iter()
        .map(|(k, v)| (cel::objects::Key::from(k), v))
        .collect();
    cel::Value::Map(cel::objects::Map { map: Arc::new(map) })
}

/// A CEL string.
pub fn string(text: &str) -> cel::Value {
    cel::Value::String(Arc::new(text.to_string()))
}

/// How a value reads in a message: strings bare, everything else as CEL would print it.
pub fn display(value: &cel::Value) -> String {
    match value {
        cel::Value::String(s) => s.to_string(),
        cel::Value::Int(i) => i.to_string(),
        cel::Value::UInt(u) => u.to_string(),
        cel::Value::Float(f) => f.to_string(),
        cel::Value::Bool(b) => b.to_string(),
        cel::Value::Null => "null".to_string(),
        other => format!("{other:?}"),
    }
}
