//! Reading a `kustomization.yaml`: the patches it applies (files and inline text) and the
//! other files it names, so that patches are never judged as whole objects and findings can
//! be traced back into them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bulkhead_model::{parse_document, Limits, Node, SourceFile, Value};

/// The names kustomize looks for in a directory, in its order.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The kustomization file of a directory, if it has one.
pub fn file_in(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// One kustomization file, read.
pub struct Kustomization {
    pub file: Arc<SourceFile>,
    /// The directory the kustomization's relative paths start from.
    pub dir: PathBuf,
    pub patches: Vec<Patch>,
}

/// One patch a kustomization applies.
pub struct Patch {
    pub body: PatchBody,
    /// The `target` selector, when the patch has one.
    pub target: Option<Target>,
}

/// Where a patch's text is.
pub enum PatchBody {
    /// A file beside the kustomization (`path:`, or an entry of `patchesStrategicMerge`).
    File(PathBuf),
    /// Text written in the kustomization itself (`patch: |-`), with the node that holds it.
    Inline(Node),
}

/// The part of a `target` selector that mapping needs: kind and name (a name may be a
/// regular expression in kustomize; it is compared literally here).
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub kind: Option<String>,
    pub name: Option<String>,
}

impl Target {
    /// Whether an object of `kind` named `name` (its name before prefixes and suffixes) is
    /// selected.
    pub fn selects(&self, kind: &str, name: &str) -> bool {
        self.kind.as_deref().is_none_or(|k| k == kind)
            && self.name.as_deref().is_none_or(|n| n == name)
    }
}

impl Kustomization {
    /// Reads the kustomization file at `path`. `display` is the path as findings print it.
    pub fn read(path: &Path, display: &str) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
        let file = Arc::new(SourceFile::new(display, text));
        let root = parse_document(&file, &Limits::default())
            .map_err(|errors| {
                errors
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; ")
            })?
            .unwrap_or_else(|| Node::new(Default::default(), Value::Null));
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut patches = Vec::new();
        for key in ["patches", "patchesJson6902"] {
            for entry in root.get(key).map(Node::as_seq).unwrap_or(&[]) {
                let target = entry.get("target").map(|t| Target {
                    kind: t.get("kind").and_then(Node::as_str).map(str::to_string),
                    name: t.get("name").and_then(Node::as_str).map(str::to_string),
                });
                let body = match (entry.get("path"), entry.get("patch")) {
                    (Some(p), _) => p.as_str().map(|p| PatchBody::File(dir.join(p))),
                    (None, Some(inline)) => Some(PatchBody::Inline(inline.clone())),
                    _ => None,
                };
                if let Some(body) = body {
                    patches.push(Patch { body, target });
                }
            }
        }
        for entry in root
            .get("patchesStrategicMerge")
            .map(Node::as_seq)
            .unwrap_or(&[])
        {
            match entry.as_str() {
                Some(text) if text.contains('\n') => patches.push(Patch {
                    body: PatchBody::Inline(entry.clone()),
                    target: None,
                }),
                Some(path) => patches.push(Patch {
                    body: PatchBody::File(dir.join(path)),
                    target: None,
                }),
                None => {}
            }
        }
        Ok(Kustomization { file, dir, patches })
    }

    /// The files this kustomization applies as patches.
    pub fn patch_files(&self) -> impl Iterator<Item = &Path> {
        self.patches.iter().filter_map(|p| match &p.body {
            PatchBody::File(path) => Some(path.as_path()),
            PatchBody::Inline(_) => None,
        })
    }
}

/// The patch files of the kustomizations in these directories, canonical: files that hold a
/// fragment of an object, not an object, and must not be judged as one.
pub fn patch_files_in<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in dirs {
        let Some(path) = file_in(dir) else { continue };
        let Ok(kustomization) = Kustomization::read(&path, &path.to_string_lossy()) else {
            continue;
        };
        files.extend(
            kustomization
                .patch_files()
                .filter_map(|p| std::fs::canonicalize(p).ok()),
        );
    }
    files.sort();
    files.dedup();
    files
}
