//! The condition language of detection rules: structured matchers, compiled once.
//!
//! ```yaml
//! condition:
//!   all:
//!     - macro: allowed                       # a named condition from lists.yaml
//!     - field: objectRef.resource
//!       equals: pods
//!     - field: objectRef.subresource
//!       in: [exec, attach]                   # or the name of a list: `in: exec_subresources`
//!     - not:
//!         field: user.username
//!         prefix: system_identities          # a list name, a string or a list of strings
//! ```
//!
//! A leaf names one [`Field`] and one operator: `equals`, `in`, `prefix`, `suffix`,
//! `contains` (substring, case-insensitive), `exists` (true/false), `lt`, `gte`. A field with
//! several values (`user.groups`, a `*` path) matches when any value does. `equals` and `in`
//! strings may interpolate other fields: `"system:serviceaccount:${objectRef.namespace}:${objectRef.name}"`.
//! There are no loops, no regular expressions and no code: every condition ends in time
//! linear in the event's size.

use std::collections::HashMap;

use crate::event::Event;
use crate::field::{Field, Objects, Val};
use crate::template::Template;
use crate::yaml::{Doc, Node};

#[derive(Debug)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Leaf { field: Field, op: Op },
}

#[derive(Debug)]
pub enum Op {
    /// A scalar to compare with (a string may interpolate fields).
    Equals(Scalar),
    In(Vec<Template>),
    Prefix(Vec<String>),
    Suffix(Vec<String>),
    /// Lower-case needles.
    Contains(Vec<String>),
    Exists(bool),
    Lt(f64),
    Gte(f64),
}

#[derive(Debug)]
pub enum Scalar {
    Str(Template),
    Int(i64),
    Bool(bool),
}

/// Named lists and named conditions shared by every rule.
#[derive(Default)]
pub struct Library<'d> {
    pub lists: HashMap<String, Vec<String>>,
    pub macros: HashMap<String, (&'d Doc, &'d Node)>,
}

impl Condition {
    pub fn compile(
        doc: &Doc,
        node: &Node,
        library: &Library<'_>,
        depth: usize,
    ) -> Result<Condition, String> {
        if depth > 32 {
            return Err(doc.error(
                node,
                "conditions nest too deeply (a macro that uses itself?)",
            ));
        }
        let entries = doc.map(node)?;
        let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
        let one = |key: &str| entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let list = |n: &Node| -> Result<Vec<Condition>, String> {
            doc.seq(n)?
                .iter()
                .map(|c| Condition::compile(doc, c, library, depth + 1))
                .collect()
        };
        match keys.as_slice() {
            ["all"] => Ok(Condition::All(list(one("all").unwrap_or(node))?)),
            ["any"] => Ok(Condition::Any(list(one("any").unwrap_or(node))?)),
            ["not"] => Ok(Condition::Not(Box::new(Condition::compile(
                doc,
                one("not").unwrap_or(node),
                library,
                depth + 1,
            )?))),
            ["macro"] => {
                let value = one("macro").unwrap_or(node);
                let name = doc.str(value)?;
                let (macro_doc, macro_node) = library
                    .macros
                    .get(name)
                    .ok_or_else(|| doc.error(value, &format!("unknown macro {name:?}")))?;
                Condition::compile(macro_doc, macro_node, library, depth + 1)
            }
            _ => {
                let field_node = one("field").ok_or_else(|| {
                    doc.error(
                        node,
                        "a condition is all, any, not, macro, or field with one operator",
                    )
                })?;
                let field =
                    Field::parse(doc.str(field_node)?).map_err(|e| doc.error(field_node, &e))?;
                let ops: Vec<&(&str, &Node)> =
                    entries.iter().filter(|(k, _)| *k != "field").collect();
                let [(op_name, op_node)] = ops.as_slice() else {
                    return Err(doc.error(node, "a field condition has exactly one operator"));
                };
                let op = compile_op(doc, op_name, op_node, library)?;
                Ok(Condition::Leaf { field, op })
            }
        }
    }

    /// Whether any condition in this tree reads a request or response body.
    pub fn reads_objects(&self) -> bool {
        match self {
            Condition::All(c) | Condition::Any(c) => c.iter().any(Condition::reads_objects),
            Condition::Not(c) => c.reads_objects(),
            Condition::Leaf { field, .. } => field.reads_objects(),
        }
    }

