//! From source text to objects: documents, `List` flattening, skipped documents, errors.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::discover::Input;
use crate::limits::Limits;
use crate::node::{Node, Value};
use crate::object::{Object, Origin};
use crate::source::SourceFile;
use crate::typing;
use crate::yaml::{parse_chunk, split_documents, ParsedDocument, Problem};

/// Something that could not be read, with where it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoadError {
    pub path: String,
    /// 1-based; absent when the whole input is concerned (a missing file, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
    /// `error`: the input or document was not evaluated; `warning`: it was, but is suspect.
    pub severity: ErrorSeverity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorSeverity {
    Warning,
    Error,
}

impl LoadError {
    pub fn whole(path: impl Into<String>, message: impl Into<String>) -> Self {
        LoadError {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            severity: ErrorSeverity::Error,
        }
    }
}

/// Counts that say how much of the input was understood.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadStats {
    pub files: usize,
    pub bytes: u64,
    pub documents: usize,
    /// Documents that are not Kubernetes objects (no `apiVersion` and `kind`): values files,
    /// kustomizations, plain configuration.
    pub skipped_documents: usize,
}

/// The outcome of loading some inputs.
#[derive(Debug, Default)]
pub struct Loaded {
    pub objects: Vec<Object>,
    pub errors: Vec<LoadError>,
    pub stats: LoadStats,
}

impl Loaded {
    fn absorb(&mut self, other: Loaded) {
        if self.objects.is_empty() {
            self.objects = other.objects;
        } else {
            self.objects.extend(other.objects);
        }
        self.errors.extend(other.errors);
        self.stats.files += other.stats.files;
        self.stats.bytes += other.stats.bytes;
        self.stats.documents += other.stats.documents;
        self.stats.skipped_documents += other.stats.skipped_documents;
    }
}

/// Reads and parses every input in parallel; results keep the order of `inputs`.
pub fn load_inputs(inputs: &[Input], limits: &Limits) -> Loaded {
    load_inputs_observed(inputs, limits, &|_| {})
}

/// [`load_inputs`], calling `done(1)` as each input is read (from any thread): a progress
/// bar's hook.
///
/// Each worker adds its run of inputs to one [`Loaded`], and the runs are joined in input
/// order (rayon's `reduce` keeps it): no vector of objects per file to allocate, copy and
/// free (which, at 50,000 files, was memory the allocator handed back to the system and
/// faulted in again).
pub fn load_inputs_observed(
    inputs: &[Input],
    limits: &Limits,
    done: &(dyn Fn(usize) + Sync),
) -> Loaded {
    inputs
        .par_iter()
        .fold(Loaded::default, |mut loaded, input| {
            match read_input(input, limits) {
                Ok(file) => load_source_into(file, limits, &mut loaded),
                Err(error) => loaded.errors.push(error),
            }
            done(1);
            loaded
        })
        .reduce(Loaded::default, |mut first, second| {
            first.absorb(second);
            first
        })
}

/// Reads one input into a source file, refusing what is not UTF-8 text.
pub fn read_input(input: &Input, limits: &Limits) -> Result<Arc<SourceFile>, LoadError> {
    let path = input.display();
    let bytes = input
        .read(limits.max_file_bytes)
        .map_err(|e| LoadError::whole(&path, e))?;
    decode(&path, bytes).map(Arc::new)
}

/// Turns raw bytes into a source file, refusing binary data and other encodings.
///
/// A UTF-8 byte order mark is dropped: it is not a character of the first line, so columns
/// there would be one too far. (Byte offsets in such a file then count from after the mark.)
pub fn decode(path: &str, mut bytes: Vec<u8>) -> Result<SourceFile, LoadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(LoadError::whole(
            path,
            "the file is UTF-16 encoded; Kubernetes manifests must be UTF-8",
        ));
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(LoadError::whole(
            path,
            "binary file (contains NUL bytes); not a YAML or JSON manifest",
        ));
    }
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        3
    } else {
        0
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(path, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let line_start = bytes[..valid]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&bytes[line_start..valid])
                .chars()
                .count() as u32
                + 1;
            Err(LoadError {
                path: path.to_string(),
                line: Some(line),
                column: Some(column),
                message: format!(
                    "invalid UTF-8 at byte {}; manifests must be UTF-8 text",
                    valid + bom
                ),
                severity: ErrorSeverity::Error,
            })
        }
    }
}

/// Parses one source into objects. A byte order mark left in the text (a file made without
/// [`decode`]) is skipped.
pub fn load_source(file: Arc<SourceFile>, limits: &Limits) -> Loaded {
    let mut loaded = Loaded::default();
    load_source_into(file, limits, &mut loaded);
    loaded
}

