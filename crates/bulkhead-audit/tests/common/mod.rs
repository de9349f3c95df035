//! Test helpers: a detector with the built-in rules, a sink that keeps everything, and
//! real-shaped events.
#![allow(dead_code)]

use bulkhead_audit::detect::DetectorOptions;
use bulkhead_audit::{Alert, Detector, RequestChecks, RuleOptions, RuleSet, Sink};

#[derive(Default)]
pub struct Collect {
    pub alerts: Vec<Alert>,
    pub unreadable: Vec<(String, u64, String)>,
}

impl Sink for Collect {
    fn alert(&mut self, alert: &Alert) {
        self.alerts.push(alert.clone());
    }
    fn unreadable(&mut self, origin: &str, line: u64, message: &str) {
        self.unreadable
            .push((origin.to_string(), line, message.to_string()));
    }
}

impl Collect {
    pub fn rules(&self) -> Vec<&str> {
        self.alerts.iter().map(|a| a.rule.as_str()).collect()
    }
}

pub fn detector(
    options: RuleOptions,
    requests: bool,
    since: Option<i64>,
    until: Option<i64>,
) -> Detector {
    Detector::new(
        RuleSet::builtin(&options).unwrap(),
        DetectorOptions {
            requests: requests
                .then(|| RequestChecks::new(&[], &[], bulkhead_checks::Severity::Medium).unwrap()),
            ranges: bulkhead_audit::cidr::default_ranges(),
            since,
            until,
        },
    )
}

/// An event at second `second` after 2024-05-01T12:00:00Z.
pub fn event(
    second: u32,
    user: &str,
    verb: &str,
    resource: &str,
    subresource: &str,
    namespace: &str,
    code: u16,
) -> String {
    event_from(
        second,
        user,
        verb,
        resource,
        subresource,
        namespace,
        code,
        "10.0.0.5",
        "kubectl/v1.30.1 (linux/amd64) kubernetes/7c48c2b",
    )
}

#[allow(clippy::too_many_arguments)]
pub fn event_from(
    second: u32,
    user: &str,
    verb: &str,
    resource: &str,
    subresource: &str,
    namespace: &str,
    code: u16,
    ip: &str,
    agent: &str,
) -> String {
    let (h, m, s) = (12 + second / 3600, second / 60 % 60, second % 60);
    let mut object = serde_json::json!({"resource": resource, "namespace": namespace, "name": "web-0", "apiVersion": "v1"});
    if !subresource.is_empty() {
        object["subresource"] = subresource.into();
    }
    serde_json::json!({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
        "auditID": format!("id-{second}-{user}-{verb}-{resource}-{namespace}"),
        "stage": "ResponseComplete",
        "requestURI": format!("/api/v1/namespaces/{namespace}/{resource}"),
        "verb": verb,
        "user": {"username": user, "groups": ["system:authenticated"]},
        "sourceIPs": [ip], "userAgent": agent,
        "objectRef": object,
        "responseStatus": {"metadata": {}, "code": code},
        "requestReceivedTimestamp": format!("2024-05-01T{h:02}:{m:02}:{s:02}.000000Z"),
        "stageTimestamp": format!("2024-05-01T{h:02}:{m:02}:{s:02}.001000Z"),
    })
    .to_string()
}
