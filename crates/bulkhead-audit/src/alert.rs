//! An alert: what fired, and the event that proves it. Its JSON form is a public contract
//! (docs/audit-alerts.md): SIEMs parse it.

use serde::Serialize;

use bulkhead_checks::Severity;

use crate::event::Event;
use crate::rules::RuleMeta;

/// Version of the alert JSON schema; raised when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub schema_version: u32,
    /// `BHA003` for a detection rule; for a check on a request, the check's id (`BHW001`).
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    /// `rule` (one event), `window` (a stateful detection) or `check` (a scan check on the
    /// object a request carried).
    pub source: Source,
    pub mitre: Vec<String>,
    /// For checks on requests: the check's id (as in `bulkhead scan`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// For checks on requests: a JSON pointer to the offending field in the request object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    pub message: String,
    pub audit_id: String,
    pub timestamp: String,
    pub user: String,
    pub groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impersonated_user: Option<String>,
    #[serde(rename = "sourceIPs")]
    pub source_ips: Vec<String>,
    pub user_agent: String,
    pub verb: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_code: Option<i64>,
    pub object: ObjectRef,
    /// Where the event was read: `file:line` (or `webhook`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Rule,
    Window,
    Check,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_group: String,
    pub resource: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subresource: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
}

impl Alert {
    /// An alert of `meta` about `event`.
    pub fn new(meta: &RuleMeta, source: Source, message: String, event: &Event<'_>) -> Alert {
        let object = event.object_ref.as_ref();
        let text = |v: Option<&str>| v.unwrap_or("").to_string();
        Alert {
            schema_version: SCHEMA_VERSION,
            rule: meta.id.clone(),
            title: meta.title.clone(),
            severity: meta.severity,
            source,
            mitre: meta.mitre.clone(),
            check: None,
            pointer: None,
            message,
            audit_id: text(event.audit_id.as_deref()),
            timestamp: event.timestamp_text().to_string(),
            user: event.username().to_string(),
            groups: event.user.groups.iter().map(|g| g.to_string()).collect(),
            impersonated_user: event
                .impersonated_user
                .as_ref()
                .and_then(|u| u.username.as_deref())
                .map(str::to_string),
            source_ips: event.source_ips.iter().map(|s| s.to_string()).collect(),
            user_agent: text(event.user_agent.as_deref()),
            verb: event.verb().to_string(),
            response_code: event.code(),
            object: ObjectRef {
                api_group: text(object.and_then(|o| o.api_group.as_deref())),
                resource: event.resource().to_string(),
                subresource: event.subresource().to_string(),
                namespace: event.namespace().to_string(),
                name: match event.name() {
                    "" => created_name(event),
                    name => name.to_string(),
                },
            },
            origin: None,
        }
    }

    /// `pods/exec default/web` — the object as one word.
    pub fn object_text(&self) -> String {
        let o = &self.object;
        let mut s = o.resource.clone();
        if !o.subresource.is_empty() {
            s.push('/');
            s.push_str(&o.subresource);
        }
        if !o.name.is_empty() || !o.namespace.is_empty() {
            s.push(' ');
            if !o.namespace.is_empty() {
                s.push_str(&o.namespace);
                s.push('/');
            }
            s.push_str(&o.name);
        }
        s
    }
}

/// A create request's object reference has no name yet: the name is in the body.
fn created_name(event: &Event<'_>) -> String {
    #[derive(serde::Deserialize)]
    struct Body {
        metadata: Option<Metadata>,
    }
    #[derive(serde::Deserialize)]
    struct Metadata {
        name: Option<String>,
    }
    event
        .request_object
        .and_then(|raw| serde_json::from_str::<Body>(raw.get()).ok())
        .and_then(|b| b.metadata?.name)
        .unwrap_or_default()
}
