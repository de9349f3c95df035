//! Built-in kinds checked against the Kubernetes OpenAPI schema of the target version.
//!
//! The API server refuses an object whose field has the wrong type (`runAsUser: username`,
//! a `securityContext` that is a string, `spec:` a list), that lacks a required field, or
//! (under strict field validation, kubectl's default) that has a field it does not know. Such
//! an object never runs, so the findings about it describe nothing real; worse, a check that
//! reads a field of the wrong type sees it as absent. Each violation is reported at its
//! value, and the object is still analysed.
//!
//! Wrong types and missing required fields are errors (the API server refuses them in every
//! mode); unknown fields are warnings (refused under strict validation, silently dropped
//! under the other modes, so the object may still exist). A string field holding a YAML 1.1
//! boolean or number is reported as [`crate::typing`] reports it, and kept as written.
//!
//! The data (`schema/kubernetes.json`, with `schema/generate.py`) covers the versions listed
//! in `docs/coverage.md`; another target uses the nearest one.

mod catalog;

use std::fmt::Write as _;

use crate::load::{ErrorSeverity, LoadError};
use crate::node::{Node, Value};
use crate::object::Object;
use crate::source::SourceFile;
use crate::span::Span;
use crate::typing::quote_scalar;

pub use catalog::{schema, versions, Definition, Schema, Type};

/// Validates every object of a built-in kind against the schema of `target` (the newest
/// shipped version when `None`), and returns the violations.
pub fn validate(objects: &mut [Object], target: Option<(u32, u32)>) -> Vec<LoadError> {
    let Some(schema) = schema(target) else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for object in objects {
        let Some(definition) = schema.kind(&object.api_version, &object.kind) else {
            continue;
        };
        let mut walk = Walk {
            schema,
            file: &object.origin.file,
            errors: &mut errors,
        };
        let at = object.root.span;
        let mut path = Path::default();
        if !object.root.is_null() {
            walk.object(&mut object.root, definition, &mut path, at);
        }
    }
    errors
}

/// The field path of a value, for messages: `spec.template.spec.containers[0].name`.
#[derive(Default)]
struct Path(String);

impl Path {
    fn field(&mut self, key: &str) -> usize {
        let len = self.0.len();
        if !self.0.is_empty() {
            self.0.push('.');
        }
        self.0.push_str(key);
        len
    }

    fn index(&mut self, i: usize) -> usize {
        let len = self.0.len();
        // Written in place: a `format!` here allocated a string per list item validated.
        let _ = write!(self.0, "[{i}]");
        len
    }

    fn show(&self) -> &str {
        if self.0.is_empty() {
            "the object"
        } else {
            &self.0
        }
    }
}

struct Walk<'a> {
    schema: &'a Schema,
    file: &'a SourceFile,
    errors: &'a mut Vec<LoadError>,
}

