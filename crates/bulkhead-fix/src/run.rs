//! `bulkhead fix`: scan, edit, scan again, until no fix has anything left to do.
//!
//! Each pass scans the current texts (in memory: nothing is written before the end), asks
//! each finding's fix for a change, turns the changes into edits (insertions into one
//! mapping merged into one edit), applies the edits that do not touch each other, and scans
//! again. A fix that would write what is already there is reported as not working instead of
//! looping. Only when every pass is done are the files written, each atomically (a temporary
//! file beside it, renamed over it), and only if it still loads without new errors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bulkhead_checks::Finding;
use bulkhead_engine::{render, Request, Settings, Sources};
use bulkhead_model::{discover, ErrorSeverity, Input, LoadError, Object};

use crate::edit::{self, Edit, Planned};
use crate::fixes::{self, Context, Defaults, Safety};

/// Passes at most: each pass settles one level of nesting, so a handful is plenty.
const MAX_PASSES: usize = 8;

/// What `fix` may do.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
    pub defaults: Defaults,
    /// Fix only the findings at this 1-based line (an editor's quick fix for one finding).
    pub only_line: Option<u32>,
}

/// One fix applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub check: &'static str,
    pub safety: Safety,
    pub title: &'static str,
    /// 1-based line and column of the finding in the text the pass edited.
    pub line: u32,
    pub column: u32,
}

/// A finding with a fix that was not applied, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotFixed {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub check: &'static str,
    pub reason: String,
}

/// One file's texts before and after.
#[derive(Clone, Debug)]
pub struct FileFix {
    /// The path as findings print it.
    pub path: String,
    pub disk: PathBuf,
    pub before: String,
    pub after: String,
    pub applied: Vec<Applied>,
}

/// The result of planning the fixes of some paths.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Files with at least one fix, in the order they were found.
    pub files: Vec<FileFix>,
    pub not_fixed: Vec<NotFixed>,
    /// Inputs that could not be read, and fixed texts that would no longer load.
    pub errors: Vec<LoadError>,
}

/// Plans every fix for the files under `paths` (kustomizations and charts are read as their
/// files: a fix edits what the user wrote).
pub fn plan(paths: &[String], settings: &Settings, options: &Options) -> Result<Outcome, String> {
    let mut discovery = discover(paths);
    discovery.inputs.retain(|input| match input {
        Input::File(_) => !settings.exclude_paths.is_match(input.display()),
        _ => true,
    });
    render::drop_patches(&mut discovery.inputs);
    let mut outcome = Outcome {
        errors: discovery.errors,
        ..Default::default()
    };
    let mut files: Vec<FileFix> = Vec::new();
    for input in discovery.inputs {
        let Input::File(path) = &input else {
            return Err("`fix` edits files: standard input cannot be fixed in place".into());
        };
        match std::fs::read_to_string(path) {
            Ok(text) => files.push(FileFix {
                path: input.display(),
                disk: path.clone(),
                before: text.clone(),
                after: text,
                applied: Vec::new(),
            }),
            Err(e) => outcome.errors.push(LoadError::whole(
                input.display(),
                format!("cannot read: {e}"),
            )),
        }
    }
    let planned = plan_files(files, settings, options)?;
    outcome.files = planned.files;
    outcome.not_fixed = planned.not_fixed;
    outcome.errors.extend(planned.errors);
    Ok(outcome)
}

/// Plans the fixes of texts given by name (an editor's unsaved documents): nothing is read
/// from or written to disk.
pub fn plan_texts(
    texts: Vec<(String, String)>,
    settings: &Settings,
    options: &Options,
) -> Result<Outcome, String> {
    let files = texts
        .into_iter()
        .map(|(name, text)| FileFix {
            disk: PathBuf::from(&name),
            path: name,
            before: text.clone(),
            after: text,
            applied: Vec::new(),
        })
        .collect();
    plan_files(files, settings, options)
}

