//! Writes, for the resources a test makes writable (the PolicyReport kinds): server-side
//! apply (`PATCH` with `application/apply-patch+yaml`, a `fieldManager`, `force`) and
//! `DELETE`, answered as the API server answers them.
//!
//! Apply is simplified to one manager per object: the applied configuration replaces the
//! object's content (the server keeps `uid` and `creationTimestamp`, bumps
//! `resourceVersion` and `generation`, and records the manager in `managedFields`); an
//! apply by another manager without `force=true` is a 409 conflict, as a real server
//! answers when two managers set the same fields.

use std::sync::atomic::Ordering;

use bulkhead_model::{load_text, Limits};
use serde_json::{json, Value};

use crate::handler::{parse_query, Incoming, Reply, State};
use crate::status;

/// The PolicyReport kinds of the Kubernetes Policy working group, as `(apiVersion, kind,
/// namespaced)`.
pub const POLICY_REPORT_KINDS: [(&str, &str, bool); 2] = [
    ("wgpolicyk8s.io/v1alpha2", "PolicyReport", true),
    ("wgpolicyk8s.io/v1alpha2", "ClusterPolicyReport", false),
];

const APPLY_PATCH: &str = "application/apply-patch+yaml";

/// Whether this request writes a writable resource.
pub fn handles(state: &State, method: &str, path: &str) -> bool {
    if method != "PATCH" && method != "DELETE" {
        return false;
    }
    target(path).is_some_and(|t| {
        state
            .writable
            .iter()
            .any(|(g, p)| *g == t.group && *p == t.plural)
    })
}

/// `/apis/GROUP/VERSION/(namespaces/NS/)PLURAL/NAME`.
struct Target<'a> {
    group: &'a str,
    version: &'a str,
    namespace: Option<&'a str>,
    plural: &'a str,
    name: &'a str,
}

fn target(path: &str) -> Option<Target<'_>> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["apis", group, version, "namespaces", ns, plural, name] => Some(Target {
            group,
            version,
            namespace: Some(ns),
            plural,
            name,
        }),
        ["apis", group, version, plural, name] => Some(Target {
            group,
            version,
            namespace: None,
            plural,
            name,
        }),
        _ => None,
    }
}

