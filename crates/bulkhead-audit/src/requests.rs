//! The checks on requests: the object a create, update or patch carried is judged by the same
//! registry `bulkhead scan` runs (the workload, RBAC and network families), through the
//! engine, so a privileged Pod created through the API is reported like one in a manifest.
//!
//! A single request's object is not a cluster: the checks that judge what is *missing* from
//! the whole inventory (a namespace without a default-deny policy, a binding to a role that
//! does not exist, a policy that selects no Pod) would judge a world they cannot see, and are
//! left out ([`NEEDS_THE_CLUSTER`]). The RBAC checks, which resolve the rules of the roles
//! they are given, judge a Role or a binding on its own.

use bulkhead_checks::{Check, Run, Severity};
use bulkhead_engine::settings::{self, ConfigChoice, Flags};
use bulkhead_engine::Settings;
use bulkhead_model::{load_text, Inventory, Limits};

use crate::alert::{Alert, Source};
use crate::event::Event;
use crate::rules::RuleMeta;

/// The families judged on request objects.
pub const FAMILIES: &[&str] = &["workload", "rbac", "network"];

pub struct RequestChecks {
    settings: Settings,
    limits: Limits,
    /// Findings below this severity are not alerts: the restricted profile's hardening
    /// advice on every Pod a controller creates would drown the signal.
    min_severity: Severity,
}

/// What happened to the bodies of write requests.
#[derive(Debug, Default, Clone, Copy)]
pub struct RequestStats {
    /// Objects judged.
    pub judged: u64,
    /// Patches logged without the resulting object (`RequestResponse` level): a patch
    /// document is not an object, so it cannot be judged.
    pub patches_without_object: u64,
    /// Bodies the loader could not read.
    pub unreadable: u64,
}

impl RequestChecks {
    /// `select`/`ignore` narrow the checks as `scan --select/--ignore` do.
    pub fn new(
        select: &[String],
        ignore: &[String],
        min_severity: Severity,
    ) -> Result<RequestChecks, String> {
        let flags = Flags {
            select: if select.is_empty() {
                FAMILIES.iter().map(|f| f.to_string()).collect()
            } else {
                select.to_vec()
            },
            ignore: ignore.to_vec(),
            ..Flags::default()
        };
        let mut settings = settings::resolve(&flags, &ConfigChoice::Ignore, &[])?;
        settings.checks.retain(|c| judged_alone(c));
        Ok(RequestChecks {
            settings,
            limits: Limits::default(),
            min_severity,
        })
    }

    pub fn checks(&self) -> &[&'static Check] {
        &self.settings.checks
    }

    /// Judges the object `event` wrote, if it carries one.
    pub fn judge(&self, event: &Event<'_>, stats: &mut RequestStats, out: &mut Vec<Alert>) {
        if !event.is_final_stage() || !event.subresource().is_empty() {
            return;
        }
        if event.code().is_some_and(|c| c >= 400) {
            return; // refused: nothing was written
        }
        let body = match event.verb() {
            "create" | "update" => event.request_object,
            "patch" => match event.response_object {
                Some(object) => Some(object),
                None => {
                    if event.request_object.is_some() {
                        stats.patches_without_object += 1;
                    }
                    None
                }
            },
            _ => None,
        };
        let Some(body) = body else { return };
        let text = body.get();
        // Cheap test before loading: a Kubernetes object names its kind.
        if !text.starts_with('{') || !text.contains("\"kind\"") {
            return;
        }
        let audit_id = event.audit_id.as_deref().unwrap_or("");
        let loaded = load_text(&format!("audit:{audit_id}"), text, &self.limits);
        if !loaded.errors.is_empty() && loaded.objects.is_empty() {
            stats.unreadable += 1;
            return;
        }
        stats.judged += 1;
        let inventory = Inventory::new(loaded.objects);
        let findings = bulkhead_engine::check(&inventory, &self.settings);
        let alerting = findings
            .iter()
            .filter(|f| f.suppression.is_none() && f.severity >= self.min_severity);
        for f in alerting {
            let meta = RuleMeta {
                id: f.check.id.to_string(),
                slug: f.check.slug.to_string(),
                title: f.check.slug.to_string(),
                severity: f.severity,
                mitre: f
                    .check
                    .compliance
                    .mitre
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                description: String::new(),
                response: Vec::new(),
                file: String::new(),
            };
            let object = match &f.object.namespace {
                Some(ns) => format!("{} {ns}/{}", f.object.kind, f.object.name),
                None => format!("{} {}", f.object.kind, f.object.name),
            };
            let message = format!(
                "{} {} {object}: {} ({})",
                display_user(event),
                past_tense(event.verb()),
                f.message,
                f.check.id
            );
            let mut alert = Alert::new(&meta, Source::Check, message, event);
            alert.check = Some(f.check.id.to_string());
            alert.pointer = Some(f.location.pointer.clone());
            out.push(alert);
        }
    }
}

/// Checks whose finding means "something else is missing from the cluster".
pub const NEEDS_THE_CLUSTER: &[&str] = &[
    "BHW020", // Pods against their Namespace's Pod Security labels
    "BHW036", // a service account that does not exist
    "BHR013", // a binding to a role that does not exist
    "BHR014", // a workload whose service account reaches cluster-admin through bindings
    "BHN001", // namespaces without a default-deny ingress policy
    "BHN002", // namespaces without a default-deny egress policy
    "BHN003", // a policy that selects no Pod
    "BHN011", // sidecar injection without the mesh's strict mTLS
    "BHN012", // workloads no policy selects
    "BHN016", // policy peers that match nothing
];

fn judged_alone(check: &Check) -> bool {
    matches!(check.run, Run::Object(_)) || !NEEDS_THE_CLUSTER.contains(&check.id)
}

fn display_user(event: &Event<'_>) -> String {
    match event.username() {
        "" => "an unknown user".to_string(),
        user => format!("user {user}"),
    }
}

fn past_tense(verb: &str) -> &str {
    match verb {
        "create" => "created",
        "update" => "updated",
        "patch" => "patched",
        other => other,
    }
}
