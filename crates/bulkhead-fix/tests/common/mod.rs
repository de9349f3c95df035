//! What every fix test holds a fixed text to.

use similar::{DiffTag, TextDiff};

fn key(l: &str) -> Option<&str> {
    l.split_once(':').map(|(k, _)| k.trim().trim_matches('"'))
}

fn value(l: &str) -> Option<&str> {
    l.split_once(':').map(|(_, v)| v)
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// `new` is `old` with only its value changed, its key renamed, an item appended to a flow
/// collection, or a line break added (a last line that had none).
fn same_field(old: &str, new: &str) -> bool {
    let (o, n) = (old.trim_end_matches('\n'), new.trim_end_matches('\n'));
    o == n
        || (indent(o) == indent(n)
            && ((key(o).is_some() && key(o) == key(n))
                || (value(o).is_some() && value(o) == value(n))
                || n.starts_with(o.trim_end_matches(['}', ']']))))
}

/// No line the fixes did not write changed: every line of `before` is in `after` as it was,
/// or as the same field with another value (or key), or was a list item the fix removed.
pub fn assert_only_fixed_lines_changed(before: &str, after: &str) {
    let diff = TextDiff::from_lines(before, after);
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    for op in diff.ops().iter().filter(|op| op.tag() != DiffTag::Equal) {
        let candidates = &new[op.new_range()];
        for (i, o) in old[op.old_range()].iter().enumerate() {
            let kept = candidates.iter().any(|n| same_field(o, n));
            let item = o.trim_start().starts_with("- ");
            assert!(
                kept || item,
                "line {} changed or deleted: {o:?} (now {candidates:?})",
                op.old_range().start + i + 1
            );
        }
    }
}
