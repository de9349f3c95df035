//! `Status` objects, the body of every API error, as the API server writes them.

use serde_json::{json, Value};

pub fn status(code: u16, reason: &str, message: &str, details: Value) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "details": details,
        "code": code,
    })
}

pub fn unauthorized() -> Value {
    status(401, "Unauthorized", "Unauthorized", json!({}))
}

pub fn not_found() -> Value {
    status(
        404,
        "NotFound",
        "the server could not find the requested resource",
        json!({}),
    )
}

/// What the RBAC authorizer answers: `pods is forbidden: User "alice" cannot list resource
/// "pods" in API group "" in the namespace "default"`.
pub fn forbidden(
    user: &str,
    verb: &str,
    group: &str,
    resource: &str,
    namespace: Option<&str>,
) -> Value {
    let (plural, sub) = match resource.split_once('/') {
        Some((p, s)) => (p, Some(s)),
        None => (resource, None),
    };
    let what = match sub {
        Some(sub) => format!("resource \"{plural}/{sub}\""),
        None => format!("resource \"{plural}\""),
    };
    let scope = match namespace {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_string(),
    };
    let message = format!(
        "{plural} is forbidden: User \"{user}\" cannot {verb} {what} in API group \"{group}\" {scope}"
    );
    status(
        403,
        "Forbidden",
        &message,
        json!({"group": group, "kind": plural}),
    )
}

/// The answer to a continue token older than the compacted history.
pub fn expired() -> Value {
    status(
        410,
        "Expired",
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
        json!({}),
    )
}
