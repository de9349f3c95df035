//! Reading a cluster: `/version`, discovery, then every resource of [`crate::kinds::READ`]
//! the cluster serves — paginated (`limit` + `continue`, restarting on 410 Gone), several
//! at a time with a bound — then each node's live kubelet configuration (`configz`).
//! Secrets are listed as metadata only, `managedFields` are dropped, and Pods (and
//! ReplicaSets, Jobs) owned by a controller that was read are represented by that owner.
//!
//! A resource that cannot be read (403, 404, an error mid-way) is recorded once as
//! [`Unread`] and the rest of the read goes on.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::APIResourceList;
use kube::api::{Api, DynamicObject, ListParams};
use kube::discovery::ApiResource;
use kube::Client;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::connect::Connection;
use crate::error::{chain, classify, ClusterError};
use crate::kinds::{self, Read};

/// How to read.
#[derive(Clone)]
pub struct Options {
    /// Limit namespaced reads to these namespaces (`-n`); empty means all.
    pub namespaces: Vec<String>,
    /// Objects per page (`limit`).
    pub page_size: u32,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Told what is being read, for a progress bar.
    pub progress: Option<Arc<dyn Progress>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            namespaces: Vec::new(),
            page_size: 500,
            concurrency: 8,
            progress: None,
        }
    }
}

/// Receives progress while a cluster is read.
pub trait Progress: Send + Sync {
    /// A resource (`pods`, `nodes/proxy`) is about to be read, `total` resources in all.
    fn started(&self, resource: &str, total: usize);
    /// `count` more objects of `resource` were read.
    fn read(&self, resource: &str, count: usize);
    /// One resource is done.
    fn finished(&self, resource: &str);
}

/// One served resource, as discovery describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    pub group: String,
    pub version: String,
    pub plural: String,
    pub kind: String,
    pub namespaced: bool,
}

impl Served {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `/api/v1` or `/apis/GROUP/VERSION`.
    pub fn prefix(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// The list URL, cluster-wide or in one namespace.
    pub fn list_path(&self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) if self.namespaced => {
                format!("{}/namespaces/{ns}/{}", self.prefix(), self.plural)
            }
            _ => format!("{}/{}", self.prefix(), self.plural),
        }
    }

    /// The URL of one object.
    pub fn object_path(&self, namespace: Option<&str>, name: &str) -> String {
        format!("{}/{name}", self.list_path(namespace))
    }
}

/// One object read, with the URL it is served at.
#[derive(Clone, Debug)]
pub struct Collected {
    pub api_path: String,
    pub object: Value,
}

/// A resource that could not be read, once per resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    pub group: String,
    /// The plural, or `nodes/proxy` for the kubelets' configuration.
    pub resource: String,
    /// The kind whose objects are missing (`KubeletConfiguration` for `nodes/proxy`).
    pub kind: String,
    /// The HTTP status (403, 404, 410, 5xx), or 0 when no answer came.
    pub code: u16,
    pub reason: String,
}

/// What was read of one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadCount {
    pub api_version: String,
    pub resource: String,
    pub kind: String,
    pub count: usize,
    /// Secrets: metadata only.
    pub metadata_only: bool,
}

/// Everything read from a cluster.
#[derive(Clone, Debug)]
pub struct Collection {
    pub server: String,
    pub context: String,
    /// `/version`.
    pub version: Value,
    pub objects: Vec<Collected>,
    pub read: Vec<ReadCount>,
    pub unread: Vec<Unread>,
    /// Resources the scanner reads that this cluster does not serve (no such CRD).
    pub not_served: Vec<String>,
    pub namespaces: Vec<String>,
    /// Objects left out because their controller was read (Pods of a ReplicaSet, ...).
    pub resolved_to_owners: usize,
}

