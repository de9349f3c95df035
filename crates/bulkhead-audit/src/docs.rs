//! The documentation of the detection rules (`docs/audit-rules/`), generated from the rule
//! files themselves so that it cannot drift from what runs.

use crate::rules::{RuleMeta, RuleSet, RULE_FILES};

/// The page of one rule: what it detects, why, how to respond, and the rule as written.
pub fn markdown(meta: &RuleMeta) -> String {
    let source = RULE_FILES
        .iter()
        .find(|(name, _)| *name == meta.file)
        .map(|(_, text)| *text)
        .unwrap_or("");
    let mut page = format!(
        "# {} {}: {}\n\n| severity | MITRE ATT&CK | rule file |\n|---|---|---|\n| {} | {} | `crates/bulkhead-audit/rules/{}` |\n\n## What it detects\n\n{}\n\n## Response\n\n",
        meta.id,
        meta.slug,
        meta.title,
        meta.severity,
        meta.mitre
            .iter()
            .map(|t| format!("[{t}](https://attack.mitre.org/techniques/{}/)", t.replace('.', "/")))
            .collect::<Vec<_>>()
            .join(", "),
        meta.file,
        meta.description,
    );
    for (i, step) in meta.response.iter().enumerate() {
        page.push_str(&format!("{}. {step}\n", i + 1));
    }
    page.push_str(&format!(
        "\n## The rule\n\n```yaml\n{}\n```\n",
        source.trim_end()
    ));
    page
}

/// The index: every rule with its id, title, severity and technique, then the lists.
pub fn index(set: &RuleSet) -> String {
    let mut page = String::from(
        "# Audit-log detection rules\n\n\
         `bulkhead audit-log` and `bulkhead audit-webhook` judge every audit event with these rules \
         (generated from `crates/bulkhead-audit/rules/`; regenerate with \
         `BULKHEAD_BLESS=1 cargo test -p bulkhead-audit --test docs`). Rules with a `condition` judge \
         one event; rules with a `window` count events over time per identity. The condition language \
         is described in [the audit guide](../audit.md#writing-rules); the shared lists and macros are \
         in [`lists.yaml`](lists.md).\n\n\
         | id | title | severity | MITRE ATT&CK | kind |\n|---|---|---|---|---|\n",
    );
    for meta in set.all_meta() {
        let kind = if set.windows.iter().any(|w| w.meta.id == meta.id) {
            "window"
        } else {
            "event"
        };
        page.push_str(&format!(
            "| [{id}]({id}.md) | {} | {} | {} | {kind} |\n",
            meta.title,
            meta.severity,
            meta.mitre.join(", "),
            id = meta.id
        ));
    }
    page.push_str(
        "\nBesides these rules, the object of every create, update or patch request is judged by \
         the scan's per-object checks of the workload, RBAC and network families \
         ([checks](../checks/README.md)); those alerts carry the check's id.\n",
    );
    page
}

/// `lists.yaml` as a page.
pub fn lists_page() -> String {
    let text = RULE_FILES
        .iter()
        .find(|(name, _)| *name == "lists.yaml")
        .map(|(_, text)| *text)
        .unwrap_or("");
    format!(
        "# Lists and macros of the audit rules\n\nEvery rule may use these by name. Replace a list with \
         `--list NAME=a,b,c` (for example the users you never expect to see, or the identities that \
         may register nodes).\n\n```yaml\n{}\n```\n",
        text.trim_end()
    )
}
