//! Strings with `${field}` placeholders: the messages of alerts, and comparisons of one field
//! with another (`system:serviceaccount:${objectRef.namespace}:${objectRef.name}`). A
//! placeholder may name alternatives, `${objectRef.name|requestObject.metadata.name}`: the
//! first that has a value is used.

use crate::event::Event;
use crate::field::{Field, Objects, Val};

#[derive(Debug)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    Text(String),
    /// The first of these fields that has a value (`${objectRef.name|requestObject.metadata.name}`).
    Field(Vec<Field>),
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("unclosed ${{ in {text:?}"))?;
            parts.push(Part::Field(
                after[..end]
                    .split('|')
                    .map(|f| Field::parse(f.trim()))
                    .collect::<Result<_, _>>()?,
            ));
            rest = &after[end + 1..];
        }
        if !rest.is_empty() || parts.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// The text when there is no placeholder.
    pub fn literal(&self) -> Option<&String> {
        match self.parts.as_slice() {
            [Part::Text(t)] => Some(t),
            _ => None,
        }
    }

    pub fn equals(&self, value: &str, event: &Event<'_>, objects: &Objects) -> bool {
        match self.literal() {
            Some(t) => t == value,
            None => self.render(event, objects) == value,
        }
    }

    /// The text with each placeholder replaced by the field's first value (`-` when absent).
    pub fn render(&self, event: &Event<'_>, objects: &Objects) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(fields) => {
                    let mut first = None;
                    fields.iter().any(|field| {
                        field.any(event, objects, &mut |v| {
                            first = Some(match v {
                                Val::Str(s) => s.to_string(),
                                Val::Int(i) => i.to_string(),
                                Val::Float(f) => f.to_string(),
                                Val::Bool(b) => b.to_string(),
                                Val::Composite => "{..}".to_string(),
                            });
                            true
                        })
                    });
                    out.push_str(first.as_deref().unwrap_or("-"));
                }
            }
        }
        out
    }
}
