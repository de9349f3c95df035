//! One analysis: the engine's scan of the workspace with the open documents' text, turned
//! into diagnostics per file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range, Uri,
};

use bulkhead_checks::{Finding, Severity};
use bulkhead_engine::{settings, ConfigChoice, Flags, Request, Sources};
use bulkhead_model::{discover, ErrorSeverity, Input, LoadError};
use bulkhead_report::sarif::help_uri;

use crate::documents::{is_manifest, Documents};
use crate::positions::{line_of, utf16_column};

/// Diagnostics by file: every open document has an entry, empty when it is clean.
pub type Diagnostics = BTreeMap<PathBuf, Vec<Diagnostic>>;

/// The code of diagnostics about the input itself (YAML errors, unknown suppression ids).
pub const INPUT_CODE: &str = "input";

/// Scans the workspace under `root` (or, without one, the open documents' directories) with
/// the open documents in place of their files.
pub fn analyze(root: Option<&Path>, documents: &Documents) -> Diagnostics {
    let mut diagnostics: Diagnostics = documents.paths().map(|p| (p.clone(), Vec::new())).collect();
    let start = root
        .map(Path::to_path_buf)
        .or_else(|| {
            documents
                .paths()
                .next()
                .and_then(|p| p.parent())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("."));
    let settings = match settings::resolve(&Flags::default(), &ConfigChoice::NearestTo(start), &[])
    {
        Ok(settings) => settings,
        Err(message) => {
            // A broken .bulkhead.yaml: said on every open document, at its first line.
            for list in diagnostics.values_mut() {
                list.push(input_diagnostic(
                    0,
                    0,
                    0,
                    message.clone(),
                    DiagnosticSeverity::ERROR,
                ));
            }
            return diagnostics;
        }
    };
    let outcome = match bulkhead_engine::run(Request::new(
        Sources::Inputs(inputs(root, documents)),
        &settings,
    )) {
        Ok(outcome) => outcome,
        Err(message) => {
            for list in diagnostics.values_mut() {
                list.push(input_diagnostic(
                    0,
                    0,
                    0,
                    message.clone(),
                    DiagnosticSeverity::ERROR,
                ));
            }
            return diagnostics;
        }
    };
    for f in outcome.findings.iter().filter(|f| f.suppression.is_none()) {
        let path = PathBuf::from(&f.location.path);
        if let Some(list) = diagnostics.get_mut(&path) {
            list.push(finding_diagnostic(f));
        }
    }
    for e in &outcome.errors {
        let path = PathBuf::from(&e.path);
        if let Some(list) = diagnostics.get_mut(&path) {
            list.push(error_diagnostic(e, documents.get(&path)));
        }
    }
    diagnostics
}

/// The workspace's manifests, the open documents' text in place of their files.
fn inputs(root: Option<&Path>, documents: &Documents) -> Vec<Input> {
    let mut files: Vec<PathBuf> = match root {
        Some(root) => discover(&[root.display().to_string()])
            .inputs
            .into_iter()
            .filter_map(|i| match i {
                Input::File(p) => Some(p),
                _ => None,
            })
            .collect(),
        // No workspace: the open documents and their siblings, not whatever lies below.
        None => documents
            .paths()
            .filter_map(|p| p.parent())
            .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten())
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_manifest(p))
            .collect(),
    };
    for path in documents.paths() {
        if !files.contains(path) {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|path| match documents.get(&path) {
            Some(text) => Input::Text {
                name: path.display().to_string(),
                text: text.to_string(),
            },
            None => Input::File(path),
        })
        .collect()
}

fn finding_diagnostic(f: &Finding) -> Diagnostic {
    let pos = &f.location.position;
    let start_text = f.file.line_text(pos.line);
    let end_text = f.file.line_text(pos.end_line);
    let range = Range {
        start: Position {
            line: pos.line.saturating_sub(1),
            character: utf16_column(start_text, pos.column as usize),
        },
        end: Position {
            line: pos.end_line.saturating_sub(1),
            character: utf16_column(end_text, pos.end_column as usize),
        },
    };
    let mut message = f.message.clone();
    if !f.location.exact {
        message += &format!(
            "\nnot set: {} (shown at its nearest parent)",
            f.location.pointer
        );
    }
    message += &format!("\nhelp: {}", f.check.remediation);
    Diagnostic {
        range,
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.check.id.to_string())),
        code_description: help_uri(f.check)
            .parse::<Uri>()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("bulkhead".into()),
        message,
        data: Some(serde_json::json!({"slug": f.check.slug, "severity": f.severity})),
        ..Diagnostic::default()
    }
}

fn error_diagnostic(e: &LoadError, text: Option<&str>) -> Diagnostic {
    let line = e.line.unwrap_or(1) as usize;
    let column = e.column.unwrap_or(1) as usize;
    let character = text.map_or(column.saturating_sub(1) as u32, |t| {
        utf16_column(line_of(t, line), column)
    });
    let severity = match e.severity {
        ErrorSeverity::Error => DiagnosticSeverity::ERROR,
        ErrorSeverity::Warning => DiagnosticSeverity::WARNING,
    };
    input_diagnostic(
        line.saturating_sub(1) as u32,
        character,
        character + 1,
        e.message.clone(),
        severity,
    )
}

fn input_diagnostic(
    line: u32,
    start: u32,
    end: u32,
    message: String,
    severity: DiagnosticSeverity,
) -> Diagnostic {
    Diagnostic {
        range: Range {
            start: Position {
                line,
                character: start,
            },
            end: Position {
                line,
                character: end,
            },
        },
        severity: Some(severity),
        code: Some(NumberOrString::String(INPUT_CODE.into())),
        source: Some("bulkhead".into()),
        message,
        ..Diagnostic::default()
    }
}

/// Critical and high findings are errors, medium warnings, low information, info hints.
fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Critical | Severity::High => DiagnosticSeverity::ERROR,
        Severity::Medium => DiagnosticSeverity::WARNING,
        Severity::Low => DiagnosticSeverity::INFORMATION,
        Severity::Info => DiagnosticSeverity::HINT,
    }
}
