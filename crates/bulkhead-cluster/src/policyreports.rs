//! Writing PolicyReports into a cluster, so that PolicyReport UIs (Policy Reporter, the
//! Kyverno and Kubescape dashboards) show Bulkhead's findings.
//!
//! Each report goes in with server-side apply under the field manager `bulkhead`, forced
//! (Bulkhead owns these objects), and only when its content changed: a report whose
//! `bulkhead.dev/content-sha256` annotation equals the one in the cluster is left alone,
//! so a scan that found the same as the last one writes nothing. Reports Bulkhead wrote
//! before (label `app.kubernetes.io/managed-by=bulkhead`) that this scan no longer produces
//! (a namespace now clean of findings, a part no longer needed) are deleted, after the
//! applies; reports of other tools are never touched.
//!
//! The reports themselves come from `bulkhead_report::policyreport` (already split so that
//! no object exceeds 1 MiB); this module only talks to the API server.

use std::collections::BTreeMap;

use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::Client;
use serde_json::Value;

use crate::connect::{connect, Target};
use crate::error::ClusterError;

pub const FIELD_MANAGER: &str = "bulkhead";
/// The label selector of every report Bulkhead writes.
pub const MANAGED_SELECTOR: &str = "app.kubernetes.io/managed-by=bulkhead";
pub const CONTENT_HASH_ANNOTATION: &str = "bulkhead.dev/content-sha256";
const GROUP: &str = "wgpolicyk8s.io";
const VERSION: &str = "v1alpha2";

/// What a write did, each report named `Kind namespace/name` (or `Kind name`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub applied: Vec<String>,
    pub unchanged: Vec<String>,
    pub deleted: Vec<String>,
}

/// Which namespaces' reports a write may delete: all, or only those it scanned (a scan
/// limited with `--namespace` says nothing about the other namespaces).
#[derive(Clone, Debug, Default)]
pub enum Scope {
    #[default]
    Cluster,
    Namespaces(Vec<String>),
}

impl Scope {
    fn covers(&self, namespace: Option<&str>) -> bool {
        match (self, namespace) {
            (Scope::Cluster, _) | (_, None) => true,
            (Scope::Namespaces(list), Some(ns)) => list.iter().any(|n| n == ns),
        }
    }
}

type Key = (String, Option<String>, String);

fn describe((kind, namespace, name): &Key) -> String {
    match namespace {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

fn resource(kind: &str) -> ApiResource {
    ApiResource {
        group: GROUP.into(),
        version: VERSION.into(),
        api_version: format!("{GROUP}/{VERSION}"),
        kind: kind.into(),
        plural: format!("{}s", kind.to_ascii_lowercase()),
    }
}

fn key_of(report: &Value) -> Result<Key, String> {
    let kind = report["kind"].as_str().unwrap_or_default();
    if kind != "PolicyReport" && kind != "ClusterPolicyReport" {
        return Err(format!(
            "not a PolicyReport or ClusterPolicyReport: kind {kind:?}"
        ));
    }
    let name = report["metadata"]["name"]
        .as_str()
        .ok_or("a report without metadata.name")?;
    let namespace = report["metadata"]["namespace"].as_str().map(str::to_string);
    if (kind == "PolicyReport") != namespace.is_some() {
        return Err(format!(
            "{kind} {name}: a PolicyReport needs a namespace, a ClusterPolicyReport has none"
        ));
    }
    Ok((kind.to_string(), namespace, name.to_string()))
}

fn api_error(what: &str, e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) if status.code == 404 => format!(
            "{what}: the API server does not serve {GROUP}/{VERSION} (are the PolicyReport CRDs installed?)"
        ),
        kube::Error::Api(status) => format!(
            "{what}: the API server answered {} {}: {}",
            status.code, status.reason, status.message
        ),
        other => format!("{what}: {}", crate::error::chain(other)),
    }
}

/// Applies the reports that changed and deletes the ones no longer produced, within `scope`.
pub async fn write(client: &Client, reports: &[Value], scope: &Scope) -> Result<Written, String> {
    let mut desired: BTreeMap<Key, &Value> = BTreeMap::new();
    for report in reports {
        desired.insert(key_of(report)?, report);
    }
    let mut existing: BTreeMap<Key, Option<String>> = BTreeMap::new();
    for kind in ["ClusterPolicyReport", "PolicyReport"] {
        let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource(kind));
        let list = api
            .list(&ListParams::default().labels(MANAGED_SELECTOR))
            .await
            .map_err(|e| api_error(&format!("cannot list {kind}s"), &e))?;
        for object in list {
            let labels = object.metadata.labels.clone().unwrap_or_default();
            if labels
                .get("app.kubernetes.io/managed-by")
                .map(String::as_str)
                != Some("bulkhead")
            {
                continue;
            }
            let hash = object
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(CONTENT_HASH_ANNOTATION).cloned());
            let key = (
                kind.to_string(),
                object.metadata.namespace.clone(),
                object.metadata.name.clone().unwrap_or_default(),
            );
            existing.insert(key, hash);
        }
    }
    let mut written = Written::default();
    let params = PatchParams::apply(FIELD_MANAGER).force();
    for (key, report) in &desired {
        let hash = report["metadata"]["annotations"][CONTENT_HASH_ANNOTATION].as_str();
        if hash.is_some() && existing.get(key).is_some_and(|h| h.as_deref() == hash) {
            written.unchanged.push(describe(key));
            continue;
        }
        let (kind, namespace, name) = key;
        let api = api_for(client, kind, namespace.as_deref());
        api.patch(name, &params, &Patch::Apply(report))
            .await
            .map_err(|e| api_error(&format!("cannot apply {}", describe(key)), &e))?;
        written.applied.push(describe(key));
    }
    for key in existing.keys() {
        let (kind, namespace, name) = key;
        if desired.contains_key(key) || !scope.covers(namespace.as_deref()) {
            continue;
        }
        let api = api_for(client, kind, namespace.as_deref());
        match api.delete(name, &DeleteParams::default()).await {
            Ok(_) => written.deleted.push(describe(key)),
            // Gone already (deleted by someone else meanwhile): what was wanted.
            Err(kube::Error::Api(status)) if status.code == 404 => {}
            Err(e) => return Err(api_error(&format!("cannot delete {}", describe(key)), &e)),
        }
    }
    Ok(written)
}

fn api_for(client: &Client, kind: &str, namespace: Option<&str>) -> Api<DynamicObject> {
    match namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource(kind)),
        None => Api::all_with(client.clone(), &resource(kind)),
    }
}

/// [`write`] on a runtime of its own, for the command line.
pub fn write_blocking(
    target: &Target,
    reports: &[Value],
    scope: &Scope,
) -> Result<Written, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the cluster client: {e}"))?;
    runtime.block_on(async {
        let connection = connect(target)
            .await
            .map_err(|e: ClusterError| e.to_string())?;
        write(&connection.client, reports, scope).await
    })
}
