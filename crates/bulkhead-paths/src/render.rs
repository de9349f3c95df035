//! The search result as text (numbered steps with evidence `file:line`) and as a Graphviz
//! digraph. JSON is the serde form of [`Found`].

use std::collections::BTreeSet;
use std::fmt::Write as _;

use bulkhead_model::Location;

use crate::search::Found;

fn at(location: &Location) -> String {
    format!(
        "{}:{}:{}",
        location.path, location.position.line, location.position.column
    )
}

/// Numbered steps, each with its evidence, then what breaks each path.
pub fn text(found: &Found) -> String {
    let mut out = String::new();
    let targets = found.targets.join(", ");
    if found.paths.is_empty() {
        let _ = writeln!(out, "no attack path from {} to {targets}", found.from);
        for note in &found.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        return out;
    }
    let _ = writeln!(
        out,
        "{} attack path{} from {} to {targets}",
        found.paths.len(),
        if found.paths.len() == 1 { "" } else { "s" },
        found.from
    );
    for note in &found.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    for (i, path) in found.paths.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n[{}] {} → {} ({}) in {} step{} [{}]",
            i + 1,
            path.entry.as_deref().unwrap_or(&path.from),
            path.target,
            path.reached,
            path.length,
            if path.length == 1 { "" } else { "s" },
            path.severity
        );
        for (n, step) in path.steps.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} {} → {}: {}",
                n + 1,
                step.kind.name(),
                step.from,
                step.to,
                step.action
            );
            for e in &step.evidence {
                let check = e
                    .check
                    .as_deref()
                    .map(|c| format!("{c}: "))
                    .unwrap_or_default();
                match &e.location {
                    Some(l) => {
                        let _ = writeln!(out, "       {check}{}  at {}", e.text, at(l));
                    }
                    None => {
                        let _ = writeln!(out, "       {check}{}", e.text);
                    }
                }
            }
        }
        if path.cuts.is_empty() {
            let _ = writeln!(
                out,
                "  what breaks it: no single change (another way remains after removing any one step)"
            );
        } else {
            let _ = writeln!(out, "  what breaks it:");
            for cut in &path.cuts {
                let _ = writeln!(
                    out,
                    "    - step {}: {} (cuts {} path{})",
                    cut.step,
                    cut.fix,
                    cut.cuts,
                    if cut.cuts == 1 { "" } else { "s" }
                );
            }
        }
    }
    if !found.fixes.is_empty() {
        let _ = writeln!(out, "\nfirst fixes (most paths cut first):");
        for fix in found.fixes.iter().take(10) {
            let _ = writeln!(
                out,
                "  {} path{}: {}",
                fix.paths.len(),
                if fix.paths.len() == 1 { "" } else { "s" },
                fix.fix
            );
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The paths as one Graphviz digraph, each edge labelled with its kind.
pub fn dot(found: &Found) -> String {
    let mut out = String::from(
        "digraph attack_paths {\n  rankdir=LR;\n  \"internet\" [shape=cloud];\n  \"cluster-admin\" [shape=doubleoctagon, color=red];\n",
    );
    let mut seen = BTreeSet::new();
    for path in &found.paths {
        for step in &path.steps {
            let line = format!(
                "  \"{}\" -> \"{}\" [label=\"{}\"];\n",
                escape(&step.from),
                escape(&step.to),
                escape(step.kind.name())
            );
            if seen.insert(line.clone()) {
                out.push_str(&line);
            }
        }
    }
    out.push_str("}\n");
    out
}
