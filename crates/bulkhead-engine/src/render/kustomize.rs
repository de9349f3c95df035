//! Building a kustomization with origin annotations turned on.
//!
//! Kustomize has no command-line flag for `buildMetadata`, so the user's directory is built
//! through a wrapper kustomization in a temporary directory that names it as its only
//! resource and asks for `originAnnotations` (the file each object came from) and
//! `transformerAnnotations` (the kustomizations whose patches changed it). Kustomize refuses
//! absolute resource paths, so the wrapper names the directory by a relative path.

use std::path::{Component, Path, PathBuf};

use super::tool;

/// A kustomization built.
pub struct Built {
    /// What the renderer printed.
    pub text: String,
    /// The wrapper's directory: the annotations' paths are relative to it.
    pub wrapper: PathBuf,
    /// Whether the build carries origin annotations (a kustomize older than v4.5 does not
    /// know `buildMetadata`: the directory is then built as it is, and findings stay on the
    /// built output).
    pub annotated: bool,
    /// Kept so the wrapper directory lives until the annotations are read.
    _temp: tempfile::TempDir,
}

/// Builds the kustomization in `dir` with `kustomize build`, else `kubectl kustomize`.
pub fn build(dir: &Path) -> Result<Built, String> {
    let (program, verb) = match (tool::on_path("kustomize"), tool::on_path("kubectl")) {
        (Some(kustomize), _) => (kustomize, "build"),
        (None, Some(kubectl)) => (kubectl, "kustomize"),
        (None, None) => {
            return Err(
                "is a kustomization, but neither `kustomize` nor `kubectl` (for \
                 `kubectl kustomize`) is installed: install one of them, or pass --no-render \
                 to scan its files as they are"
                    .to_string(),
            )
        }
    };
    let target = std::fs::canonicalize(dir).map_err(|e| format!("cannot read: {e}"))?;
    let temp = tempfile::Builder::new()
        .prefix("bulkhead-kustomize-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let wrapper = std::fs::canonicalize(temp.path()).map_err(|e| e.to_string())?;
    let resource = relative(&wrapper, &target);
    let text = format!(
        "# Written by bulkhead to build {} with origin annotations.\n\
         apiVersion: kustomize.config.k8s.io/v1beta1\n\
         kind: Kustomization\n\
         resources:\n- {}\n\
         buildMetadata: [originAnnotations, transformerAnnotations]\n",
        target.display(),
        serde_json::Value::String(resource.to_string_lossy().into_owned())
    );
    std::fs::write(wrapper.join("kustomization.yaml"), text)
        .map_err(|e| format!("cannot write the wrapper kustomization: {e}"))?;
    let args = [verb.to_string(), wrapper.to_string_lossy().into_owned()];
    let what = format!("{} {verb}", program.display());
    match tool::run(&program, &args, &what) {
        Ok(text) => Ok(Built {
            text,
            wrapper,
            annotated: true,
            _temp: temp,
        }),
        Err(message) if message.contains("buildMetadata") => {
            let args = [verb.to_string(), target.to_string_lossy().into_owned()];
            Ok(Built {
                text: tool::run(&program, &args, &what)?,
                wrapper,
                annotated: false,
                _temp: temp,
            })
        }
        Err(message) => Err(message),
    }
}

/// The path from directory `from` to `to`, both absolute.
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `a/b/../c/./d` → `a/c/d`, without touching the file system (leading `..` are kept).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) => {}
                _ => out.push(part),
            },
            other => out.push(other),
        }
    }
    let path: PathBuf = out.iter().collect();
    if path.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative(Path::new("/tmp/w"), Path::new("/src/app/overlay")),
            PathBuf::from("../../src/app/overlay")
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b")),
            PathBuf::from(".")
        );
    }

    #[test]
    fn normalize_folds_parent_components() {
        assert_eq!(
            normalize(Path::new("overlays/prod/../../base/d.yaml")),
            PathBuf::from("base/d.yaml")
        );
        assert_eq!(normalize(Path::new("./../x")), PathBuf::from("../x"));
    }
}
