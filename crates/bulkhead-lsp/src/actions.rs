//! Code actions: a suppression comment with a reason to fill in, above the line a finding
//! points at. (Fixes of the findings themselves come with `bulkhead fix`.)

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, Diagnostic, NumberOrString, Position, Range, TextEdit, Uri,
    WorkspaceEdit,
};

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
