//! Which custom rules a scan runs: `select` and `ignore` may name a rule by its id (any
//! case) or the `policy` family, beside the built-in checks they name.

use std::sync::Arc;

use bulkhead_cel::Rule;
use bulkhead_checks::CustomRules;

/// The custom rules selected, and the selection left for the built-in checks.
pub struct Selected {
    pub rules: CustomRules,
    /// `select` without the names of custom rules.
    pub select: Vec<String>,
    /// `ignore` without the names of custom rules.
    pub ignore: Vec<String>,
    /// `select` named only custom rules: no built-in check runs.
    pub only_custom: bool,
}

/// Splits `select`/`ignore` between custom rules and built-in checks.
pub fn select(
    rules: impl IntoIterator<Item = Arc<Rule>>,
    select: &[String],
    ignore: &[String],
) -> Result<Selected, String> {
    let rules: Vec<Arc<Rule>> = rules.into_iter().collect();
    for (i, rule) in rules.iter().enumerate() {
        if let Some(first) = rules[..i].iter().find(|r| r.id == rule.id) {
            return Err(format!(
                "custom rule id {:?} is declared twice ({} and {})",
                rule.id, first.declared_at, rule.declared_at
            ));
        }
    }
    let is_rule = |name: &String| rules.iter().any(|r| r.id.eq_ignore_ascii_case(name));
    let names = |list: &[String], rule: &Rule| {
        list.iter()
            .any(|n| n.eq_ignore_ascii_case(&rule.id) || n.eq_ignore_ascii_case("policy"))
    };
    let kept: Vec<Arc<Rule>> = rules
        .iter()
        .filter(|r| (select.is_empty() || names(select, r)) && !names(ignore, r))
        .cloned()
        .collect();
    let builtin_select: Vec<String> = select.iter().filter(|n| !is_rule(n)).cloned().collect();
    Ok(Selected {
        only_custom: !select.is_empty() && builtin_select.is_empty(),
        rules: CustomRules::new(kept),
        select: builtin_select,
        ignore: ignore.iter().filter(|n| !is_rule(n)).cloned().collect(),
    })
}
