//! Findings on a built kustomization, moved to the source file each field came from.
//!
//! Kustomize's `config.kubernetes.io/origin` annotation names the file an object was read
//! from, and `alpha.config.kubernetes.io/transformations` the kustomizations whose patches
//! changed it. For a finding at a field path, every candidate source is searched for the
//! longest leading part of that path: the resource document, and each patch of those
//! kustomizations that applies to the object (a strategic-merge patch for the same kind and
//! name, or selected by its `target`; a JSON 6902 operation whose path leads to the field).
//! The finding moves to the candidate that holds the most of the path; a patch beats the
//! resource only when it holds strictly more, or the whole path (it set the value).
//!
//! Limits: list items are matched by their merge key (`name`, `mountPath`, `containerPort`,
//! else their position); JSON-patch indices and `-` are taken as written, so a list reordered
//! by an earlier patch may be attributed to the wrong item; a target's name is compared
//! literally (not as a regular expression); inline patches are mapped only when written as a
//! `|` block; fields made by generators and transformers (labels, prefixes, namespaces,
//! replacements) point at the nearest field the sources hold; remote resources and
//! components without annotations stay at the line of the built output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bulkhead_checks::Finding;
use bulkhead_model::{
    load_source, parse_document, Inventory, Limits, Location, Node, Object, ObjectRef, SourceFile,
    Span, Value,
};

use super::kustomization::{Kustomization, PatchBody};
use super::kustomize::{normalize, relative};

/// How paths in a built kustomization's annotations are turned into paths to read and to show.
pub struct Paths {
    /// The directory the annotations' paths are relative to.
    pub wrapper: PathBuf,
    /// The kustomization directory, canonical.
    pub target: PathBuf,
    /// The kustomization directory as the user named it.
    pub arg: String,
}

impl Paths {
    /// The file an annotation path names: where to read it, and how findings print it.
    fn resolve(&self, annotated: &str) -> (PathBuf, String) {
        let absolute = normalize(&self.wrapper.join(annotated));
        let shown = normalize(&Path::new(&self.arg).join(relative(&self.target, &absolute)));
        let shown = shown.to_string_lossy().replace('\\', "/");
        (absolute, shown)
    }
}

/// One place a field of the object may have been written.
struct Candidate {
    /// The file findings will point into.
    file: Arc<SourceFile>,
    /// The value tree to search, with spans into `text_file` (the file, or an inline patch).
    root: Node,
    text_file: Arc<SourceFile>,
    /// Path tokens that lead to `root` in the object (a JSON-patch operation's path).
    prefix: Vec<String>,
    /// Where a finding on exactly `prefix` points: the operation's `value:` entry.
    prefix_span: Option<Span>,
    /// For an inline patch: where its first line is in `file`, and its indentation.
    inline: Option<(u32, u32)>,
    is_patch: bool,
}

/// Moves the findings on objects of one built kustomization (read from the input named
/// `built`) to their source files.
pub fn remap(findings: &mut [Finding], inventory: &Inventory, built: &str, paths: &Paths) {
    let objects: HashMap<ObjectRef, &Object> = inventory
        .objects()
        .iter()
        .filter(|o| o.origin.file.path == built)
        .map(|o| (o.object_ref(), o))
        .collect();
    let mut cache = Cache::default();
    let mut candidates: HashMap<ObjectRef, Vec<Candidate>> = HashMap::new();
    for finding in findings.iter_mut() {
        if finding.location.path != built {
            continue;
        }
        let Some(object) = objects.get(finding.object.as_ref()) else {
            continue;
        };
        let found = candidates
            .entry(ObjectRef::clone(&finding.object))
            .or_insert_with(|| candidates_of(object, paths, &mut cache));
        let pointer = finding
            .location
            .pointer
            .strip_prefix(object.origin.pointer.as_str())
            .unwrap_or(&finding.location.pointer)
            .to_string();
        if let Some(location) = best_location(object, found, &pointer) {
            finding.file = Arc::clone(&location.1);
            finding.location = Location {
                pointer: finding.location.pointer.clone(),
                ..location.0
            };
        }
    }
}

/// A resource file read: its text and its objects.
type ReadFile = Option<(Arc<SourceFile>, Vec<Object>)>;

/// Files read once per scan, by absolute path.
#[derive(Default)]
struct Cache {
    objects: HashMap<PathBuf, ReadFile>,
    kustomizations: HashMap<PathBuf, Option<Arc<Kustomization>>>,
}

impl Cache {
    fn objects(&mut self, absolute: &Path, shown: &str) -> ReadFile {
        self.objects
            .entry(absolute.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(absolute).ok()?;
                let file = Arc::new(SourceFile::new(shown, text));
                let loaded = load_source(Arc::clone(&file), &Limits::default());
                Some((file, loaded.objects))
            })
            .clone()
    }

    fn kustomization(&mut self, absolute: &Path, shown: &str) -> Option<Arc<Kustomization>> {
        self.kustomizations
            .entry(absolute.to_path_buf())
            .or_insert_with(|| Kustomization::read(absolute, shown).ok().map(Arc::new))
            .clone()
    }
}

