//! Check documentation as Markdown, generated from the doc comments: the text of
//! `bulkhead explain` and of `docs/checks/<ID>.md` (kept fresh by a test).

use crate::check::Check;
use crate::family::Family;
use crate::registry::all_checks;

/// The full page for one check: a header with its metadata, then its doc comment.
pub fn markdown(check: &Check) -> String {
    let mut out = format!("# {} {}\n\n", check.id, check.slug);
    out.push_str(&format!(
        "- Severity: {}\n- Family: {}\n- Remediation: {}\n",
        check.severity, check.family, check.remediation
    ));
    let c = &check.compliance;
    for (name, ids) in [
        ("CIS Kubernetes Benchmark v1.12", c.cis),
        ("Pod Security Standards", c.pss),
        ("NSA-CISA Hardening Guidance v1.2", c.nsa),
        ("MITRE ATT&CK", c.mitre),
    ] {
        if !ids.is_empty() {
            out.push_str(&format!("- {name}: {}\n", ids.join(", ")));
        }
    }
    out.push('\n');
    out.push_str(&check.documentation());
    out.push('\n');
    if check.family == Family::ControlPlane {
        // Which Pods count as components is decided in one place for every control-plane
        // check; each page says it, so that nobody has to guess why a Pod was (not) judged.
        out.push_str("\n## Which Pods are judged as components\n\n");
        out.push_str(bulkhead_node::RECOGNITION);
    }
    out
}

/// The index page listing every check.
pub fn index() -> String {
    let mut out = String::from(
        "# Checks\n\nGenerated from the checks' doc comments; `bulkhead explain ID` prints the same text.\n\n| ID | Name | Severity | Family | Title |\n|---|---|---|---|---|\n",
    );
    for c in all_checks() {
        out.push_str(&format!(
            "| [{id}]({id}.md) | {} | {} | {} | {} |\n",
            c.slug,
            c.severity,
            c.family,
            c.title(),
            id = c.id
        ));
    }
    out
}
