//! From a verdict and a namespace's policy to the answer: allowed or denied, the message
//! kubectl prints, the warnings it shows, and what is recorded for audit.
//!
//! A request that cannot be judged is denied in an enforcing namespace (with the reason) and
//! allowed with a warning elsewhere: enforcement never lets an object through because it
//! could not be read. (Transport failures — the webhook down, a timeout — are the API
//! server's to decide, by the configuration's `failurePolicy`.)

use bulkhead_checks::{Finding, Severity};

use super::judge::Verdict;
use super::mode::Policy;
use super::review::Response;

/// The API server truncates a warning after 256 characters and drops warnings once 4,096
/// characters have been added; the webhook stays under both and says how many it left out.
const WARNING_CHARS: usize = 256;
const WARNINGS_TOTAL: usize = 3_800;
/// Findings listed in a denial message; the rest are counted.
const DENIAL_LINES: usize = 20;

/// What the review is about, for messages and records.
pub struct Subject<'a> {
    pub kind: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

impl Subject<'_> {
    fn describe(&self) -> String {
        let name = if self.name.is_empty() {
            "(generated name)"
        } else {
            self.name
        };
        if self.namespace.is_empty() {
            format!("{} {name}", self.kind)
        } else {
            format!("{} {}/{name}", self.kind, self.namespace)
        }
    }
}

/// The answer and what to record.
pub struct Decision {
    pub response: Response,
    /// `allowed`, `denied`, `skipped` or `unjudged` (also allowed or denied).
    pub outcome: &'static str,
    /// Findings acted on, by severity (for metrics).
    pub findings: Vec<Severity>,
    pub suppressed: usize,
    /// Findings at or above the audit threshold (and what could not be judged), as records
    /// for the audit log.
    pub audit: Vec<serde_json::Value>,
}

pub fn decide(uid: &str, subject: &Subject<'_>, verdict: Verdict, policy: &Policy) -> Decision {
    let mut response = Response::allow(uid);
    response.warnings = policy
        .problems
        .iter()
        .map(|p| format!("bulkhead: {p}"))
        .collect();
    let mut decision = Decision {
        response,
        outcome: "allowed",
        findings: Vec::new(),
        suppressed: 0,
        audit: Vec::new(),
    };
    let judged = match verdict {
        Verdict::Skipped(_) => {
            decision.outcome = "skipped";
            return decision;
        }
        Verdict::Unjudged(reason) => {
            decision.outcome = "unjudged";
            let text = format!("bulkhead could not judge {}: {reason}", subject.describe());
            if policy.enforce.is_some() {
                decision.response.allowed = false;
                decision.response.message = Some(format!(
                    "{text}; this namespace enforces, so objects that cannot be judged are denied"
                ));
            } else {
                decision.response.warnings.push(clip(text));
            }
            decision.audit.push(serde_json::json!({"unjudged": reason}));
            return decision;
        }
        Verdict::Judged(judged) => judged,
    };
    decision.suppressed = judged.suppressed.len();
    let denying: Vec<&Finding> = match policy.enforce {
        Some(at) => judged.new.iter().filter(|f| f.severity >= at).collect(),
        None => Vec::new(),
    };
    if let (false, Some(at)) = (denying.is_empty(), policy.enforce) {
        decision.outcome = "denied";
        decision.response.allowed = false;
        let mut message = format!(
            "bulkhead: {} has {} finding{} at or above {at}:",
            subject.describe(),
            denying.len(),
            if denying.len() == 1 { "" } else { "s" }
        );
        for finding in denying.iter().take(DENIAL_LINES) {
            message.push_str("\n- ");
            message.push_str(&describe(finding));
        }
        if denying.len() > DENIAL_LINES {
            message.push_str(&format!(
                "\n- and {} more (bulkhead scan shows them all)",
                denying.len() - DENIAL_LINES
            ));
        }
        message.push_str(
            "\nFix them, or suppress one with the annotations bulkhead.dev/ignore and bulkhead.dev/ignore-reason.",
        );
        decision.response.message = Some(message);
    }
    // Most severe first: the API server may drop the last warnings of a long list.
    let mut all: Vec<(&Finding, bool)> = judged
        .new
        .iter()
        .map(|f| (f, false))
        .chain(judged.kept.iter().map(|f| (f, true)))
        .collect();
    all.sort_by_key(|(f, _)| std::cmp::Reverse(f.severity));
    let mut warnings = Vec::new();
    for (finding, kept) in all {
        let denied = !kept && policy.enforce.is_some_and(|at| finding.severity >= at);
        let warned = policy.warn.is_some_and(|at| finding.severity >= at)
            || (kept && policy.enforce.is_some_and(|at| finding.severity >= at));
        let audited = policy.audit.is_some_and(|at| finding.severity >= at);
        if denied || warned || audited {
            decision.findings.push(finding.severity);
        }
        if warned && !denied {
            let suffix = if kept {
                " (present before this update)"
            } else {
                ""
            };
            warnings.push(format!("bulkhead: {}{suffix}", describe(finding)));
        }
        if audited {
            decision.audit.push(serde_json::json!({
                "check": finding.check.id,
                "severity": finding.severity.as_str(),
                "message": finding.message,
                "field": field_path(&finding.location.pointer),
                "presentBefore": kept,
            }));
        }
    }
    add_warnings(&mut decision.response.warnings, warnings);
    decision
}

