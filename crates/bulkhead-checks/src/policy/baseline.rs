//! Baselines: the fingerprints of findings accepted at some point, so that a scan reports
//! only what is new. The file is JSON, meant to be committed and reviewed.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::sink::Finding;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BaselineFile {
    pub baseline_version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding; everything but the fingerprint is there for the reviewer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub check: String,
    pub object: String,
    pub path: String,
    pub message: String,
}

impl BaselineFile {
    /// The baseline of the findings that are currently reported (not suppressed).
    pub fn of(findings: &[Finding]) -> Self {
        BaselineFile {
            baseline_version: 1,
            findings: findings
                .iter()
                .filter(|f| f.suppression.is_none())
                .map(|f| BaselineEntry {
                    fingerprint: f.fingerprint.to_string(),
                    check: f.check.id.to_string(),
                    object: f.object.to_string(),
                    path: f.location.path.clone(),
                    message: f.message.clone(),
                })
                .collect(),
        }
    }

    pub fn fingerprints(&self) -> HashSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }
}
