//! References to objects that do not exist.

pub mod hpa_target_missing;
pub mod ingress_missing_service;
pub mod pdb_selects_nothing;
pub mod pod_sources;
pub mod service_selects_no_pod;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &service_selects_no_pod::SERVICE_SELECTS_NO_POD,
    &ingress_missing_service::INGRESS_MISSING_SERVICE,
    &hpa_target_missing::HPA_TARGET_MISSING,
    &pdb_selects_nothing::PDB_SELECTS_NOTHING,
];