/// `BHW001 [high] container "app" runs privileged (at spec.template.spec.containers[0]...)`
fn describe(finding: &Finding) -> String {
    format!(
        "{} [{}] {} (at {})",
        finding.check.id,
        finding.severity,
        finding.message,
        field_path(&finding.location.pointer)
    )
}

/// A JSON pointer as the field path kubectl users read:
/// `/spec/containers/0/securityContext` → `spec.containers[0].securityContext`.
pub fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else if token.contains(['.', '/']) || token.is_empty() {
            out.push_str(&format!("[{token:?}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    if out.is_empty() {
        "the object".to_string()
    } else {
        out
    }
}

fn clip(text: String) -> String {
    if text.chars().count() <= WARNING_CHARS {
        return text;
    }
    let mut clipped: String = text.chars().take(WARNING_CHARS - 1).collect();
    clipped.push('…');
    clipped
}

fn add_warnings(out: &mut Vec<String>, warnings: Vec<String>) {
    let mut total: usize = out.iter().map(String::len).sum();
    let count = warnings.len();
    for (i, warning) in warnings.into_iter().enumerate() {
        let warning = clip(warning);
        if total + warning.len() > WARNINGS_TOTAL {
            out.push(format!(
                "bulkhead: and {} more findings (bulkhead scan shows them all)",
                count - i
            ));
            return;
        }
        total += warning.len();
        out.push(warning);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_read_as_field_paths() {
        assert_eq!(
            field_path("/spec/template/spec/containers/0/securityContext/privileged"),
            "spec.template.spec.containers[0].securityContext.privileged"
        );
        assert_eq!(
            field_path("/metadata/annotations/bulkhead.dev~1ignore"),
            "metadata.annotations[\"bulkhead.dev/ignore\"]"
        );
        assert_eq!(field_path(""), "the object");
    }

    #[test]
    fn warnings_stay_within_the_api_servers_limits() {
        let mut out = Vec::new();
        add_warnings(
            &mut out,
            (0..100)
                .map(|i| format!("{i}: {}", "x".repeat(300)))
                .collect(),
        );
        assert!(out.iter().all(|w| w.chars().count() <= WARNING_CHARS));
        assert!(out.iter().map(String::len).sum::<usize>() < 4096);
        let last = out.last().unwrap();
        assert!(
            last.starts_with("bulkhead: and ") && last.contains("more findings"),
            "{last}"
        );
    }
}
