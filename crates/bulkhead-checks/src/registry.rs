//! The table of every built-in check. Adding a check: write its file, list it here, add its
//! fixtures under `tests/fixtures/<ID>/`.

use crate::check::Check;
use crate::rules::{images, multitenancy, resources, secrets, workload};

static CHECKS: &[&Check] = &[
    &workload::privileged_container::PRIVILEGED_CONTAINER,
    &workload::privilege_escalation::PRIVILEGE_ESCALATION,
    &workload::host_namespaces::HOST_NAMESPACES,
    &workload::host_path_volume::HOST_PATH_VOLUME,
    &workload::run_as_root::RUN_AS_ROOT,
    &workload::writable_root_filesystem::WRITABLE_ROOT_FILESYSTEM,
    &workload::dangerous_capabilities::DANGEROUS_CAPABILITIES,
    &workload::capabilities_not_dropped::CAPABILITIES_NOT_DROPPED,
    &workload::service_account_token_automount::SERVICE_ACCOUNT_TOKEN_AUTOMOUNT,
    &resources::missing_resource_limits::MISSING_RESOURCE_LIMITS,
    &resources::missing_resource_requests::MISSING_RESOURCE_REQUESTS,
    &images::mutable_image_tag::MUTABLE_IMAGE_TAG,
    &secrets::secret_in_env::SECRET_IN_ENV,
    &multitenancy::default_namespace::DEFAULT_NAMESPACE,
];

/// Every built-in check, in id order within each family.
pub fn all_checks() -> &'static [&'static Check] {
    CHECKS
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
