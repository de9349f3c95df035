//! What happens to findings after the checks: suppressions written in the manifests
//! (annotations and comments), baselines, and the civil dates expiry is judged by.

pub mod baseline;
pub mod date;
pub mod inline;

use serde::Serialize;

/// Why a finding is not counted against the scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suppression {
    pub kind: SuppressionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The last day the suppression holds (`YYYY-MM-DD`), if it expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Where it was written: `path:line` for comments and annotations, the file for baselines.
    pub source: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// `bulkhead.dev/ignore` on the object.
    Annotation,
    /// `# bulkhead:ignore ID -- reason` in the manifest.
    Comment,
    /// Recorded in a `--baseline` file.
    Baseline,
}