pub fn handle(state: &State, user: &str, request: &Incoming<'_>) -> Reply {
    let Some(t) = target(request.path) else {
        return Reply::json(404, &status::not_found());
    };
    let store = &state.store;
    let Some(resource) = store.resource(t.group, t.version, t.plural).cloned() else {
        return Reply::json(404, &status::not_found());
    };
    if resource.namespaced != t.namespace.is_some() {
        return Reply::json(404, &status::not_found());
    }
    let verb = if request.method == "DELETE" {
        "delete"
    } else {
        "patch"
    };
    if let Some(d) = state.denials.iter().find(|d| {
        d.group == t.group && d.resource == t.plural && d.user.as_deref().is_none_or(|u| u == user)
    }) {
        let body = match d.code {
            403 => status::forbidden(user, verb, t.group, t.plural, t.namespace),
            _ => status::not_found(),
        };
        return Reply::json(d.code, &body);
    }
    let namespace = t.namespace.unwrap_or("");
    let qualified = format!("{}.{}", t.plural, t.group);
    let not_found = || {
        Reply::json(
            404,
            &status::status(
                404,
                "NotFound",
                &format!("{qualified} \"{}\" not found", t.name),
                json!({"name": t.name, "group": t.group, "kind": t.plural}),
            ),
        )
    };
    if request.method == "DELETE" {
        return match store.remove(t.group, t.plural, namespace, t.name) {
            Some(gone) => Reply::json(
                200,
                &json!({
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Success",
                    "details": {
                        "name": t.name,
                        "group": t.group,
                        "kind": t.plural,
                        "uid": gone["metadata"]["uid"],
                    },
                }),
            ),
            None => not_found(),
        };
    }

    let bad =
        |message: String| Reply::json(400, &status::status(400, "BadRequest", &message, json!({})));
    if !request.content_type.starts_with(APPLY_PATCH) {
        return Reply::json(
            415,
            &status::status(
                415,
                "UnsupportedMediaType",
                &format!(
                    "the body of the request was in an unknown format - accepted media types include: {APPLY_PATCH}"
                ),
                json!({}),
            ),
        );
    }
    let params = parse_query(request.query);
    let Some(manager) = params.get("fieldManager").filter(|m| !m.is_empty()) else {
        return bad("PATCH /apply requires fieldManager to be set".into());
    };
    let force = params.get("force").is_some_and(|f| f == "true");
    let Some(mut object) = parse_body(request.body) else {
        return bad("the body is not a JSON or YAML object".into());
    };
    let api_version = resource.api_version();
    if object["apiVersion"] != api_version.as_str() || object["kind"] != resource.kind.as_str() {
        return bad(format!(
            "the applied object must be apiVersion {api_version}, kind {}",
            resource.kind
        ));
    }
    if object["metadata"]["name"] != t.name {
        return bad("the name of the object does not match the name on the URL".into());
    }
    match (t.namespace, object["metadata"]["namespace"].as_str()) {
        (Some(ns), Some(given)) if ns != given => {
            return bad(
                "the namespace of the object does not match the namespace on the URL".into(),
            )
        }
        (None, Some(_)) => {
            return bad("a cluster-scoped object has no namespace".into());
        }
        _ => {}
    }
    let existing = store.with_list(t.group, t.plural, |list| {
        list.iter()
            .find(|s| s.namespace == namespace && s.name == t.name)
            .map(|s| s.object.clone())
    });
    if let Some(old) = &existing {
        let owner = old["metadata"]["managedFields"][0]["manager"].as_str();
        if owner.is_some_and(|o| o != manager) && !force {
            return Reply::json(
                409,
                &status::status(
                    409,
                    "Conflict",
                    &format!(
                        "Apply failed with 1 conflict: conflict with \"{}\"",
                        owner.unwrap_or_default()
                    ),
                    json!({"name": t.name, "group": t.group, "kind": t.plural}),
                ),
            );
        }
    }
    let version = state.resource_version.fetch_add(1, Ordering::SeqCst);
    let Some(meta) = object["metadata"].as_object_mut() else {
        return bad("the object has no metadata".into());
    };
    if let Some(ns) = t.namespace {
        meta.insert("namespace".into(), json!(ns));
    }
    let old_meta = existing.as_ref().map(|o| &o["metadata"]);
    meta.insert(
        "uid".into(),
        old_meta
            .map(|m| m["uid"].clone())
            .unwrap_or_else(|| json!(format!("00000000-0000-4000-9000-{version:012}"))),
    );
    meta.insert(
        "creationTimestamp".into(),
        old_meta
            .map(|m| m["creationTimestamp"].clone())
            .unwrap_or_else(|| json!("2026-01-01T00:00:00Z")),
    );
    meta.insert("resourceVersion".into(), json!(version.to_string()));
    let generation = old_meta.and_then(|m| m["generation"].as_i64()).unwrap_or(0) + 1;
    meta.insert("generation".into(), json!(generation));
    meta.insert(
        "managedFields".into(),
        json!([{
            "manager": manager,
            "operation": "Apply",
            "apiVersion": api_version,
            "time": "2026-01-01T00:00:00Z",
            "fieldsType": "FieldsV1",
            "fieldsV1": {},
        }]),
    );
    store.put(t.group, t.plural, namespace, t.name, object.clone());
    let code = if existing.is_some() { 200 } else { 201 };
    Reply::json(code, &object)
}

/// The applied configuration: JSON (what kube-rs and kubectl send), or YAML.
fn parse_body(body: &[u8]) -> Option<Value> {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return value.is_object().then_some(value);
    }
    let text = std::str::from_utf8(body).ok()?;
    let loaded = load_text("apply", text, &Limits::default());
    loaded.objects.first().map(|o| o.root.to_json())
}
