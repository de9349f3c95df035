//! Reading the host facts `bulkhead node` collects (`node.bulkhead.dev/v1` objects of the
//! kinds below), shared by every check of this family: a fact's `spec`, a sysctl judged
//! against what it should be, a container runtime setting looked up where each version of
//! its configuration writes it.

use bulkhead_model::{escape_token, Node, Object};
use bulkhead_node::NODE_API_VERSION;

use crate::{Context, Sink};

/// The `spec` of a host fact of `kind`, or `None` for every other object.
pub fn spec_of<'a>(object: &'a Object, kind: &str) -> Option<&'a Node> {
    (object.api_version == NODE_API_VERSION && object.kind == kind)
        .then(|| object.root.get("spec"))
        .flatten()
}

/// Every host fact of `kind` in the scan, found through the inventory's kind index so that a
/// check asking per object stays linear in a scan of many manifests.
pub fn facts<'a>(cx: &Context<'a>, kind: &str) -> Vec<&'a Object> {
    cx.inventory
        .of_kind(kind)
        .filter(|o| spec_of(o, kind).is_some())
        .collect()
}

/// A field of a map as text (strings, and numbers or booleans written as such).
pub fn text(node: &Node, key: &str) -> Option<String> {
    node.get(key).and_then(Node::scalar_text)
}

/// A field as a boolean, accepting `true`/`false` written as strings.
pub fn boolean(node: &Node) -> Option<bool> {
    node.as_bool().or_else(|| match node.as_str()? {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    })
}

/// `/a/b` + `c/d` → `/a/b/c~1d`.
pub fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_token(key))
}

/// Judges each of `names` in a `Kernel` fact: a value `accept` refuses is reported at its
/// place with `expected` and `why`; a value that is not a number, or a sysctl that could not
/// be read, is reported as not judged. Sysctls the kernel does not have are left to the
/// caller (`absent` gives their names).
pub fn judge_sysctls(
    object: &Object,
    sink: &mut Sink<'_>,
    names: &[&str],
    accept: fn(i64) -> bool,
    expected: &str,
    why: &str,
) -> Vec<String> {
    let Some(spec) = spec_of(object, "Kernel") else {
        return Vec::new();
    };
    let unreadable: Vec<&str> = spec
        .get("unreadable")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_str)
        .collect();
    let mut absent = Vec::new();
    for name in names {
        let pointer = child("/spec/sysctls", name);
        match spec.path(&["sysctls", name]).and_then(Node::scalar_text) {
            Some(value) => match value.trim().parse::<i64>() {
                Ok(n) if accept(n) => {}
                Ok(n) => sink.report(
                    object,
                    &pointer,
                    format!("{name} is {n}; {expected}: {why}"),
                ),
                Err(_) => sink.report(
                    object,
                    &pointer,
                    format!("{name} is `{value}`, not a number, so it cannot be judged"),
                ),
            },
            None => match unreadable.iter().position(|u| u == name) {
                Some(i) => sink.report(
                    object,
                    &format!("/spec/unreadable/{i}"),
                    format!("{name} could not be read, so it cannot be judged"),
                ),
                None => absent.push(name.to_string()),
            },
        }
    }
    absent
}

/// Where containerd's configuration keeps the CRI settings, by configuration version: the
/// pointer and table of each that exists, most specific first. Version 3 (containerd 2.x)
/// splits the CRI plugin into `io.containerd.cri.v1.runtime` and `io.containerd.cri.v1.images`;
/// version 2 has `io.containerd.grpc.v1.cri`; version 1 has `cri`.
pub fn containerd_cri(spec: &Node, part: CriPart) -> Vec<(String, &Node)> {
    let names: &[&str] = match part {
        CriPart::Runtime => &[
            "io.containerd.cri.v1.runtime",
            "io.containerd.grpc.v1.cri",
            "cri",
        ],
        CriPart::Images => &[
            "io.containerd.cri.v1.images",
            "io.containerd.grpc.v1.cri",
            "cri",
        ],
    };
    names
        .iter()
        .filter_map(|name| {
            let table = spec.path(&["plugins", name])?;
            Some((child("/spec/plugins", name), table))
        })
        .collect()
}

/// Which half of the CRI plugin a setting belongs to (version 3 splits them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CriPart {
    Runtime,
    Images,
}

/// A CRI setting of containerd: the first table that writes it, with its pointer.
pub fn containerd_setting<'a>(
    spec: &'a Node,
    part: CriPart,
    path: &[&str],
) -> Option<(String, &'a Node)> {
    containerd_cri(spec, part)
        .into_iter()
        .find_map(|(pointer, table)| {
            let node = table.path(path)?;
            let pointer = path.iter().fold(pointer, |p, k| child(&p, k));
            Some((pointer, node))
        })
}

/// Where to report a CRI setting that is not written: the CRI table when there is one, else
/// the configuration itself.
pub fn containerd_parent(spec: &Node, part: CriPart) -> String {
    containerd_cri(spec, part)
        .into_iter()
        .next()
        .map_or_else(|| "/spec".to_string(), |(p, _)| p)
}

/// Every runtime handler of containerd's CRI plugin (`containerd.runtimes.<name>`), with its
/// pointer.
pub fn containerd_runtimes(spec: &Node) -> Vec<(String, String, &Node)> {
    let mut out = Vec::new();
    for (pointer, table) in containerd_cri(spec, CriPart::Runtime) {
        if let Some(runtimes) = table.path(&["containerd", "runtimes"]) {
            for entry in runtimes.as_map() {
                let p = child(
                    &child(&child(&pointer, "containerd"), "runtimes"),
                    &entry.key,
                );
                out.push((entry.key.to_string(), p, &entry.value));
            }
        }
    }
    out
}

/// Whether the object says the runtime runs on its defaults (no configuration file).
pub fn on_defaults(spec: &Node) -> bool {
    spec.get("defaults").and_then(boolean) == Some(true)
}

/// `containerd /etc/containerd/config.toml`, or `containerd (no configuration file)`.
pub fn describe_config(object: &Object, runtime: &str) -> String {
    match object.root.get("spec") {
        Some(spec) if on_defaults(spec) => {
            format!("{runtime} (no {}, defaults apply)", object.name)
        }
        _ => format!("{runtime} {}", object.name),
    }
}
