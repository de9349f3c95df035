//! Routing and answers: discovery, lists with `limit`/`continue`, metadata-only lists,
//! single objects, the kubelet's `configz` through the node proxy, and `Status` errors.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use base64::Engine as _;
use serde_json::{json, Value};

use crate::resources::Resource;
use crate::status;
use crate::store::Store;

/// A request the server answered, for tests that compare what a client asked for with
/// what its RBAC role allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The authenticated user, or empty when authentication failed.
    pub user: String,
    pub method: String,
    pub path: String,
    pub query: String,
    pub accept: String,
    pub status: u16,
}

/// An answer the authorizer (403) or the server (404) gives for one resource instead of
/// its objects, for every user or only one.
#[derive(Clone, Debug)]
pub struct Denial {
    pub user: Option<String>,
    pub group: String,
    /// A plural (`secrets`), a subresource (`nodes/proxy`), or `version` for `/version`.
    pub resource: String,
    pub code: u16,
}

/// Everything the server answers with besides the objects.
pub struct State {
    /// Read by every GET; written by the server-side applies and deletes of the writable
    /// resources ([`crate::write`]).
    pub store: Store,
    /// (group, plural) of the resources that accept apply and delete.
    pub writable: Vec<(String, String)>,
    /// The next `resourceVersion` a write stamps.
    pub resource_version: std::sync::atomic::AtomicU64,
    pub version: Value,
    /// Bearer token → user.
    pub tokens: BTreeMap<String, String>,
    pub denials: Vec<Denial>,
    /// Node name → the kubelet's configuration (the `kubeletconfig` of its configz).
    pub configz: BTreeMap<String, Value>,
    /// Continue tokens still to be answered with 410 Gone, as after an etcd compaction.
    pub expire_continues: AtomicUsize,
    pub requests: Mutex<Vec<Recorded>>,
    pub address: String,
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    /// A watch: the body is a stream of events, written as changes happen.
    pub watch: Option<Watch>,
}

/// What a watch request follows: changes to one resource after a resource version.
#[derive(Clone, Debug)]
pub struct Watch {
    pub group: String,
    pub plural: String,
    pub namespace: Option<String>,
    pub after: u64,
    /// `timeoutSeconds`: the server ends the stream after it.
    pub timeout: Option<u64>,
}

impl Reply {
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            body: serde_json::to_vec(value).unwrap_or_default(),
            watch: None,
        }
    }
}

/// Who is asking: from a bearer token, or the client certificate's CN.
pub fn authenticate(
    state: &State,
    authorization: Option<&str>,
    certificate_user: Option<&str>,
) -> Option<String> {
    if let Some(token) = authorization.and_then(|a| a.strip_prefix("Bearer ")) {
        return state.tokens.get(token.trim()).cloned();
    }
    certificate_user.map(str::to_string)
}

impl State {
    /// The objects (the store locks inside).
    pub fn read_store(&self) -> &Store {
        &self.store
    }
}

/// One request as the handler sees it.
pub struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub accept: &'a str,
    pub content_type: &'a str,
    pub body: &'a [u8],
}

/// Answers one request of `user` (None: not authenticated): GETs, and the applies and
/// deletes of writable resources.
pub fn handle(state: &State, user: Option<&str>, request: &Incoming<'_>) -> Reply {
    let Incoming {
        method,
        path,
        query,
        accept,
        ..
    } = *request;
    let reply = match user {
        None => Reply::json(401, &status::unauthorized()),
        Some(user) if crate::write::handles(state, method, path) => {
            crate::write::handle(state, user, request)
        }
        Some(_) if method != "GET" => Reply::json(
            405,
            &status::status(405, "MethodNotAllowed", "this server only reads", json!({})),
        ),
        Some(user) => route(state, user, path, query, accept),
    };
    if let Ok(mut requests) = state.requests.lock() {
        requests.push(Recorded {
            user: user.unwrap_or_default().to_string(),
            method: method.to_string(),
            path: path.to_string(),
            query: query.to_string(),
            accept: accept.to_string(),
            status: reply.status,
        });
    }
    reply
}

fn route(state: &State, user: &str, path: &str, query: &str, accept: &str) -> Reply {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        // A denial of `version` (group "") refuses the first request a client makes.
        ["version"] => match denied(state, user, "", "version") {
            Some(code) => refusal(code, user, "get", "", "version", None),
            None => Reply::json(200, &state.version),
        },
        ["api"] => Reply::json(
            200,
            &json!({
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": state.address}
                ]
            }),
        ),
        ["apis"] => Reply::json(200, &group_list(state)),
        ["api", version] => resource_list(state, "", version),
        ["apis", group, version] => resource_list(state, group, version),
        ["api", "v1", "nodes", node, "proxy", "configz"] => configz(state, user, node),
        ["api", version, rest @ ..] => objects(state, user, "", version, rest, query, accept),
        ["apis", group, version, rest @ ..] => {
            objects(state, user, group, version, rest, query, accept)
        }
        _ => Reply::json(404, &status::not_found()),
    }
}

