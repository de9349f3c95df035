//! Choosing checks by id, id prefix, slug or family (`--select`, `--ignore`).

use crate::check::Check;
use crate::registry::all_checks;

/// Whether a selector names this check: its id (`BHW001`), an id prefix (`BHW`), its slug
/// (`privileged-container`) or its family (`workload`). Case-insensitive.
fn names(selector: &str, check: &Check) -> bool {
    let upper = selector.to_ascii_uppercase();
    check.id.starts_with(&upper)
        || check.slug.eq_ignore_ascii_case(selector)
        || check.family.name().eq_ignore_ascii_case(selector)
}

/// The checks that `select` names (all when empty) minus those `ignore` names.
///
/// A selector that names no check is an error: a typo must not silently turn a check off.
pub fn select_checks(select: &[String], ignore: &[String]) -> Result<Vec<&'static Check>, String> {
    for selector in select.iter().chain(ignore) {
        if selector.is_empty() || !all_checks().iter().any(|c| names(selector, c)) {
            return Err(format!(
                "{selector:?} names no check (use an id such as BHW001, an id prefix, a slug or a family; see `bulkhead checks`)"
            ));
        }
    }
    Ok(all_checks()
        .iter()
        .copied()
        .filter(|c| select.is_empty() || select.iter().any(|s| names(s, c)))
        .filter(|c| !ignore.iter().any(|s| names(s, c)))
        .collect())
}

/// The check with this id or slug.
pub fn find_check(key: &str) -> Option<&'static Check> {
    all_checks()
        .iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(key) || c.slug.eq_ignore_ascii_case(key))
}