/// The resource document and the applicable patches, in the order kustomize applied them.
fn candidates_of(object: &Object, paths: &Paths, cache: &mut Cache) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut original_name = object.name.clone();
    if let Some(origin) = annotation_path(object.annotation("config.kubernetes.io/origin")) {
        let (absolute, shown) = paths.resolve(&origin);
        if let Some((file, objects)) = cache.objects(&absolute, &shown) {
            let same_kind = objects.iter().filter(|o| o.kind == object.kind);
            let source = same_kind
                .filter(|o| !o.name.is_empty() && object.name.contains(o.name.as_str()))
                .max_by_key(|o| o.name.len());
            if let Some(source) = source {
                original_name = source.name.clone();
                out.push(Candidate {
                    file: Arc::clone(&file),
                    text_file: file,
                    root: source.root.clone(),
                    prefix: Vec::new(),
                    prefix_span: None,
                    inline: None,
                    is_patch: false,
                });
            }
        }
    }
    for configured_in in patching_kustomizations(object) {
        let (absolute, shown) = paths.resolve(&configured_in);
        let Some(kustomization) = cache.kustomization(&absolute, &shown) else {
            continue;
        };
        for patch in &kustomization.patches {
            if patch
                .target
                .as_ref()
                .is_some_and(|t| !t.selects(&object.kind, &original_name))
            {
                continue;
            }
            let (file, text_file, root, inline) = match &patch.body {
                PatchBody::File(path) => {
                    let shown = shown_beside(&kustomization.file.path, &kustomization.dir, path);
                    let Ok(text) = std::fs::read_to_string(path) else {
                        continue;
                    };
                    let file = Arc::new(SourceFile::new(shown, text));
                    let Some(root) = first_document(&file) else {
                        continue;
                    };
                    (Arc::clone(&file), file, root, None)
                }
                PatchBody::Inline(node) => {
                    let host = &kustomization.file;
                    let Some((first_line, indent)) = block_start(host, node) else {
                        continue;
                    };
                    let Some(text) = node.as_str() else { continue };
                    let text_file = Arc::new(SourceFile::new(host.path.clone(), text));
                    let Some(root) = first_document(&text_file) else {
                        continue;
                    };
                    (
                        Arc::clone(host),
                        text_file,
                        root,
                        Some((first_line, indent)),
                    )
                }
            };
            let mut push = |root: Node, prefix: Vec<String>, prefix_span: Option<Span>| {
                out.push(Candidate {
                    file: Arc::clone(&file),
                    text_file: Arc::clone(&text_file),
                    root,
                    prefix,
                    prefix_span,
                    inline,
                    is_patch: true,
                })
            };
            match &root.value {
                // JSON 6902: operations that put a value at a path.
                Value::Seq(operations) => {
                    for op in operations {
                        let adds =
                            matches!(op.get("op").and_then(Node::as_str), Some("add" | "replace"));
                        let (Some(path), Some(value)) =
                            (op.get("path").and_then(Node::as_str), op.entry("value"))
                        else {
                            continue;
                        };
                        if adds {
                            push(value.value.clone(), tokens(path), Some(value.span()));
                        }
                    }
                }
                // A strategic-merge patch: the same kind and name, unless a target chose.
                Value::Map(_) => {
                    let kind = root.get("kind").and_then(Node::as_str);
                    let name = root.path(&["metadata", "name"]).and_then(Node::as_str);
                    if patch.target.is_some()
                        || (kind == Some(object.kind.as_str())
                            && name == Some(original_name.as_str()))
                    {
                        push(root.clone(), Vec::new(), None);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The path a patch file is shown by: beside its kustomization as the kustomization is shown.
fn shown_beside(kustomization_shown: &str, dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    let shown_dir = Path::new(kustomization_shown)
        .parent()
        .unwrap_or(Path::new(""));
    normalize(&shown_dir.join(relative))
        .to_string_lossy()
        .replace('\\', "/")
}

fn first_document(file: &SourceFile) -> Option<Node> {
    let loaded = load_source_tree(file)?;
    Some(loaded)
}

/// The first document of a patch file (a patch is one document, or a list of operations).
fn load_source_tree(file: &SourceFile) -> Option<Node> {
    match parse_document(file, &Limits::default()) {
        Ok(root) => root,
        // Several documents: the first.
        Err(_) => {
            let end = file.text.find("\n---").unwrap_or(file.text.len());
            let first = SourceFile::new(file.path.clone(), &file.text[..end]);
            parse_document(&first, &Limits::default()).ok().flatten()
        }
    }
}

/// Where the text of a `|` block scalar starts in its file: the 0-based line of its first
/// line and its indentation. Other scalar styles change line breaks or escapes, so their
/// positions cannot be carried over.
fn block_start(host: &SourceFile, node: &Node) -> Option<(u32, u32)> {
    if !host.slice(node.span).starts_with('|') {
        return None;
    }
    let (header_line, _) = host.line_col(node.span.start);
    let first = header_line + 1;
    let text = host.line_text(first);
    let indent = text.len() - text.trim_start_matches(' ').len();
    Some((first - 1, indent as u32))
}

/// The `path:` of an origin annotation (a small YAML mapping: path, and for remote
/// resources repo and ref).
fn annotation_path(annotation: Option<&str>) -> Option<String> {
    annotation?
        .lines()
        .find_map(|l| l.trim().strip_prefix("path:"))
        .map(|p| p.trim().trim_matches(['"', '\'']).to_string())
}

/// The kustomizations whose patches changed the object, in the order they applied.
fn patching_kustomizations(object: &Object) -> Vec<String> {
    let Some(text) = object.annotation("alpha.config.kubernetes.io/transformations") else {
        return Vec::new();
    };
    let file = SourceFile::new("transformations", text);
    let Ok(Some(root)) = parse_document(&file, &Limits::default()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for entry in root.as_seq() {
        let by = entry
            .path(&["configuredBy", "kind"])
            .and_then(Node::as_str)
            .unwrap_or("");
        if let Some(path) = entry.get("configuredIn").and_then(Node::as_str) {
            if by.contains("Patch") && !out.iter().any(|p| p == path) {
                out.push(path.to_string());
            }
        }
    }
    out
}

fn tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The location in the candidate holding the most of `pointer`, with its file.
fn best_location(
    object: &Object,
    candidates: &[Candidate],
    pointer: &str,
) -> Option<(Location, Arc<SourceFile>)> {
    let wanted = tokens(pointer);
    let mut best: Option<(usize, &Candidate, Span)> = None;
    for candidate in candidates {
        let Some((depth, span)) = reach(&object.root, candidate, &wanted) else {
            continue;
        };
        let better = match &best {
            None => true,
            Some((best_depth, _, _)) => {
                depth > *best_depth
                    || (candidate.is_patch && depth == *best_depth && depth == wanted.len())
            }
        };
        if better {
            best = Some((depth, candidate, span));
        }
    }
    let (depth, candidate, span) = best?;
    let (span, file) = match candidate.inline {
        None => (span, Arc::clone(&candidate.file)),
        Some((first_line, indent)) => (
            carry(
                &candidate.text_file,
                &candidate.file,
                span,
                first_line,
                indent,
            ),
            Arc::clone(&candidate.file),
        ),
    };
    Some((
        Location {
            path: file.path.clone(),
            position: file.position(span),
            pointer: String::new(),
            span,
            exact: depth == wanted.len(),
        },
        file,
    ))
}

/// A span in an inline patch's text, carried to the kustomization file that holds it.
fn carry(inline: &SourceFile, host: &SourceFile, span: Span, first_line: u32, indent: u32) -> Span {
    let at = |offset: u32| {
        let (line, column) = inline.line_col(offset);
        let host_line = first_line + line;
        host.line_span(host_line).start + indent + column - 1
    };
    Span::new(at(span.start), at(span.end))
}

/// How many tokens of `wanted` the candidate holds, and the span of the deepest one held.
fn reach(rendered: &Node, candidate: &Candidate, wanted: &[String]) -> Option<(usize, Span)> {
    let prefix = &candidate.prefix;
    if prefix.len() > wanted.len() {
        return None;
    }
    let mut rendered = rendered;
    for (have, want) in prefix.iter().zip(wanted) {
        let same = have == want || (have == "-" && want.parse::<usize>().is_ok());
        if !same {
            return None;
        }
        rendered = rendered.locate(&format!("/{}", escape(want))).node;
    }
    let mut source = &candidate.root;
    let mut span = candidate.prefix_span.unwrap_or(source.span);
    let mut depth = prefix.len();
    for token in &wanted[prefix.len()..] {
        let next = match (&rendered.value, &source.value) {
            (Value::Map(_), Value::Map(_)) => match (rendered.get(token), source.entry(token)) {
                (Some(r), Some(e)) => Some((r, &e.value, e.span())),
                _ => None,
            },
            (Value::Seq(items), Value::Seq(sources)) => {
                let index: Option<usize> = token.parse().ok();
                index.and_then(|i| items.get(i)).and_then(|item| {
                    let matched = match merge_key(item) {
                        Some((key, value)) => sources.iter().find(|s| {
                            s.get(key).and_then(Node::scalar_text) == Some(value.clone())
                        }),
                        None => index.and_then(|i| sources.get(i)),
                    };
                    matched.map(|m| (item, m, m.span))
                })
            }
            _ => None,
        };
        let Some((r, s, s_span)) = next else { break };
        rendered = r;
        source = s;
        span = s_span;
        depth += 1;
    }
    Some((depth, span))
}

/// The key strategic merge uses to match items of the lists Bulkhead's checks point into.
fn merge_key(item: &Node) -> Option<(&'static str, String)> {
    ["name", "mountPath", "containerPort", "devicePath"]
        .into_iter()
        .find_map(|key| Some((key, item.get(key)?.scalar_text()?)))
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
