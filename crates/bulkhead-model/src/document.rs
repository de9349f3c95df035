//! Reading a YAML file that is not a Kubernetes manifest (Bulkhead's own configuration, a
//! baseline), with the same limits and positions as manifests.

use crate::limits::Limits;
use crate::load::{ErrorSeverity, LoadError};
use crate::node::Node;
use crate::source::SourceFile;
use crate::yaml::parse_chunk;

/// Parses `file` as a single YAML document. Errors (and warnings such as duplicate keys)
/// carry their line and column; an empty file gives `None`.
pub fn parse_document(file: &SourceFile, limits: &Limits) -> Result<Option<Node>, Vec<LoadError>> {
    let result = parse_chunk(&file.text, 0, limits);
    let problems: Vec<LoadError> = result
        .problems
        .into_iter()
        .map(|p| {
            let (line, column) = file.line_col(p.span.start);
            LoadError {
                path: file.path.clone(),
                line: Some(line),
                column: Some(column),
                message: p.message,
                severity: ErrorSeverity::Error,
            }
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut documents = result.documents.into_iter();
    let root = documents.next().map(|d| d.root).filter(|n| !n.is_null());
    if documents.next().is_some() {
        return Err(vec![LoadError::whole(
            &file.path,
            "expected a single YAML document",
        )]);
    }
    Ok(root)
}
