//! Baselines: the fingerprints of findings accepted on the day a project adopted Bulkhead.
//! A baselined finding is counted and listed on request, never failed.

use std::path::Path;

use bulkhead_checks::policy::baseline::BaselineFile;
use bulkhead_checks::policy::{Suppression, SuppressionKind};
use bulkhead_checks::Finding;

/// A baseline read from a file, with the path shown in reports.
pub struct Baseline {
    pub shown: String,
    pub file: BaselineFile,
}

impl Baseline {
    /// Reads and validates a baseline file.
    pub fn read(path: &Path) -> Result<Self, String> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {shown}: {e}"))?;
        let file: BaselineFile =
            serde_json::from_str(&text).map_err(|e| format!("invalid baseline {shown}: {e}"))?;
        if file.baseline_version != 1 {
            return Err(format!(
                "baseline {shown} has version {}, expected 1",
                file.baseline_version
            ));
        }
        Ok(Self { shown, file })
    }

    /// Marks the findings whose fingerprints the baseline holds (and that nothing else
    /// suppressed) as baselined.
    pub fn apply(&self, findings: &mut [Finding]) {
        let known = self.file.fingerprints();
        for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
            if known.contains(f.fingerprint.as_str()) {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::Baseline,
                    reason: None,
                    until: None,
                    source: self.shown.clone(),
                });
            }
        }
    }
}

/// Writes the fingerprints of `findings` as a baseline file.
pub fn write(path: &Path, findings: &[Finding]) -> Result<(), String> {
    let json =
        serde_json::to_string_pretty(&BaselineFile::of(findings)).map_err(|e| e.to_string())?;
    std::fs::write(path, json + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}