    pub fn matches(&self, event: &Event<'_>, objects: &Objects) -> bool {
        match self {
            Condition::All(c) => c.iter().all(|c| c.matches(event, objects)),
            Condition::Any(c) => c.iter().any(|c| c.matches(event, objects)),
            Condition::Not(c) => !c.matches(event, objects),
            Condition::Leaf { field, op } => {
                if let Op::Exists(want) = op {
                    return field.any(event, objects, &mut |_| true) == *want;
                }
                field.any(event, objects, &mut |v| op.test(v, event, objects))
            }
        }
    }
}

impl Op {
    fn test(&self, value: Val<'_>, event: &Event<'_>, objects: &Objects) -> bool {
        match (self, value) {
            (Op::Equals(Scalar::Str(t)), Val::Str(s)) => t.equals(s, event, objects),
            (Op::Equals(Scalar::Int(i)), Val::Int(v)) => *i == v,
            (Op::Equals(Scalar::Bool(b)), Val::Bool(v)) => *b == v,
            (Op::In(list), Val::Str(s)) => list.iter().any(|t| t.equals(s, event, objects)),
            (Op::In(list), Val::Int(v)) => list.iter().any(|t| t.literal() == Some(&v.to_string())),
            (Op::Prefix(list), Val::Str(s)) => list.iter().any(|p| s.starts_with(p.as_str())),
            (Op::Suffix(list), Val::Str(s)) => list.iter().any(|p| s.ends_with(p.as_str())),
            (Op::Contains(list), Val::Str(s)) => {
                let lower = s.to_ascii_lowercase();
                list.iter().any(|n| lower.contains(n.as_str()))
            }
            (Op::Lt(n), Val::Int(v)) => (v as f64) < *n,
            (Op::Lt(n), Val::Float(v)) => v < *n,
            (Op::Gte(n), Val::Int(v)) => (v as f64) >= *n,
            (Op::Gte(n), Val::Float(v)) => v >= *n,
            _ => false,
        }
    }
}

fn compile_op(doc: &Doc, name: &str, node: &Node, library: &Library<'_>) -> Result<Op, String> {
    // A string names a list when the library has one by that name.
    let strings = |node: &Node| -> Result<Vec<String>, String> {
        if let Some(s) = node.as_str() {
            if let Some(list) = library.lists.get(s) {
                return Ok(list.clone());
            }
            return Ok(vec![s.to_string()]);
        }
        doc.seq(node)?.iter().map(|n| doc.scalar_text(n)).collect()
    };
    let number = |node: &Node| -> Result<f64, String> {
        node.as_f64()
            .ok_or_else(|| doc.error(node, &format!("{name} takes a number")))
    };
    let template = |s: &str| Template::parse(s).map_err(|e| doc.error(node, &e));
    Ok(match name {
        "equals" => Op::Equals(match node.as_scalar() {
            Some(ScalarRef::Str(s)) => Scalar::Str(template(s)?),
            Some(ScalarRef::Int(i)) => Scalar::Int(i),
            Some(ScalarRef::Bool(b)) => Scalar::Bool(b),
            None => return Err(doc.error(node, "equals takes a string, a number or a boolean")),
        }),
        "in" => Op::In(strings(node)?.iter().map(|s| template(s)).collect::<Result<_, _>>()?),
        "prefix" => Op::Prefix(strings(node)?),
        "suffix" => Op::Suffix(strings(node)?),
        "contains" => Op::Contains(strings(node)?.iter().map(|s| s.to_ascii_lowercase()).collect()),
        "exists" => Op::Exists(
            node.as_bool()
                .ok_or_else(|| doc.error(node, "exists takes true or false"))?,
        ),
        "lt" => Op::Lt(number(node)?),
        "gte" => Op::Gte(number(node)?),
        other => {
            return Err(doc.error(
                node,
                &format!("unknown operator {other:?}; the operators are equals, in, prefix, suffix, contains, exists, lt, gte"),
            ))
        }
    })
}

use crate::yaml::{NodeExt, ScalarRef};
