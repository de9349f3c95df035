//! Fields Kubernetes reads as strings, written so that YAML 1.1 reads something else.
//!
//! `namespace: y`, `name: no`, a label `enabled: on`, `version: 1.10`, `args: [--port, 8080]`:
//! kubectl (go-yaml, YAML 1.1) reads a boolean or a number there and refuses the object
//! ("cannot unmarshal bool into Go struct field ObjectMeta.metadata.namespace of type
//! string"); Kustomize keeps the text. The loader reports each one at the value, and keeps the
//! text as written so that the object is analysed where its author meant it to be (the
//! `default` namespace is not where `namespace: y` meant to go).

use crate::node::{Node, Value};
use crate::podspec::ContainerKind;
use crate::source::SourceFile;
use crate::span::Span;
use crate::yaml::scalar::resolve_plain;

/// A string field that held a boolean or a number.
#[derive(Clone, Debug, PartialEq)]
pub struct Mistyped {
    /// The value's span.
    pub span: Span,
    pub message: String,
}

/// Rewrites the known string fields of `root` that YAML 1.1 typed as a boolean or a number
/// into the text as written, and says where. `kind` selects the fields beyond `metadata`.
pub fn quote_string_fields(root: &mut Node, kind: &str, file: &SourceFile) -> Vec<Mistyped> {
    let mut found = Vec::new();
    let mut quote = |node: &mut Node, field: &dyn Fn() -> String| {
        if let Some(m) = quote_scalar(node, file, field) {
            found.push(m);
        }
    };
    if let Some(metadata) = get_mut(root, "metadata") {
        metadata_fields(metadata, &"metadata", &mut quote);
    }
    match kind {
        "ConfigMap" | "Secret" => {
            for map in ["data", "stringData"] {
                if let Some(data) = get_mut(root, map) {
                    for_each_value(data, &map, &mut quote);
                }
            }
        }
        _ => {
            let (template, spec): (&[&str], &str) = match kind {
                "Pod" => (&[], "spec"),
                "PodTemplate" => (&["template"], "template.spec"),
                "CronJob" => (
                    &["spec", "jobTemplate", "spec", "template"],
                    "spec.jobTemplate.spec.template.spec",
                ),
                "Deployment"
                | "ReplicaSet"
                | "ReplicationController"
                | "StatefulSet"
                | "DaemonSet"
                | "Job" => (&["spec", "template"], "spec.template.spec"),
                _ => return found,
            };
            let Some(template) = path_mut(root, template) else {
                return found;
            };
            if !template.is_map() {
                return found;
            }
            if kind != "Pod" {
                if let Some(metadata) = get_mut(template, "metadata") {
                    let prefix = spec.trim_end_matches(".spec");
                    metadata_fields(metadata, &Prefixed(&prefix, "metadata"), &mut quote);
                }
            }
            if let Some(pod) = get_mut(template, "spec") {
                pod_fields(pod, spec, &mut quote);
            }
        }
    }
    found
}

type Quote<'q> = dyn FnMut(&mut Node, &dyn Fn() -> String) + 'q;

/// `prefix.field`, written only when a message needs it (nearly every object has none).
struct Prefixed<'a>(&'a dyn std::fmt::Display, &'a str);

impl std::fmt::Display for Prefixed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

fn metadata_fields(metadata: &mut Node, at: &dyn std::fmt::Display, quote: &mut Quote<'_>) {
    for field in ["name", "namespace", "generateName"] {
        if let Some(node) = get_mut(metadata, field) {
            quote(node, &|| format!("{at}.{field}"));
        }
    }
    for map in ["labels", "annotations"] {
        if let Some(values) = get_mut(metadata, map) {
            for_each_value(values, &Prefixed(at, map), quote);
        }
    }
}

fn pod_fields(pod: &mut Node, at: &str, quote: &mut Quote<'_>) {
    for field in [
        "serviceAccountName",
        "serviceAccount",
        "nodeName",
        "hostname",
    ] {
        if let Some(node) = get_mut(pod, field) {
            quote(node, &|| format!("{at}.{field}"));
        }
    }
    for kind in ContainerKind::ALL {
        let list = kind.field();
        let Some(Value::Seq(containers)) = get_mut(pod, list).map(|n| &mut n.value) else {
            continue;
        };
        for (i, container) in containers.iter_mut().enumerate() {
            let here = Indexed(at, list, i);
            for field in ["name", "image", "workingDir"] {
                if let Some(node) = get_mut(container, field) {
                    quote(node, &|| format!("{here}.{field}"));
                }
            }
            for field in ["command", "args"] {
                if let Some(Value::Seq(items)) = get_mut(container, field).map(|n| &mut n.value) {
                    for (j, item) in items.iter_mut().enumerate() {
                        quote(item, &|| format!("{here}.{field}[{j}]"));
                    }
                }
            }
            if let Some(Value::Seq(env)) = get_mut(container, "env").map(|n| &mut n.value) {
                for (j, var) in env.iter_mut().enumerate() {
                    for field in ["name", "value"] {
                        if let Some(node) = get_mut(var, field) {
                            quote(node, &|| format!("{here}.env[{j}].{field}"));
                        }
                    }
                }
            }
        }
    }
}

/// `at.list[i]`, written only when a message needs it.
struct Indexed<'a>(&'a str, &'a str, usize);

impl std::fmt::Display for Indexed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}[{}]", self.0, self.1, self.2)
    }
}

fn for_each_value(map: &mut Node, at: &dyn std::fmt::Display, quote: &mut Quote<'_>) {
    if let Value::Map(entries) = &mut map.value {
        for entry in entries {
            let key = &entry.key;
            quote(&mut entry.value, &|| format!("{at}.{key}"));
        }
    }
}

/// Turns a boolean or number `node` into its text, reporting it; leaves anything else alone.
pub fn quote_scalar(
    node: &mut Node,
    file: &SourceFile,
    field: &dyn Fn() -> String,
) -> Option<Mistyped> {
    let what = match node.value {
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        _ => return None,
    };
    // The text as written, when the span holds it (an alias's span holds `*name`).
    let written = file
        .text
        .get(node.span.start as usize..node.span.end as usize)
        .filter(|raw| resolve_plain(raw) == node.value)
        .map(str::to_string);
    let text = written.or_else(|| node.scalar_text())?;
    let message = format!(
        "{}: kubectl reads unquoted {text} as {what}; quote it (\"{text}\"). Analysed as the string.",
        field()
    );
    node.value = Value::Str(text.into());
    Some(Mistyped {
        span: node.span,
        message,
    })
}

fn get_mut<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    match &mut node.value {
        // The last of duplicate keys, as [`Node::get`] reads.
        Value::Map(entries) => entries
            .iter_mut()
            .rev()
            .find(|e| &*e.key == key)
            .map(|e| &mut e.value),
        _ => None,
    }
}

fn path_mut<'n>(node: &'n mut Node, keys: &[&str]) -> Option<&'n mut Node> {
    keys.iter().try_fold(node, |node, key| get_mut(node, key))
}
