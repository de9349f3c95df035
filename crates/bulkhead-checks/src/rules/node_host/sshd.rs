//! The SSH server's effective settings from its `SshdConfig` facts: sshd keeps the first value
//! it reads for a keyword, so the setting in effect is the directive with the lowest
//! `sequence` across the main file and its `Include`s.

use bulkhead_model::{Node, Object};

use crate::rules::node_host::facts::facts;
use crate::Context;

/// What decides a keyword.
pub enum Effective<'a> {
    /// A directive: its object (file), the pointer of its value, and the value.
    Written {
        object: &'a Object,
        pointer: String,
        value: String,
    },
    /// No file sets it: reported at the main file's directives.
    Default { object: &'a Object, pointer: String },
}

/// The effective value of `keyword` (case-insensitive), or `None` when no SSH server
/// configuration was read.
pub fn effective<'a>(cx: &Context<'a>, keyword: &str) -> Option<Effective<'a>> {
    let files = facts(cx, "SshdConfig");
    let main = files
        .iter()
        .copied()
        .find(|o| o.root.path(&["spec", "main"]).and_then(Node::as_bool) == Some(true))?;
    let mut best: Option<(i64, &Object, usize, String)> = None;
    for object in &files {
        let directives = object
            .root
            .path(&["spec", "directives"])
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (i, d) in directives.iter().enumerate() {
            let matches = d
                .get("keyword")
                .and_then(Node::as_str)
                .is_some_and(|k| k.eq_ignore_ascii_case(keyword));
            if !matches {
                continue;
            }
            let sequence = d.get("sequence").and_then(Node::as_i64).unwrap_or(i64::MAX);
            let value = d
                .get("value")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            if best.as_ref().is_none_or(|(s, ..)| sequence < *s) {
                best = Some((sequence, object, i, value));
            }
        }
    }
    Some(match best {
        Some((_, object, i, value)) => Effective::Written {
            object,
            pointer: format!("/spec/directives/{i}/value"),
            value,
        },
        None => Effective::Default {
            object: main,
            pointer: "/spec/directives".to_string(),
        },
    })
}

/// Reports `keyword` when its effective value (or sshd's `default`, when no file sets it) is
/// not `no`: `problem` says what that allows.
pub fn report_unless_no(
    cx: &Context<'_>,
    sink: &mut crate::Sink<'_>,
    keyword: &str,
    default: &str,
    problem: &str,
) {
    match effective(cx, keyword) {
        Some(Effective::Written {
            object,
            pointer,
            value,
        }) if !value.eq_ignore_ascii_case("no") => sink.report(
            object,
            &pointer,
            format!("{problem} ({keyword} {value} in {})", object.name),
        ),
        Some(Effective::Default { object, pointer }) if !default.eq_ignore_ascii_case("no") => sink
            .report(
                object,
                &pointer,
                format!("{problem} (no file sets {keyword}: sshd's default is {default})"),
            ),
        _ => {}
    }
}
