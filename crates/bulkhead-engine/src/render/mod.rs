//! Sources that must be rendered before they are scanned: a directory with a
//! `kustomization.yaml` is built with kustomize, a directory with a `Chart.yaml` is rendered
//! with `helm template`. Findings on a built kustomization are moved back to the file each
//! field came from ([`origin`]); findings on a chart name the template they came from.
//!
//! Only a directory named on the command line is rendered; a kustomization or chart found
//! deeper while walking a directory is read as files. Either way, files a kustomization
//! applies as patches are fragments, not objects, and are never judged as whole objects.

pub mod helm;
pub mod kustomization;
pub mod kustomize;
pub mod origin;
pub mod tool;

use std::path::{Path, PathBuf};

use bulkhead_checks::Finding;
use bulkhead_model::{Input, Inventory, LoadError};

/// How sources are rendered.
#[derive(Clone, Debug)]
pub struct Options {
    /// Render kustomizations and charts (`--no-render` turns it off: raw files are scanned).
    pub enabled: bool,
    /// Helm values files (`helm template --values`).
    pub helm_values: Vec<PathBuf>,
    /// Helm `--set` assignments.
    pub helm_set: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            enabled: true,
            helm_values: Vec::new(),
            helm_set: Vec::new(),
        }
    }
}

/// A rendered source, kept until its findings are placed.
pub struct Rendered {
    /// The name the rendered text was loaded under.
    pub name: String,
    /// For a kustomization: how its annotations' paths resolve (and the build's temporary
    /// directory, kept alive).
    kustomize: Option<(origin::Paths, kustomize::Built)>,
}

/// The paths split into what is read as files and what was rendered.
#[derive(Default)]
pub struct Expanded {
    /// Arguments read as files, directories and globs.
    pub paths: Vec<String>,
    /// The rendered texts, each named after its directory.
    pub inputs: Vec<Input>,
    pub rendered: Vec<Rendered>,
    pub errors: Vec<LoadError>,
}

/// Renders the directories among `paths` that are kustomizations or charts.
pub fn expand(paths: &[String], options: &Options) -> Expanded {
    let mut out = Expanded::default();
    for arg in paths {
        let dir = Path::new(arg);
        let trimmed = arg.trim_end_matches('/');
        if !options.enabled || !dir.is_dir() {
            out.paths.push(arg.clone());
        } else if kustomization::file_in(dir).is_some() {
            let name = format!("{trimmed}/(kustomize build)");
            match kustomize::build(dir) {
                Ok(built) => {
                    if !built.annotated {
                        out.errors.push(LoadError {
                            severity: bulkhead_model::ErrorSeverity::Warning,
                            ..LoadError::whole(
                                arg.as_str(),
                                "this kustomize cannot record where fields come from \
                                 (buildMetadata needs kustomize v4.5.5 or kubectl 1.24 and \
                                 later): findings point at the built output",
                            )
                        });
                    }
                    let paths = origin::Paths {
                        wrapper: built.wrapper.clone(),
                        target: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.into()),
                        arg: trimmed.to_string(),
                    };
                    out.inputs.push(Input::Text {
                        name: name.clone(),
                        text: built.text.clone(),
                    });
                    out.rendered.push(Rendered {
                        name,
                        kustomize: Some((paths, built)),
                    });
                }
                Err(message) => out.errors.push(LoadError::whole(arg.as_str(), message)),
            }
        } else if helm::is_chart(dir) {
            let name = format!("{trimmed}/(helm template)");
            match helm::template(arg, options) {
                Ok(text) => {
                    out.inputs.push(Input::Text {
                        name: name.clone(),
                        text,
                    });
                    out.rendered.push(Rendered {
                        name,
                        kustomize: None,
                    });
                }
                Err(message) => out.errors.push(LoadError::whole(arg.as_str(), message)),
            }
        } else {
            out.paths.push(arg.clone());
        }
    }
    out
}

/// Drops the inputs that kustomizations beside them (in their directory) apply as patches.
pub fn drop_patches(inputs: &mut Vec<Input>) {
    let dirs: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(path) => path.parent().map(Path::to_path_buf),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let patches = kustomization::patch_files_in(dirs.iter().map(PathBuf::as_path));
    if patches.is_empty() {
        return;
    }
    inputs.retain(|input| match input {
        Input::File(path) => std::fs::canonicalize(path)
            .map(|p| patches.binary_search(&p).is_err())
            .unwrap_or(true),
        _ => true,
    });
}

/// Moves the findings on built kustomizations to their source files.
pub fn place(findings: &mut [Finding], inventory: &Inventory, rendered: &[Rendered]) {
    for r in rendered {
        if let Some((paths, _)) = &r.kustomize {
            origin::remap(findings, inventory, &r.name, paths);
        }
    }
}