fn plan_files(
    mut files: Vec<FileFix>,
    settings: &Settings,
    options: &Options,
) -> Result<Outcome, String> {
    let mut outcome = Outcome::default();
    let first = scan(&files, settings)?;
    // A template that is not YAML cannot be edited as YAML: say so once per file.
    for file in &files {
        let objects = first
            .inventory
            .objects()
            .iter()
            .filter(|o| o.origin.file.path == file.path)
            .count();
        let unparsed = first
            .errors
            .iter()
            .any(|e| e.path == file.path && e.severity == ErrorSeverity::Error && e.line.is_some());
        if objects == 0 && unparsed && file.before.contains("{{") {
            outcome.errors.push(LoadError {
                severity: ErrorSeverity::Warning,
                ..LoadError::whole(
                    &file.path,
                    "not fixed: a Helm template whose {{ … }} logic is not YAML; render the \
                     chart (`helm template`) to see the findings, and change the template or \
                     its values by hand",
                )
            });
        }
    }
    let before_errors = first.errors;
    for pass in 0.. {
        let scanned = scan(&files, settings)?;
        let mut not_fixed = Vec::new();
        let edits = edits_of_pass(&scanned, &files, options, &mut not_fixed);
        if edits.values().all(|(e, _)| e.is_empty()) || pass == MAX_PASSES {
            outcome.not_fixed = not_fixed;
            break;
        }
        for file in &mut files {
            if let Some((edits, applied)) = edits.get(&file.path) {
                file.after = edit::apply(&file.after, edits);
                file.applied.extend(applied.iter().cloned());
            }
        }
    }
    // A fixed text must load as well as it did before.
    let after = scan(&files, settings)?;
    for file in &mut files {
        let new_errors: Vec<&LoadError> = after
            .errors
            .iter()
            .filter(|e| e.path == file.path && e.severity == ErrorSeverity::Error)
            .filter(|e| {
                !before_errors
                    .iter()
                    .any(|b| b.path == e.path && b.message == e.message)
            })
            .collect();
        if let Some(error) = new_errors.first() {
            outcome.errors.push(LoadError::whole(
                &file.path,
                format!(
                    "not fixed: the fixed text would not load ({}); please report this",
                    error.message
                ),
            ));
            file.after = file.before.clone();
            file.applied.clear();
        }
    }
    outcome.files = files.into_iter().filter(|f| f.after != f.before).collect();
    Ok(outcome)
}

fn scan(files: &[FileFix], settings: &Settings) -> Result<bulkhead_engine::Outcome, String> {
    let inputs = files
        .iter()
        .map(|f| Input::Text {
            name: f.path.clone(),
            text: f.after.clone(),
        })
        .collect();
    bulkhead_engine::run(Request::new(Sources::Inputs(inputs), settings))
}

/// The object a finding is about: same file and identity, and its span holds the finding's.
fn object_of<'a>(scanned: &'a bulkhead_engine::Outcome, f: &Finding) -> Option<&'a Object> {
    scanned.inventory.objects().iter().find(|o| {
        o.origin.file.path == f.location.path
            && o.object_ref() == *f.object
            && f.location.pointer.starts_with(o.origin.pointer.as_str())
            && o.root.span.start <= f.location.span.start
            && f.location.span.end <= o.root.span.end
    })
}

