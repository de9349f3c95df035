//! The body of an alert: generic JSON for any receiver, or Slack's incoming-webhook shape
//! (`{"text": …}`, mrkdwn), listing the new findings of one scan.

use std::time::SystemTime;

use bulkhead_checks::{Finding, Severity};
use serde_json::{json, Value};

/// Findings listed in one message; the count says how many there were in all.
pub const MAX_LISTED: usize = 50;

/// The body's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `{"source": "bulkhead", "cluster": …, "findings": [ … ]}`.
    Json,
    /// `{"text": …}` for Slack (and the many receivers that accept its shape).
    Slack,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Format::Json),
            "slack" => Ok(Format::Slack),
            other => Err(format!("unknown alert format {other:?} (json, slack)")),
        }
    }
}

/// What one message says.
pub struct NewFindings<'a> {
    pub cluster: &'a str,
    pub sequence: u64,
    pub started: SystemTime,
    pub min_severity: Severity,
    /// Most severe first.
    pub findings: Vec<&'a Finding>,
}

impl NewFindings<'_> {
    pub fn body(&self, format: Format) -> Vec<u8> {
        let value = match format {
            Format::Json => self.json(),
            Format::Slack => json!({ "text": self.slack_text() }),
        };
        serde_json::to_vec(&value).unwrap_or_default()
    }

    fn started(&self) -> String {
        let seconds = self
            .started
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        bulkhead_model::calendar::rfc3339(seconds as i64)
    }

    fn json(&self) -> Value {
        let listed: Vec<Value> = self
            .findings
            .iter()
            .take(MAX_LISTED)
            .map(|f| {
                json!({
                    "fingerprint": f.fingerprint,
                    "checkId": f.check.id,
                    "slug": f.check.slug,
                    "severity": f.severity.as_str(),
                    "message": f.message,
                    "object": {
                        "apiVersion": f.object.api_version,
                        "kind": f.object.kind,
                        "namespace": f.object.namespace,
                        "name": f.object.name,
                    },
                    "remediation": f.check.remediation,
                })
            })
            .collect();
        json!({
            "source": "bulkhead",
            "kind": "NewFindings",
            "cluster": self.cluster,
            "scan": {"sequence": self.sequence, "started": self.started()},
            "minSeverity": self.min_severity.as_str(),
            "count": self.findings.len(),
            "listed": listed.len(),
            "findings": listed,
        })
    }

    fn slack_text(&self) -> String {
        let count = self.findings.len();
        let mut text = format!(
            "*Bulkhead*: {count} new finding{} at or above {} in cluster `{}` (scan {} at {})",
            if count == 1 { "" } else { "s" },
            self.min_severity,
            slack_escape(self.cluster),
            self.sequence,
            self.started()
        );
        for f in self.findings.iter().take(MAX_LISTED) {
            text.push_str(&format!(
                "\n• [{}] {} {}: {}",
                f.severity,
                f.check.id,
                slack_escape(&f.object.to_string()),
                slack_escape(&f.message)
            ));
        }
        if count > MAX_LISTED {
            text.push_str(&format!("\n… and {} more", count - MAX_LISTED));
        }
        text
    }
}

/// Slack's mrkdwn treats `&`, `<` and `>` as control characters.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
