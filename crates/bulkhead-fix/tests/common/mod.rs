//! What every fix test holds a fixed text to.

use similar::{DiffOp, TextDiff};

/// No line the fix did not write changed, except a value in place (same key, same indent).
pub fn assert_only_fixed_lines_changed(before: &str, after: &str) {
    let diff = TextDiff::from_lines(before, after);
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { .. } | DiffOp::Insert { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                // Only list items go, each on its own line.
                for line in &old[old_index..old_index + old_len] {
                    assert!(
                        line.trim_start().starts_with("- "),
                        "line deleted: {line:?}"
                    );
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for i in 0..old_len.min(new_len) {
                    let key = |l: &str| {
                        l.split_once(':')
                            .map(|(k, _)| k.trim_end().trim_matches('"').to_string())
                            .unwrap_or_default()
                    };
                    let (o, n) = (old[old_index + i], new[new_index + i]);
                    let indent = |l: &str| l.len() - l.trim_start().len();
                    // A line whose value changed keeps its key and indentation; a line a
                    // field was appended to (end of a flow mapping or list) keeps its text
                    // as the start of the new line.
                    let value = |l: &str| l.split_once(':').map(|(_, v)| v.to_string());
                    let same_field = indent(o) == indent(n)
                        && (key(o) == key(n) || (value(o).is_some() && value(o) == value(n)));
                    let extended =
                        n.starts_with(o.trim_end_matches('\n').trim_end_matches(['}', ']']));
                    assert!(
                        same_field || extended,
                        "line {} changed: {o:?} -> {n:?}",
                        old_index + i + 1
                    );
                }
            }
        }
    }
}
