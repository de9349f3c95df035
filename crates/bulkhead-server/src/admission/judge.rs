//! Judging one review's object with the engine: the same loader, checks, policy and inline
//! suppressions as `bulkhead scan`, over an inventory of the one object.
//!
//! On UPDATE the old object is judged too, and findings are split by fingerprint (check,
//! object and field, not position) into those the change brings and those the object already
//! had. Only the first deny: scaling a Deployment, or relabelling it, must not be refused
//! because of a finding it had before the webhook was installed; the old findings are still
//! reported as warnings so they are not forgotten.

use std::collections::HashSet;

use bulkhead_checks::Finding;
use bulkhead_engine::{Request as ScanRequest, Settings, Sources};
use bulkhead_model::{ErrorSeverity, Input, Limits};

use super::kinds;
use super::review::Request;

/// What a review's object is, once judged.
#[derive(Debug)]
pub enum Verdict {
    /// Nothing to judge: a deletion, a subresource, a kind no check reads.
    Skipped(&'static str),
    /// The object could not be judged (it does not parse, or the request carries none).
    Unjudged(String),
    Judged(Judged),
}

/// The findings of a judged object.
#[derive(Debug, Default)]
pub struct Judged {
    /// Findings the request brings: every finding on CREATE; on UPDATE those the old object
    /// did not have.
    pub new: Vec<Finding>,
    /// Findings the old object had already (UPDATE only).
    pub kept: Vec<Finding>,
    /// Findings suppressed by the object's `bulkhead.dev/ignore` annotations.
    pub suppressed: Vec<Finding>,
}

/// The engine's settings, narrowed to the checks that can judge one object alone.
pub struct Judge {
    settings: Settings,
    limits: Limits,
}

impl Judge {
    pub fn new(mut settings: Settings, limits: Limits) -> Self {
        settings.checks.retain(|c| kinds::judges_alone(c));
        Judge { settings, limits }
    }

    /// The checks that run on each review.
    pub fn checks(&self) -> usize {
        self.settings.checks.len()
    }

    pub fn judge(&self, request: &Request) -> Verdict {
        match request.operation.as_str() {
            "CREATE" | "UPDATE" => {}
            "DELETE" => return Verdict::Skipped("a deletion"),
            "CONNECT" => return Verdict::Skipped("a connection"),
            _ => return Verdict::Unjudged(format!("unknown operation {:?}", request.operation)),
        }
        // Subresources carry status, scale or bindings; ephemeral containers are the one
        // that adds what the workload checks judge.
        if !request.sub_resource.is_empty() && request.sub_resource != "ephemeralcontainers" {
            return Verdict::Skipped("a subresource");
        }
        if !kinds::is_judged(&request.kind.kind) {
            return Verdict::Skipped("a kind no check reads");
        }
        let Some(object) = &request.object else {
            return Verdict::Unjudged("the request carries no object".to_string());
        };
        let found = match self.findings("object", object.get()) {
            Ok(found) => found,
            Err(reason) => return Verdict::Unjudged(reason),
        };
        // The old object was admitted once; if it no longer reads, the new one is judged on
        // its own.
        let old = match (&request.old_object, request.operation.as_str()) {
            (Some(old), "UPDATE") => self.findings("oldObject", old.get()).ok(),
            _ => None,
        };
        let before: HashSet<&str> = old
            .iter()
            .flatten()
            .map(|f| f.fingerprint.as_str())
            .collect();
        let mut judged = Judged::default();
        for finding in found {
            if finding.suppression.is_some() {
                judged.suppressed.push(finding);
            } else if before.contains(finding.fingerprint.as_str()) {
                judged.kept.push(finding);
            } else {
                judged.new.push(finding);
            }
        }
        Verdict::Judged(judged)
    }

    /// The findings of one object's JSON text, or why it could not be judged.
    fn findings(&self, name: &str, text: &str) -> Result<Vec<Finding>, String> {
        let input = Input::Text {
            name: name.to_string(),
            text: text.to_string(),
        };
        let mut request = ScanRequest::new(Sources::Inputs(vec![input]), &self.settings);
        request.limits = self.limits.clone();
        let outcome = bulkhead_engine::run(request)?;
        if let Some(error) = outcome
            .errors
            .iter()
            .find(|e| e.severity == ErrorSeverity::Error)
        {
            let at = match (error.line, error.column) {
                (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
                _ => String::new(),
            };
            return Err(format!("the {name} cannot be read{at}: {}", error.message));
        }
        if outcome.inventory.len() != 1 {
            return Err(format!(
                "the {name} is not a Kubernetes object (a mapping with apiVersion and kind); {} objects read from it",
                outcome.inventory.len()
            ));
        }
        Ok(outcome.findings)
    }
}
