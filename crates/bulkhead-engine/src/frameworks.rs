//! Judging a compliance framework over a scan: which checks vouch for a clean result, and
//! what the scan covered.

use std::collections::BTreeSet;

use bulkhead_checks::frameworks::catalogue::{all_frameworks, find_framework};
use bulkhead_checks::frameworks::{Framework, FrameworkReport};
use bulkhead_checks::pss::Level;
use bulkhead_checks::rules::workload::PSS_CHECKS;
use bulkhead_checks::Finding;
use bulkhead_model::{Inventory, LoadError};

use crate::coverage;
use crate::settings::Settings;

/// The framework named `id`, or an error that lists the known ids.
pub fn resolve(id: &str) -> Result<&'static Framework, String> {
    find_framework(id).ok_or_else(|| {
        let known: Vec<&str> = all_frameworks().iter().map(|f| f.id).collect();
        format!("unknown framework {id:?} (known: {})", known.join(", "))
    })
}

/// The framework the settings name, resolved before anything is read: a typo must not cost
/// a whole scan.
pub fn of_settings(settings: &Settings) -> Result<Option<&'static Framework>, String> {
    settings.framework.as_deref().map(resolve).transpose()
}

/// Judges `framework` over a scan's findings, with the coverage its objects give less what
/// could not be read (`errors`). The `blind` checks ran over incomplete input (a cluster
/// resource that could not be read): their clean result vouches for nothing.
pub fn evaluate(
    framework: &Framework,
    inventory: &Inventory,
    errors: &[LoadError],
    findings: &[Finding],
    settings: &Settings,
    blind: &BTreeSet<&'static str>,
) -> FrameworkReport {
    // At `--pss-level baseline` the findings only the restricted level asks for were dropped,
    // so a clean result from the PSS checks vouches for baseline controls only.
    let restricted_dropped =
        settings.pss_level == Level::Baseline && framework.id != "pss-baseline";
    let ran: Vec<_> = settings
        .checks
        .iter()
        .copied()
        .filter(|c| !(restricted_dropped && PSS_CHECKS.iter().any(|p| p.id == c.id)))
        // The registry allow-list check judges nothing without an allow-list.
        .filter(|c| !(c.id == "BHI004" && settings.options.allowed_registries.is_empty()))
        .filter(|c| !blind.contains(c.id))
        .collect();
    framework.evaluate_with(findings, coverage::of(inventory, errors), &ran)
}
