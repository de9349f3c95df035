//! Loading a configuration file of the node as objects, under its node path.

use std::sync::Arc;

use bulkhead_model::{load_source, Limits, Object, SourceFile};

use super::fs::NodeFs;

/// Reads and loads a file that something named (`named_by`, e.g. "the kubelet's --config");
/// unreadable, missing or malformed files are recorded.
pub(crate) fn load_named(
    fs: &mut NodeFs,
    path: &str,
    named_by: &str,
    consequence: &str,
) -> Vec<Object> {
    match fs.read_required(path, named_by, consequence) {
        Some(text) => load_text(fs, path, text),
        None => Vec::new(),
    }
}

/// Loads a file that may be absent (a distribution's usual location).
pub(crate) fn load_optional(fs: &mut NodeFs, path: &str, consequence: &str) -> Vec<Object> {
    match fs.read_optional(path, consequence) {
        Some(text) => load_text(fs, path, text),
        None => Vec::new(),
    }
}

fn load_text(fs: &mut NodeFs, path: &str, text: String) -> Vec<Object> {
    let loaded = load_source(Arc::new(SourceFile::new(path, text)), &Limits::default());
    fs.stats.documents += loaded.stats.documents;
    fs.stats.skipped_documents += loaded.stats.skipped_documents;
    fs.errors.extend(loaded.errors);
    loaded.objects
}

/// Warns when a file that should hold an object of `kind` holds none (no `apiVersion` and
/// `kind`, or another kind): the settings it was meant to carry are then not evaluated.
/// A file that could not be read or parsed was already reported.
pub(crate) fn expect_kind(
    fs: &mut NodeFs,
    path: &str,
    objects: &[Object],
    kind: &str,
    named_by: &str,
) {
    if fs.has_error_for(path) || objects.iter().any(|o| o.kind == kind) {
        return;
    }
    let found: Vec<&str> = objects.iter().map(|o| o.kind.as_str()).collect();
    let holds = if found.is_empty() {
        "no object with apiVersion and kind".to_string()
    } else {
        format!("{} instead", found.join(", "))
    };
    fs.warning(
        path,
        format!("{named_by} names {path}, which holds {holds}, not a {kind}; the controls that judge it are not evaluated"),
    );
}