fn denied(state: &State, user: &str, group: &str, resource: &str) -> Option<u16> {
    state
        .denials
        .iter()
        .find(|d| {
            d.group == group
                && d.resource == resource
                && d.user.as_deref().is_none_or(|u| u == user)
        })
        .map(|d| d.code)
}

fn refusal(
    code: u16,
    user: &str,
    verb: &str,
    group: &str,
    resource: &str,
    ns: Option<&str>,
) -> Reply {
    match code {
        403 => Reply::json(403, &status::forbidden(user, verb, group, resource, ns)),
        _ => Reply::json(404, &status::not_found()),
    }
}

fn group_list(state: &State) -> Value {
    let store = state.read_store();
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for r in store.resources.iter().filter(|r| !r.group.is_empty()) {
        match groups.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, versions)) if !versions.contains(&r.version) => {
                versions.push(r.version.clone())
            }
            Some(_) => {}
            None => groups.push((r.group.clone(), vec![r.version.clone()])),
        }
    }
    let groups: Vec<Value> = groups
        .iter()
        .map(|(group, versions)| {
            let gv = |v: &String| json!({"groupVersion": format!("{group}/{v}"), "version": v});
            json!({
                "name": group,
                "versions": versions.iter().map(gv).collect::<Vec<_>>(),
                "preferredVersion": gv(&versions[0]),
            })
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

const VERBS: [&str; 8] = [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

fn resource_list(state: &State, group: &str, version: &str) -> Reply {
    let store = state.read_store();
    let served: Vec<&Resource> = store
        .resources
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    if served.is_empty() {
        return Reply::json(404, &status::not_found());
    }
    let mut resources = Vec::new();
    for r in served {
        let mut entry = json!({
            "name": r.plural,
            "singularName": r.kind.to_ascii_lowercase(),
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": VERBS,
        });
        if !r.short_names.is_empty() {
            entry["shortNames"] = json!(r.short_names);
        }
        resources.push(entry);
        if r.plural == "nodes" && group.is_empty() {
            resources.push(json!({
                "name": "nodes/proxy",
                "singularName": "",
                "namespaced": false,
                "kind": "NodeProxyOptions",
                "verbs": ["create", "delete", "get", "patch", "update"],
            }));
        }
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Reply::json(
        200,
        &json!({
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": resources,
        }),
    )
}

fn configz(state: &State, user: &str, node: &str) -> Reply {
    if let Some(code) = denied(state, user, "", "nodes/proxy") {
        return refusal(code, user, "get", "", "nodes/proxy", None);
    }
    match state.configz.get(node) {
        Some(config) => Reply::json(200, &json!({"kubeletconfig": config})),
        None => Reply::json(
            404,
            &status::status(
                404,
                "NotFound",
                &format!("nodes \"{node}\" not found"),
                json!({"name": node, "kind": "nodes"}),
            ),
        ),
    }
}

/// `[namespaces, NS, PLURAL, (NAME)]` or `[PLURAL, (NAME)]` under a group version.
fn objects(
    state: &State,
    user: &str,
    group: &str,
    version: &str,
    rest: &[&str],
    query: &str,
    accept: &str,
) -> Reply {
    let (namespace, plural, name) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return Reply::json(404, &status::not_found()),
    };
    let store = state.read_store();
    let Some(resource) = store.resource(group, version, plural) else {
        return Reply::json(404, &status::not_found());
    };
    if namespace.is_some() && !resource.namespaced {
        return Reply::json(404, &status::not_found());
    }
    let verb = if name.is_some() { "get" } else { "list" };
    if let Some(code) = denied(state, user, group, plural) {
        return refusal(code, user, verb, group, plural, namespace);
    }
    let metadata_only = accept.contains("as=PartialObjectMetadata");
    let params = parse_query(query);
    if name.is_none() && matches!(params.get("watch").map(String::as_str), Some("true" | "1")) {
        let after = params
            .get("resourceVersion")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| state.store.resource_version());
        return Reply {
            status: 200,
            body: Vec::new(),
            watch: Some(Watch {
                group: group.to_string(),
                plural: plural.to_string(),
                namespace: namespace.map(str::to_string),
                after,
                timeout: params.get("timeoutSeconds").and_then(|t| t.parse().ok()),
            }),
        };
    }
    let resource_version = state.store.resource_version();
    state.store.with_list(group, plural, |stored| {
        list_or_get(
            state,
            resource,
            stored,
            namespace,
            plural,
            name,
            &params,
            metadata_only,
            resource_version,
        )
    })
}

/// A list page or one object, from the objects of the resource.
#[allow(clippy::too_many_arguments)]
fn list_or_get(
    state: &State,
    resource: &Resource,
    stored: &[crate::store::Stored],
    namespace: Option<&str>,
    plural: &str,
    name: Option<&str>,
    params: &BTreeMap<String, String>,
    metadata_only: bool,
    resource_version: u64,
) -> Reply {
    let selector = params
        .get("labelSelector")
        .map(String::as_str)
        .unwrap_or("");
    let in_scope = stored
        .iter()
        .filter(|s| namespace.is_none_or(|ns| s.namespace == ns))
        .filter(|s| matches_labels(selector, &s.object["metadata"]["labels"]));
    if let Some(name) = name {
        return match in_scope.into_iter().find(|s| s.name == name) {
            Some(s) if metadata_only => Reply::json(200, &partial(&s.object)),
            Some(s) => Reply::json(200, &s.object),
            None => Reply::json(
                404,
                &status::status(
                    404,
                    "NotFound",
                    &format!("{plural} \"{name}\" not found"),
                    json!({"name": name, "kind": plural}),
                ),
            ),
        };
    }
    let all: Vec<&Value> = in_scope.map(|s| &s.object).collect();
    let start = match params.get("continue").filter(|c| !c.is_empty()) {
        None => 0,
        Some(token) => {
            let expire = state
                .expire_continues
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if expire {
                return Reply::json(410, &status::expired());
            }
            match decode_continue(token) {
                Some(start) => start,
                None => {
                    return Reply::json(
                        400,
                        &status::status(400, "BadRequest", "invalid continue token", json!({})),
                    )
                }
            }
        }
    };
    let limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let end = start.saturating_add(limit).min(all.len());
    let page = all.get(start.min(all.len())..end).unwrap_or(&[]);
    let mut metadata = json!({"resourceVersion": resource_version.to_string()});
    if end < all.len() {
        metadata["continue"] = json!(encode_continue(end));
        metadata["remainingItemCount"] = json!(all.len() - end);
    }
    let builtin = crate::resources::is_built_in(&resource.group, &resource.kind);
    let items: Vec<Value> = page
        .iter()
        .map(|o| {
            if metadata_only {
                partial(o)
            } else if builtin {
                // Items of a built-in list carry no apiVersion or kind: the list's kind says it.
                let mut o = (*o).clone();
                if let Some(map) = o.as_object_mut() {
                    map.remove("apiVersion");
                    map.remove("kind");
                }
                o
            } else {
                (*o).clone()
            }
        })
        .collect();
    let list = if metadata_only {
        json!({
            "kind": "PartialObjectMetadataList",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": metadata,
            "items": items,
        })
    } else {
        json!({
            "kind": format!("{}List", resource.kind),
            "apiVersion": resource.api_version(),
            "metadata": metadata,
            "items": items,
        })
    };
    Reply::json(200, &list)
}

/// The metadata-only form of an object.
fn partial(object: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": object["metadata"],
    })
}