impl Walk<'_> {
    fn report(&mut self, span: Span, severity: ErrorSeverity, message: String) {
        let (line, column) = self.file.line_col(span.start);
        self.errors.push(LoadError {
            path: self.file.path.clone(),
            line: Some(line),
            column: Some(column),
            message,
            severity,
        });
    }

    fn wrong(&mut self, node: &Node, path: &Path, expected: &str) {
        let found = match &node.value {
            Value::Null => return,
            Value::Bool(b) => format!("the boolean {b}"),
            Value::Int(_) | Value::Float(_) => {
                format!("the number {}", node.scalar_text().unwrap_or_default())
            }
            Value::Str(s) => format!("the string {:?}", truncate(s)),
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a mapping".to_string(),
        };
        self.report(
            node.span,
            ErrorSeverity::Error,
            format!(
                "{}: must be {expected}, not {found}; the API server rejects the object",
                path.show()
            ),
        );
    }

    /// Checks `node` against `ty`; `at` is where a missing child is reported (the key).
    fn value(&mut self, node: &mut Node, ty: &Type, path: &mut Path, at: Span) {
        if node.is_null() {
            return;
        }
        match ty {
            Type::Any => {}
            Type::String | Type::Base64 => match &node.value {
                Value::Str(text) => {
                    if *ty == Type::Base64 && !is_base64(text) {
                        let hint = if path.0.starts_with("data.") {
                            " (plain text belongs under stringData)"
                        } else {
                            ""
                        };
                        self.report(
                            node.span,
                            ErrorSeverity::Error,
                            format!(
                                "{}: not valid base64; the API server rejects the object{hint}",
                                path.show()
                            ),
                        );
                    }
                }
                Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                    let file = self.file;
                    if let Some(m) = quote_scalar(node, file, &|| path.show().to_string()) {
                        self.report(m.span, ErrorSeverity::Error, m.message);
                    }
                }
                _ => self.wrong(node, path, "a string"),
            },
            Type::Integer => {
                if !is_integer(&node.value) {
                    self.wrong(node, path, "an integer");
                }
            }
            Type::Number => {
                if !matches!(node.value, Value::Int(_) | Value::Float(_)) {
                    self.wrong(node, path, "a number");
                }
            }
            Type::Boolean => {
                if !matches!(node.value, Value::Bool(_)) {
                    self.wrong(node, path, "a boolean (true or false)");
                }
            }
            Type::IntOrString => {
                if !is_integer(&node.value) && !matches!(node.value, Value::Str(_)) {
                    self.wrong(node, path, "an integer or a string");
                }
            }
            Type::Quantity => {
                if !matches!(node.value, Value::Str(_) | Value::Int(_) | Value::Float(_)) {
                    self.wrong(node, path, "a quantity (a string or a number)");
                }
            }
            Type::Array(item) => {
                let Value::Seq(items) = &mut node.value else {
                    return self.wrong(node, path, "a list");
                };
                for (i, child) in items.iter_mut().enumerate() {
                    let len = path.index(i);
                    let span = child.span;
                    self.value(child, item, path, span);
                    path.0.truncate(len);
                }
            }
            Type::Map(value) => {
                let Value::Map(entries) = &mut node.value else {
                    return self.wrong(node, path, "a mapping");
                };
                for entry in entries {
                    let len = path.field(&entry.key);
                    self.value(&mut entry.value, value, path, entry.key_span);
                    path.0.truncate(len);
                }
            }
            Type::Object(name) => {
                // A definition this version lacks takes anything, as `Type::Any`.
                if let Some(definition) = self.schema.definition(*name) {
                    self.object(node, definition, path, at);
                }
            }
        }
    }

    /// Checks the mapping `node` against `definition`: each field's type, unknown fields
    /// (when the definition is strict) and missing required fields (reported at `at`).
    fn object(&mut self, node: &mut Node, definition: &Definition, path: &mut Path, at: Span) {
        let Value::Map(entries) = &mut node.value else {
            return self.wrong(node, path, "a mapping");
        };
        for entry in entries.iter_mut() {
            match definition.property(&entry.key) {
                Some(ty) => {
                    let len = path.field(&entry.key);
                    self.value(&mut entry.value, ty, path, entry.key_span);
                    path.0.truncate(len);
                }
                None if definition.strict => {
                    let message = format!(
                        "{}: unknown field {:?}; the API server rejects it under strict field validation (kubectl's default) and drops it otherwise",
                        path.show(),
                        &*entry.key
                    );
                    self.report(entry.key_span, ErrorSeverity::Warning, message);
                }
                None => {}
            }
        }
        for required in definition.required {
            let present = entries
                .iter()
                .rev()
                .find(|e| &*e.key == *required)
                .is_some_and(|e| !e.value.is_null());
            if !present {
                let message = format!(
                    "{}: the required field {:?} is missing; the API server rejects the object",
                    path.show(),
                    required
                );
                self.report(at, ErrorSeverity::Error, message);
            }
        }
    }
}

/// An integer as the API server reads it (a float without a fraction is one, as in JSON).
fn is_integer(value: &Value) -> bool {
    match value {
        Value::Int(_) => true,
        Value::Float(f) => f.fract() == 0.0 && f.is_finite(),
        _ => false,
    }
}

/// Standard base64 with padding, line breaks ignored (as Go's decoder does).
fn is_base64(text: &str) -> bool {
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    if bytes.len() % 4 != 0 {
        return false;
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    padding <= 2
        && bytes[..bytes.len() - padding]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
