//! Code actions: a suppression comment with a reason to fill in, above the line a finding
//! points at; and the finding's fix from `bulkhead fix`, as line edits.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, Diagnostic, NumberOrString, Position, Range, TextEdit, Uri,
    WorkspaceEdit,
};

use bulkhead_engine::{settings, ConfigChoice, Flags};
use bulkhead_fix::{Options, Safety};

use crate::analysis::INPUT_CODE;
use crate::positions::line_of;

/// The suppression actions for the `diagnostics` in the requested range of a YAML document
/// (`text`). JSON has no comments: no action there.
pub fn suppressions(
    uri: &Uri,
    text: &str,
    is_yaml: bool,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    if !is_yaml {
        return Vec::new();
    }
    diagnostics
        .iter()
        .filter_map(|d| {
            let NumberOrString::String(id) = d.code.as_ref()? else {
                return None;
            };
            if id == INPUT_CODE {
                return None;
            }
            let line = d.range.start.line;
            let current = line_of(text, line as usize + 1);
            let indent: String = current.chars().take_while(|c| *c == ' ').collect();
            let comment = format!("{indent}# bulkhead:ignore {id} -- reason\n");
            let edit = TextEdit {
                range: Range {
                    start: Position { line, character: 0 },
                    end: Position { line, character: 0 },
                },
                new_text: comment,
            };
            Some(CodeAction {
                title: format!("Suppress {id} here (with a reason)"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            })
        })
        .collect()
}

/// The fix of each diagnostic whose check has one, computed on the document's text alone:
/// `bulkhead fix` for that check, at that line. An unsafe fix is offered too (the editor's
/// user chooses it explicitly), and says so in its title.
pub fn fixes(
    uri: &Uri,
    path: &std::path::Path,
    text: &str,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    diagnostics
        .iter()
        .filter_map(|d| {
            let NumberOrString::String(id) = d.code.as_ref()? else {
                return None;
            };
            let fix = bulkhead_fix::fixes::for_check(id)?;
            let flags = Flags {
                select: vec![id.clone()],
                ..Flags::default()
            };
            let start = path
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            let settings = settings::resolve(&flags, &ConfigChoice::NearestTo(start), &[]).ok()?;
            let options = Options {
                unsafe_fixes: true,
                only_line: Some(d.range.start.line + 1),
                ..Options::default()
            };
            let name = path.display().to_string();
            let outcome =
                bulkhead_fix::plan_texts(vec![(name, text.to_string())], &settings, &options)
                    .ok()?;
            let file = outcome.files.first()?;
            let safety = match fix.safety {
                Safety::Safe => "",
                Safety::Unsafe => " (unsafe: review)",
            };
            Some(CodeAction {
                title: format!("Fix {id}: {}{safety}", fix.title),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                is_preferred: Some(fix.safety == Safety::Safe),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(
                        uri.clone(),
                        line_edits(&file.before, &file.after),
                    )])),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            })
        })
        .collect()
}

/// The changed lines as edits of whole lines (line positions need no UTF-16 columns).
fn line_edits(before: &str, after: &str) -> Vec<TextEdit> {
    let diff = similar::TextDiff::from_lines(before, after);
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    diff.ops()
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let old = op.old_range();
            let line = |l: usize| Position {
                line: l as u32,
                character: 0,
            };
            TextEdit {
                range: Range {
                    start: line(old.start),
                    end: line(old.end),
                },
                new_text: new[op.new_range()].concat(),
            }
        })
        .collect()
}