fn encode_continue(start: usize) -> String {
    let token = json!({"v": "meta.k8s.io/v1", "rv": 5000, "start": start.to_string()});
    base64::engine::general_purpose::STANDARD.encode(token.to_string())
}

fn decode_continue(token: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value["start"].as_str()?.parse().ok()
}

/// Whether `labels` satisfy an equality-based label selector: `k=v`, `k==v`, `k!=v` and
/// `k` (exists), comma-separated; empty selects everything.
fn matches_labels(selector: &str, labels: &Value) -> bool {
    selector
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .all(|requirement| {
            let label = |key: &str| labels[key.trim()].as_str();
            if let Some((key, value)) = requirement.split_once("!=") {
                label(key) != Some(value.trim())
            } else if let Some((key, value)) = requirement
                .split_once("==")
                .or_else(|| requirement.split_once('='))
            {
                label(key) == Some(value.trim())
            } else {
                label(requirement).is_some()
            }
        })
}

pub fn parse_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip_through_url_encoding() {
        let token = encode_continue(1500);
        assert_eq!(decode_continue(&token), Some(1500));
        let encoded = token
            .replace('=', "%3D")
            .replace('+', "%2B")
            .replace('/', "%2F");
        let params = parse_query(&format!("limit=500&continue={encoded}"));
        assert_eq!(params.get("continue"), Some(&token));
        assert_eq!(decode_continue("not a token"), None);
    }

    #[test]
    fn label_selectors_match_by_equality_inequality_and_existence() {
        let labels = json!({"app": "web", "tier": "front"});
        for (selector, expected) in [
            ("", true),
            ("app=web", true),
            ("app==web", true),
            ("app=web,tier=front", true),
            ("app=db", false),
            ("app!=db", true),
            ("app!=web", false),
            ("tier", true),
            ("owner", false),
        ] {
            assert_eq!(matches_labels(selector, &labels), expected, "{selector}");
        }
    }
}
