//! The table of every built-in check. Adding a check: write its file, list it in its family's
//! `CHECKS` (`rules/<family>/mod.rs`), add its fixtures under `tests/fixtures/<ID>/`.

use std::sync::OnceLock;

use crate::check::Check;
use crate::rules::{
    attack_paths, control_plane, deprecations, images, known_risks, kubelet, multitenancy, network,
    node_files, node_host, policy, rbac, references, resources, secrets, versions, workload,
};

/// Every built-in check: each family's list, in family order.
pub fn all_checks() -> &'static [&'static Check] {
    static ALL: OnceLock<Vec<&'static Check>> = OnceLock::new();
    ALL.get_or_init(|| {
        [
            workload::CHECKS,
            resources::CHECKS,
            images::CHECKS,
            secrets::CHECKS,
            multitenancy::CHECKS,
            deprecations::CHECKS,
            known_risks::CHECKS,
            references::CHECKS,
            rbac::CHECKS,
            network::CHECKS,
            control_plane::CHECKS,
            kubelet::CHECKS,
            node_files::CHECKS,
            versions::CHECKS,
            node_host::CHECKS,
            attack_paths::CHECKS,
            policy::CHECKS,
        ]
        .concat()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_slugs_are_unique_and_well_formed() {
        let mut ids = HashSet::new();
        let mut slugs = HashSet::new();
        for check in all_checks() {
            assert!(ids.insert(check.id), "duplicate id {}", check.id);
            assert!(slugs.insert(check.slug), "duplicate slug {}", check.slug);
            let prefix = format!("BH{}", check.family.letter());
            assert!(
                check.id.starts_with(&prefix),
                "{} is not in family {}",
                check.id,
                check.family
            );
            assert_eq!(check.id.len(), 6, "{}", check.id);
            assert!(
                check.id[3..].chars().all(|c| c.is_ascii_digit()),
                "{}",
                check.id
            );
        }
    }

    #[test]
    fn every_check_is_documented_in_the_fixed_shape() {
        for check in all_checks() {
            let doc = check.documentation();
            for heading in [
                "## What it checks",
                "## Why it matters",
                "## Example",
                "## References",
            ] {
                assert!(doc.contains(heading), "{} lacks {heading}", check.id);
            }
            assert!(
                doc.contains("Use instead"),
                "{} lacks 'Use instead'",
                check.id
            );
            assert!(!check.title().is_empty(), "{}", check.id);
        }
    }

    #[test]
    fn pss_ids_name_a_level_and_an_upstream_control() {
        for check in all_checks() {
            for id in check.compliance.pss {
                let (level, control) = id.split_once(':').expect("level:control");
                assert!(matches!(level, "baseline" | "restricted"), "{id}");
                assert!(!control.is_empty(), "{id}");
            }
        }
    }
}
