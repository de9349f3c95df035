//! `bulkhead checks`: the catalogue.

use bulkhead_checks::all_checks;

use super::EXIT_OK;
use crate::cli::{ChecksArgs, ListFormat};

pub fn run(args: &ChecksArgs) -> u8 {
    match args.format {
        ListFormat::Json => {
            let list: Vec<_> = all_checks()
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id,
                        "name": c.slug,
                        "title": c.title(),
                        "severity": c.severity,
                        "family": c.family,
                        "compliance": c.compliance,
                        "remediation": c.remediation,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
        ListFormat::Text => {
            println!(
                "{:<7} {:<32} {:<9} {:<13} COMPLIANCE",
                "ID", "NAME", "SEVERITY", "FAMILY"
            );
            for c in all_checks() {
                println!(
                    "{:<7} {:<32} {:<9} {:<13} {}",
                    c.id,
                    c.slug,
                    c.severity.as_str(),
                    c.family.name(),
                    c.compliance.summary()
                );
            }
        }
    }
    EXIT_OK
}
