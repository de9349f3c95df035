//! Compliance ids carried by every check, as data: framework reports are derived from these.

use serde::Serialize;

/// The controls of each framework that a check's findings bear on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Compliance {
    /// CIS Kubernetes Benchmark v1.12 recommendation numbers (`5.2.2`).
    pub cis: &'static [&'static str],
    /// Pod Security Standards, `<level>:<control>` with the upstream control ids; one entry per
    /// level a finding violates (`baseline:privileged`, `restricted:privileged`).
    pub pss: &'static [&'static str],
    /// NSA-CISA Kubernetes Hardening Guidance v1.2 sections.
    pub nsa: &'static [&'static str],
    /// MITRE ATT&CK for Containers technique ids (`T1611`).
    pub mitre: &'static [&'static str],
}

impl Compliance {
    pub const NONE: Compliance = Compliance {
        cis: &[],
        pss: &[],
        nsa: &[],
        mitre: &[],
    };

    /// `cis: 5.2.2  pss: baseline:privileged` for one-line displays; empty when unmapped.
    pub fn summary(&self) -> String {
        let parts = [
            ("cis", self.cis),
            ("pss", self.pss),
            ("nsa", self.nsa),
            ("mitre", self.mitre),
        ];
        parts
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(name, ids)| format!("{name}: {}", ids.join(", ")))
            .collect::<Vec<_>>()
            .join("  ")
    }
}
