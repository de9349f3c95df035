//! The checks on requests: the object a create, update or patch carried is judged by the same
//! registry `bulkhead scan` runs (the workload, RBAC and network families), through the
//! engine, so a privileged Pod created through the API is reported like one in a manifest.
//!
//! Only per-object checks run: a single request's object is not a cluster, so checks over the
//! whole inventory (a Service that selects no Pod, a namespace without a default-deny policy)
//! would judge a world they cannot see.

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
    pub fn new(select: &[String], ignore: &[String], min_severity: Severity) -> Result<RequestChecks, String> {
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
        settings.checks.retain(|c| per_object(c));
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

fn per_object(check: &Check) -> bool {
    matches!(check.run, Run::Object(_))
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