/// [`load_source`], adding to `loaded`.
fn load_source_into(file: Arc<SourceFile>, limits: &Limits, loaded: &mut Loaded) {
    let text = file.text.as_str();
    let skip_bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let chunks = split_documents(&text[skip_bom..]);
    let parsed: Vec<_> = chunks
        .par_iter()
        .map(|chunk| {
            let (start, end) = (chunk.start + skip_bom, chunk.end + skip_bom);
            (start, parse_chunk(&text[start..end], start, limits))
        })
        .collect();

    loaded.stats.files += 1;
    loaded.stats.bytes += text.len() as u64;
    let mut document_index = 0u32;
    for (chunk_start, result) in parsed {
        for problem in result.problems {
            loaded.errors.push(problem_error(&file, problem));
        }
        for ParsedDocument { root } in result.documents {
            if root.is_null() {
                continue;
            }
            loaded.stats.documents += 1;
            // `get`: a span off a character boundary must not end the scan (this runs outside
            // the parser's panic guard).
            let preamble = text.get(chunk_start..root.span.start as usize);
            let helm_source = helm_source(preamble.unwrap_or(""));
            let document = document_index;
            document_index += 1;
            let origin = |pointer: String| Origin {
                file: Arc::clone(&file),
                document,
                pointer,
                helm_source: helm_source.clone(),
                root: 0,
            };
            flatten(root, origin, loaded);
        }
    }
}

fn problem_error(file: &SourceFile, problem: Problem) -> LoadError {
    let (line, column) = file.line_col(problem.span.start);
    let mut message = problem.message;
    if let Some(related) = problem.related {
        let (l, c) = file.line_col(related.start);
        message.push_str(&format!(" (first set at {l}:{c})"));
    }
    LoadError {
        path: file.path.clone(),
        line: Some(line),
        column: Some(column),
        message,
        severity: if problem.fatal {
            ErrorSeverity::Error
        } else {
            ErrorSeverity::Warning
        },
    }
}

/// Adds the object, or each item of a `List`, or counts a document that is not an object.
///
/// Items of a typed list (`PodList`, `DeploymentList`: what the API returns, where items carry
/// no `kind` or `apiVersion`) take the list's kind without `List` and its `apiVersion`.
fn flatten(root: Node, origin: impl Fn(String) -> Origin, loaded: &mut Loaded) {
    let list_kind = root
        .get("kind")
        .and_then(Node::as_str)
        .and_then(|k| k.strip_suffix("List"))
        .map(str::to_string);
    let is_list = list_kind.is_some()
        && root
            .get("items")
            .is_some_and(|i| matches!(i.value, Value::Seq(_)));
    if !is_list {
        match into_object(root, origin(String::new()), None, &mut loaded.errors) {
            Some(object) => loaded.objects.push(object),
            None => loaded.stats.skipped_documents += 1,
        }
        return;
    }
    let api_version = root
        .get("apiVersion")
        .and_then(Node::as_str)
        .map(str::to_string);
    let item_type = match (list_kind.as_deref(), api_version) {
        (Some(kind), Some(api_version)) if !kind.is_empty() => Some(ItemType {
            api_version,
            kind: kind.to_string(),
        }),
        _ => None,
    };
    let Value::Map(entries) = root.value else {
        return;
    };
    for entry in entries.into_iter().filter(|e| &*e.key == "items") {
        let Value::Seq(items) = entry.value.value else {
            continue;
        };
        for (i, item) in items.into_iter().enumerate() {
            let origin = origin(format!("/items/{i}"));
            match into_object(item, origin, item_type.as_ref(), &mut loaded.errors) {
                Some(object) => loaded.objects.push(object),
                None => loaded.stats.skipped_documents += 1,
            }
        }
    }
}

/// The type a typed list gives its items.
struct ItemType {
    api_version: String,
    kind: String,
}

/// The object `root` is, or `None` when it names no `apiVersion` and `kind` (and no typed
/// list gives them). String fields that YAML read as something else are reported into
/// `errors` and kept as written ([`typing`]).
fn into_object(
    mut root: Node,
    origin: Origin,
    item_type: Option<&ItemType>,
    errors: &mut Vec<LoadError>,
) -> Option<Object> {
    let own = |key: &str| root.get(key).and_then(Node::as_str).map(str::to_string);
    let (api_version, kind) = match (own("apiVersion"), own("kind"), item_type) {
        (Some(api_version), Some(kind), _) => (api_version, kind),
        (None, None, Some(t)) => (t.api_version.clone(), t.kind.clone()),
        (api_version, kind, Some(t)) if kind.as_ref().is_none_or(|k| *k == t.kind) => (
            api_version.unwrap_or_else(|| t.api_version.clone()),
            t.kind.clone(),
        ),
        _ => return None,
    };
    let file = &origin.file;
    for mistyped in typing::quote_string_fields(&mut root, &kind, file) {
        let (line, column) = file.line_col(mistyped.span.start);
        errors.push(LoadError {
            path: file.path.clone(),
            line: Some(line),
            column: Some(column),
            message: mistyped.message,
            severity: ErrorSeverity::Error,
        });
    }
    let metadata = root.get("metadata");
    let text = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Node::as_str);
    let name = text("name").or_else(|| text("generateName")).unwrap_or("");
    Some(Object {
        api_version,
        kind,
        name: name.to_string(),
        namespace: text("namespace").map(str::to_string),
        root,
        origin,
    })
}

/// The template named by Helm's `# Source: chart/templates/x.yaml` comment before a document.
fn helm_source(preamble: &str) -> Option<String> {
    preamble
        .lines()
        .rev()
        .find_map(|l| {
            l.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                .strip_prefix("# Source: ")
        })
        .map(|s| s.trim().to_string())
}