/// The edits of one pass, by file path, each with what it fixes.
fn edits_of_pass(
    scanned: &bulkhead_engine::Outcome,
    files: &[FileFix],
    options: &Options,
    not_fixed: &mut Vec<NotFixed>,
) -> HashMap<String, (Vec<Edit>, Vec<Applied>)> {
    // Per file: direct edits, and insertions merged per target mapping.
    type Inserts<'a> = Vec<(edit::Insert, &'a Object, Vec<Applied>)>;
    let mut direct: HashMap<String, Vec<(Edit, Applied)>> = HashMap::new();
    let mut inserts: HashMap<String, Inserts<'_>> = HashMap::new();
    let texts: HashMap<&str, &FileFix> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    for f in &scanned.findings {
        if f.suppression.is_some() {
            continue;
        }
        let Some(fix) = fixes::for_check(f.check.id) else {
            continue;
        };
        let mut refuse = |reason: String| {
            not_fixed.push(NotFixed {
                path: f.location.path.clone(),
                line: f.location.position.line,
                column: f.location.position.column,
                check: fix.check,
                reason,
            })
        };
        if !texts.contains_key(f.location.path.as_str())
            || options
                .only_line
                .is_some_and(|line| line != f.location.position.line)
        {
            continue;
        }
        if fix.safety == Safety::Unsafe && !options.unsafe_fixes {
            refuse(format!("unsafe fix ({}): run with --unsafe", fix.title));
            continue;
        }
        let Some(object) = object_of(scanned, f) else {
            refuse("the object could not be found again".into());
            continue;
        };
        let pointer = &f.location.pointer[object.origin.pointer.len()..];
        let cx = Context {
            pointer,
            object,
            defaults: &options.defaults,
        };
        let change = match (fix.change)(&cx) {
            Ok(change) => change,
            Err(reason) => {
                refuse(reason);
                continue;
            }
        };
        let applied = Applied {
            check: fix.check,
            safety: fix.safety,
            title: fix.title,
            line: f.location.position.line,
            column: f.location.position.column,
        };
        match edit::plan(&object.origin.file, &object.root, &change) {
            Ok(Planned::Edit(e)) => {
                if object.origin.file.slice(e.span) == e.text {
                    refuse("the fix writes what is already there; the check wants more".into());
                } else {
                    direct
                        .entry(f.location.path.clone())
                        .or_default()
                        .push((e, applied));
                }
            }
            Ok(Planned::Insert(insert)) => {
                let list = inserts.entry(f.location.path.clone()).or_default();
                match list.iter_mut().find(|(i, _, _)| i.target == insert.target) {
                    Some((existing, _, applied_list)) => {
                        existing.tree.merge(insert.tree);
                        applied_list.push(applied);
                    }
                    None => list.push((insert, object, vec![applied])),
                }
            }
            Err(reason) => refuse(reason),
        }
    }
    for (path, list) in inserts {
        for (insert, object, applied) in list {
            match edit::insert(&object.origin.file, &object.root, &insert) {
                Ok(e) => {
                    let entry = direct.entry(path.clone()).or_default();
                    for a in applied {
                        entry.push((e.clone(), a));
                    }
                }
                Err(reason) => not_fixed.extend(applied.into_iter().map(|a| NotFixed {
                    path: path.clone(),
                    line: a.line,
                    column: a.column,
                    check: a.check,
                    reason: reason.clone(),
                })),
            }
        }
    }
    let mut out = HashMap::new();
    for (path, list) in direct {
        // One edit may stand for several fixes (merged insertions): dedupe by edit.
        let mut unique: Vec<Edit> = Vec::new();
        for (e, _) in &list {
            if !unique.contains(e) {
                unique.push(e.clone());
            }
        }
        let kept: Vec<Edit> = edit::compatible(&unique)
            .into_iter()
            .map(|i| unique[i].clone())
            .collect();
        let applied: Vec<Applied> = list
            .into_iter()
            .filter(|(e, _)| kept.contains(e))
            .map(|(_, a)| a)
            .collect();
        out.insert(path, (kept, applied));
    }
    out
}

/// Writes each fixed file atomically: a temporary file in the same directory, with the
/// original's permissions, renamed over it.
pub fn write(files: &[FileFix]) -> Result<(), String> {
    for file in files {
        write_atomically(&file.disk, &file.after)
            .map_err(|e| format!("{}: cannot write: {e}", file.path))?;
    }
    Ok(())
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".bulkhead-fix-")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        temp.as_file().set_permissions(meta.permissions())?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of one file's fixes.
pub fn diff(file: &FileFix) -> String {
    similar::TextDiff::from_lines(&file.before, &file.after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{}", file.path), &format!("b/{}", file.path))
        .to_string()
}