/// Reads the cluster of `connection`. Fails only when the cluster cannot be read at all
/// (unreachable, credentials rejected, discovery refused).
pub async fn collect(
    connection: &Connection,
    options: &Options,
) -> Result<Collection, ClusterError> {
    let client = &connection.client;
    let fail = |e: kube::Error| classify(&connection.server, &connection.context, &e);
    let version = client
        .request::<Value>(get("/version", "application/json"))
        .await
        .map_err(fail)?;
    let (served, mut unread, not_served) = discover(client).await.map_err(fail)?;
    let mut tasks: Vec<(usize, Served, Option<String>, Read)> = Vec::new();
    for (index, s) in served.iter().enumerate() {
        let Some(read) = kinds::read_of(&s.group, &s.plural) else {
            continue;
        };
        if s.namespaced && !options.namespaces.is_empty() {
            for ns in &options.namespaces {
                tasks.push((index, s.clone(), Some(ns.clone()), read));
            }
        } else {
            tasks.push((index, s.clone(), None, read));
        }
    }
    let total = tasks.len();
    let results: Vec<_> = stream::iter(tasks)
        .map(|(index, s, ns, read)| {
            let progress = options.progress.clone();
            let page_size = options.page_size;
            async move {
                if let Some(p) = &progress {
                    p.started(&s.plural, total);
                }
                let listed = list_all(
                    client,
                    &s,
                    ns.as_deref(),
                    read,
                    page_size,
                    progress.as_deref(),
                )
                .await;
                if let Some(p) = &progress {
                    p.finished(&s.plural);
                }
                (index, s, ns, read, listed)
            }
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    let mut results = results;
    results.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
    let mut objects = Vec::new();
    let mut read_counts: BTreeMap<(String, String), ReadCount> = BTreeMap::new();
    for (_, s, _, read, listed) in results {
        match listed {
            Ok(items) => {
                let count = read_counts
                    .entry((s.group.clone(), s.plural.clone()))
                    .or_insert_with(|| ReadCount {
                        api_version: s.api_version(),
                        resource: s.plural.clone(),
                        kind: s.kind.clone(),
                        count: 0,
                        metadata_only: read == Read::Metadata,
                    });
                count.count += items.len();
                for item in items {
                    objects.push(normalize(&s, item, read));
                }
            }
            Err(e) => {
                let entry = unread_of(&s.group, &s.plural, &s.kind, &e);
                if !unread
                    .iter()
                    .any(|u| u.group == entry.group && u.resource == entry.resource)
                {
                    unread.push(entry);
                }
            }
        }
    }
    let nodes: Vec<String> = objects
        .iter()
        .filter(|o| o.object["kind"] == "Node")
        .filter_map(|o| o.object["metadata"]["name"].as_str().map(str::to_string))
        .collect();
    let (configs, config_unread) = kubelet_configs(client, &nodes, options).await;
    objects.extend(configs);
    unread.extend(config_unread);
    let before = objects.len();
    let objects = resolve_owners(objects);
    let resolved_to_owners = before - objects.len();
    Ok(Collection {
        server: connection.server.clone(),
        context: connection.context.clone(),
        version,
        objects,
        read: read_counts.into_values().collect(),
        unread,
        not_served,
        namespaces: options.namespaces.clone(),
        resolved_to_owners,
    })
}

fn get(path: &str, accept: &str) -> http::Request<Vec<u8>> {
    let mut request = http::Request::new(Vec::new());
    *request.uri_mut() = http::Uri::try_from(path).unwrap_or_default();
    if let Ok(value) = http::HeaderValue::from_str(accept) {
        request.headers_mut().insert(http::header::ACCEPT, value);
    }
    request
}

/// The resources the server serves that the scanner reads (at each group's preferred
/// version), what discovery could not tell, and the readable resources not served.
async fn discover(client: &Client) -> Result<(Vec<Served>, Vec<Unread>, Vec<String>), kube::Error> {
    let mut served = Vec::new();
    let mut unread = Vec::new();
    let core = client.list_core_api_versions().await?;
    let core_version = core
        .versions
        .iter()
        .find(|v| *v == "v1")
        .or(core.versions.first())
        .cloned()
        .unwrap_or_else(|| "v1".to_string());
    let resources = client.list_core_api_resources(&core_version).await?;
    served.extend(served_of("", &core_version, &resources));
    let groups = client.list_api_groups().await?;
    let wanted: BTreeSet<&str> = kinds::READ.iter().map(|(g, _, _)| *g).collect();
    for group in groups
        .groups
        .iter()
        .filter(|g| wanted.contains(g.name.as_str()))
    {
        let Some(version) = group
            .preferred_version
            .as_ref()
            .or(group.versions.first())
            .map(|v| v.version.clone())
        else {
            continue;
        };
        match client
            .list_api_group_resources(&format!("{}/{version}", group.name))
            .await
        {
            Ok(resources) => served.extend(served_of(&group.name, &version, &resources)),
            // An aggregated API that is down fails its own discovery: its resources are
            // unread, the rest goes on.
            Err(e) => {
                for (_, plural, _) in kinds::READ.iter().filter(|(g, _, _)| *g == group.name) {
                    unread.push(unread_of(&group.name, plural, "", &e));
                }
            }
        }
    }
    let not_served = kinds::READ
        .iter()
        .filter(|(g, p, _)| {
            !served
                .iter()
                .any(|s: &Served| s.group == *g && s.plural == *p)
                && !unread.iter().any(|u| u.group == *g && u.resource == *p)
        })
        .map(|(g, p, _)| {
            if g.is_empty() {
                p.to_string()
            } else {
                format!("{p}.{g}")
            }
        })
        .collect();
    Ok((served, unread, not_served))
}

fn served_of(group: &str, version: &str, list: &APIResourceList) -> Vec<Served> {
    list.resources
        .iter()
        .filter(|r| !r.name.contains('/') && r.verbs.iter().any(|v| v == "list"))
        .map(|r| Served {
            group: group.to_string(),
            version: version.to_string(),
            plural: r.name.clone(),
            kind: r.kind.clone(),
            namespaced: r.namespaced,
        })
        .collect()
}

fn unread_of(group: &str, resource: &str, kind: &str, error: &kube::Error) -> Unread {
    let (code, reason) = match error {
        kube::Error::Api(status) => (
            status.code,
            format!("{} {}: {}", status.code, status.reason, status.message),
        ),
        other => (0, chain(other)),
    };
    Unread {
        group: group.to_string(),
        resource: resource.to_string(),
        kind: kind.to_string(),
        code,
        reason,
    }
}

/// One page of a list.
#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    metadata: PageMeta,
    #[serde(default)]
    items: Vec<Value>,
}

#[derive(Deserialize, Default)]
struct PageMeta {
    #[serde(default, rename = "continue")]
    continue_token: Option<String>,
}

/// How many times a list starts over after its continue token expired (410 Gone).
const RESTARTS: usize = 3;

/// Every object of a resource, page by page. An expired continue token (410 Gone, the
/// history compacted under a long list) restarts the list from the beginning.
async fn list_all(
    client: &Client,
    served: &Served,
    namespace: Option<&str>,
    read: Read,
    page_size: u32,
    progress: Option<&dyn Progress>,
) -> Result<Vec<Value>, kube::Error> {
    let mut restarts = 0;
    'list: loop {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = match read {
                Read::Objects => {
                    page_of_objects(client, served, namespace, page_size, token.as_deref()).await
                }
                Read::Metadata => {
                    page_of_metadata(client, served, namespace, page_size, token.as_deref()).await
                }
            };
            match page {
                Ok((page_items, next)) => {
                    if let Some(p) = progress {
                        p.read(&served.plural, page_items.len());
                    }
                    items.extend(page_items);
                    match next.filter(|t| !t.is_empty()) {
                        Some(next) => token = Some(next),
                        None => return Ok(items),
                    }
                }
                Err(kube::Error::Api(status)) if status.code == 410 && restarts < RESTARTS => {
                    restarts += 1;
                    continue 'list;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

async fn page_of_objects(
    client: &Client,
    served: &Served,
    namespace: Option<&str>,
    page_size: u32,
    token: Option<&str>,
) -> Result<(Vec<Value>, Option<String>), kube::Error> {
    let mut url = format!("{}?limit={page_size}", served.list_path(namespace));
    if let Some(token) = token {
        url.push_str("&continue=");
        url.push_str(&encode_query(token));
    }
    let page: Page = client.request(get(&url, "application/json")).await?;
    Ok((page.items, page.metadata.continue_token))
}

/// A page of metadata only, as kube-rs asks for it (`Accept:
/// application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`): the API server
/// sends no `data`, so no value is ever received.
async fn page_of_metadata(
    client: &Client,
    served: &Served,
    namespace: Option<&str>,
    page_size: u32,
    token: Option<&str>,
) -> Result<(Vec<Value>, Option<String>), kube::Error> {
    let resource = ApiResource {
        group: served.group.clone(),
        version: served.version.clone(),
        api_version: served.api_version(),
        kind: served.kind.clone(),
        plural: served.plural.clone(),
    };
    let api: Api<DynamicObject> = match namespace {
        Some(ns) if served.namespaced => Api::namespaced_with(client.clone(), ns, &resource),
        _ => Api::all_with(client.clone(), &resource),
    };
    let mut params = ListParams::default().limit(page_size);
    if let Some(token) = token {
        params = params.continue_token(token);
    }
    let list = api.list_metadata(&params).await?;
    let items = list
        .items
        .into_iter()
        .map(
            |item| json!({"metadata": serde_json::to_value(&item.metadata).unwrap_or(Value::Null)}),
        )
        .collect();
    Ok((items, list.metadata.continue_))
}

fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An item as `kubectl get -o yaml` prints it: with its apiVersion and kind, without
/// managedFields. A Secret keeps its metadata only, without the last-applied annotation
/// (which would hold its values).
fn normalize(served: &Served, item: Value, read: Read) -> Collected {
    let mut object = match item {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut ordered = Map::new();
    ordered.insert("apiVersion".into(), Value::String(served.api_version()));
    ordered.insert("kind".into(), Value::String(served.kind.clone()));
    let mut metadata = object.remove("metadata").unwrap_or_else(|| json!({}));
    if let Some(meta) = metadata.as_object_mut() {
        meta.remove("managedFields");
        if read == Read::Metadata {
            if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
                annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
                if annotations.is_empty() {
                    meta.remove("annotations");
                }
            }
        }
    }
    ordered.insert("metadata".into(), metadata);
    if read == Read::Objects {
        object.remove("apiVersion");
        object.remove("kind");
        ordered.extend(object);
    }
    let namespace = ordered["metadata"]["namespace"]
        .as_str()
        .map(str::to_string);
    let name = ordered["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    Collected {
        api_path: served.object_path(namespace.as_deref(), &name),
        object: Value::Object(ordered),
    }
}

/// Each node's kubelet configuration as the kubelet itself reports it
/// (`/api/v1/nodes/NAME/proxy/configz`): a `KubeletConfiguration` named after the node.
/// A refusal is reported once; other failures name the nodes.
async fn kubelet_configs(
    client: &Client,
    nodes: &[String],
    options: &Options,
) -> (Vec<Collected>, Vec<Unread>) {
    if nodes.is_empty() {
        return (Vec::new(), Vec::new());
    }
    if let Some(p) = &options.progress {
        p.started("nodes/proxy", nodes.len());
    }
    let answers: Vec<(String, Result<Value, kube::Error>)> = stream::iter(nodes.iter().cloned())
        .map(|node| async move {
            let path = format!("/api/v1/nodes/{node}/proxy/configz");
            let answer = client
                .request::<Value>(get(&path, "application/json"))
                .await;
            (node, answer)
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    if let Some(p) = &options.progress {
        p.read("nodes/proxy", answers.len());
        p.finished("nodes/proxy");
    }
    let mut configs = Vec::new();
    let mut failures: Vec<(String, kube::Error)> = Vec::new();
    for (node, answer) in answers {
        match answer {
            Ok(value) => match value.get("kubeletconfig").and_then(Value::as_object) {
                Some(config) => configs.push(kubelet_object(&node, config)),
                None => failures.push((
                    node,
                    kube::Error::Api(Box::new(kube::core::Status::failure(
                        "configz answered without a kubeletconfig",
                        "BadResponse",
                    ))),
                )),
            },
            Err(e) => failures.push((node, e)),
        }
    }
    configs.sort_by(|a, b| a.api_path.cmp(&b.api_path));
    let unread = match failures.first() {
        None => Vec::new(),
        Some((_, error)) => {
            let mut entry = unread_of(
                kinds::KUBELET_CONFIG.0,
                kinds::KUBELET_CONFIG.1,
                "KubeletConfiguration",
                error,
            );
            let mut names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            entry.reason = format!("{} (nodes: {})", entry.reason, names.join(", "));
            vec![entry]
        }
    };
    (configs, unread)
}

fn kubelet_object(node: &str, config: &Map<String, Value>) -> Collected {
    let mut object = Map::new();
    object.insert("apiVersion".into(), json!("kubelet.config.k8s.io/v1beta1"));
    object.insert("kind".into(), json!("KubeletConfiguration"));
    object.insert("metadata".into(), json!({"name": node}));
    for (k, v) in config {
        if !matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
            object.insert(k.clone(), v.clone());
        }
    }
    Collected {
        api_path: format!("/api/v1/nodes/{node}/proxy/configz"),
        object: Value::Object(object),
    }
}

/// Kinds whose objects are created by a controller from a template.
const CONTROLLERS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
];

/// Leaves out Pods, ReplicaSets and Jobs whose controlling owner was read: the owner's
/// template is what the checks judge (and what a fix changes). Mirror Pods (owned by a
/// Node) and Pods whose owner could not be read stay.
fn resolve_owners(objects: Vec<Collected>) -> Vec<Collected> {
    let key = |o: &Value| {
        (
            o["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            o["kind"].as_str().unwrap_or_default().to_string(),
            o["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    };
    let present: BTreeSet<(String, String, String)> = objects
        .iter()
        .filter(|o| CONTROLLERS.contains(&o.object["kind"].as_str().unwrap_or_default()))
        .map(|o| key(&o.object))
        .collect();
    objects
        .into_iter()
        .filter(|o| {
            let namespace = o.object["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default();
            let owners = o.object["metadata"]["ownerReferences"].as_array();
            !owners.into_iter().flatten().any(|owner| {
                owner["controller"].as_bool() == Some(true)
                    && CONTROLLERS.contains(&owner["kind"].as_str().unwrap_or_default())
                    && present.contains(&(
                        namespace.to_string(),
                        owner["kind"].as_str().unwrap_or_default().to_string(),
                        owner["name"].as_str().unwrap_or_default().to_string(),
                    ))
            })
        })
        .collect()
}
