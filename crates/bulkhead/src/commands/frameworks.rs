//! `bulkhead frameworks [ID]`: the compliance frameworks and their controls.

use bulkhead_checks::all_checks;
use bulkhead_checks::frameworks::catalogue::all_frameworks;
use bulkhead_checks::frameworks::{Control, Framework};
use bulkhead_engine::frameworks::resolve;

use super::{EXIT_ERROR, EXIT_OK};
use crate::cli::{FrameworksArgs, ListFormat};

pub fn run(args: &FrameworksArgs) -> u8 {
    let text = match &args.framework {
        None => list(args.format),
        Some(id) => match resolve(id) {
            Ok(framework) => controls(framework, args.format),
            Err(message) => {
                eprintln!("bulkhead: error: {message}");
                return EXIT_ERROR;
            }
        },
    };
    print!("{text}");
    EXIT_OK
}

/// Ids of the checks whose compliance ids name `control`.
fn deciding_checks(framework: &Framework, control: &Control) -> Vec<&'static str> {
    all_checks()
        .iter()
        .filter(|c| (framework.ids_of)(c).contains(&control.id))
        .map(|c| c.id)
        .collect()
}

fn list(format: ListFormat) -> String {
    let rows: Vec<_> = all_frameworks()
        .iter()
        .map(|f| {
            let automated = f.controls.iter().filter(|c| c.automated).count();
            let decided = f
                .controls
                .iter()
                .filter(|c| !deciding_checks(f, c).is_empty())
                .count();
            (f, automated, decided)
        })
        .collect();
    match format {
        ListFormat::Json => {
            let list: Vec<_> = rows
                .iter()
                .map(|(f, automated, decided)| {
                    serde_json::json!({
                        "id": f.id,
                        "name": f.name,
                        "version": f.version,
                        "controls": f.controls.len(),
                        "automated": automated,
                        "manual": f.controls.len() - automated,
                        "decidedByChecks": decided,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
        }
        ListFormat::Text => {
            let mut out = format!(
                "{:<17} {:<40} {:<8} {:>8} {:>9} {:>6} {:>7}\n",
                "ID", "NAME", "VERSION", "CONTROLS", "AUTOMATED", "MANUAL", "DECIDED"
            );
            for (f, automated, decided) in &rows {
                out += &format!(
                    "{:<17} {:<40} {:<8} {:>8} {:>9} {:>6} {:>7}\n",
                    f.id,
                    f.name,
                    f.version,
                    f.controls.len(),
                    automated,
                    f.controls.len() - automated,
                    decided
                );
            }
            out +=
                "\nAUTOMATED and MANUAL are the framework's own marking (NSA-CISA and MITRE mark \
                    none);\nDECIDED counts the controls Bulkhead's checks decide. \
                    `bulkhead frameworks ID` lists the controls.\n";
            out
        }
    }
}

fn controls(framework: &Framework, format: ListFormat) -> String {
    match format {
        ListFormat::Json => {
            let controls: Vec<_> = framework
                .controls
                .iter()
                .map(|c| {
                    let mut value = serde_json::to_value(c).unwrap_or_default();
                    value["checks"] = serde_json::json!(deciding_checks(framework, c));
                    value
                })
                .collect();
            let value = serde_json::json!({
                "id": framework.id,
                "name": framework.name,
                "version": framework.version,
                "controls": controls,
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        ListFormat::Text => {
            let width = framework
                .controls
                .iter()
                .map(|c| c.id.chars().count())
                .max()
                .unwrap_or(0);
            let mut out = format!(
                "{} {} ({}): {} controls\n\n{:<width$} {:<13} {:<9} TITLE\n",
                framework.name,
                framework.version,
                framework.id,
                framework.controls.len(),
                "ID",
                "SCOPE",
                "MARKED",
            );
            for c in &framework.controls {
                let scope = serde_json::to_value(c.scope)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let marked = if c.automated { "automated" } else { "manual" };
                out += &format!("{:<width$} {scope:<13} {marked:<9} {}\n", c.id, c.title);
                let checks = deciding_checks(framework, c);
                if !checks.is_empty() {
                    out += &format!("{:<width$} = checks: {}\n", "", checks.join(", "));
                }
                if let Some(guidance) = &c.guidance {
                    out += &format!("{:<width$} = guidance: {guidance}\n", "");
                }
            }
            out
        }
    }
}
