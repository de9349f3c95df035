//! The snapshot: what was read, as YAML the ordinary loader reads — one document per object
//! as `kubectl get -o yaml` prints it (without managedFields, Secrets without values), each
//! under a comment naming its API path, after a `ClusterSnapshot` document that records the
//! server, its version, what was read and what could not be (so a scan of the snapshot
//! later knows what it cannot judge, exactly as the live scan did).

use serde_json::{json, Map, Value};

use crate::collect::Collection;
use crate::yaml::write_map;

/// The API version and kind of the snapshot's own record.
pub const SNAPSHOT_API_VERSION: &str = "snapshot.bulkhead.dev/v1";
pub const SNAPSHOT_KIND: &str = "ClusterSnapshot";

/// The snapshot text of `collection`, read at `read_at` (RFC 3339).
pub fn render(collection: &Collection, read_at: &str) -> String {
    let mut out = String::with_capacity(collection.objects.len() * 2048);
    out.push_str(
        "# Bulkhead cluster snapshot: one document per object read from the API server, as\n",
    );
    out.push_str(
        "# `kubectl get -o yaml` prints it, without managedFields and without Secret values.\n",
    );
    out.push_str("# Scan it with `bulkhead scan FILE` for the same findings as the live scan.\n");
    out.push_str("---\n");
    if let Value::Object(record) = record(collection, read_at) {
        write_map(&mut out, &record, 0);
    }
    for object in &collection.objects {
        out.push_str("---\n# GET ");
        out.push_str(&object.api_path.replace('\n', " "));
        out.push('\n');
        match &object.object {
            Value::Object(map) => write_map(&mut out, map, 0),
            _ => out.push_str("{}\n"),
        }
    }
    out
}

fn record(collection: &Collection, read_at: &str) -> Value {
    let read: Vec<Value> = collection
        .read
        .iter()
        .map(|r| {
            let mut entry = json!({
                "apiVersion": r.api_version,
                "resource": r.resource,
                "kind": r.kind,
                "count": r.count,
            });
            if r.metadata_only {
                entry["metadataOnly"] = json!(true);
            }
            entry
        })
        .collect();
    let unread: Vec<Value> = collection
        .unread
        .iter()
        .map(|u| {
            json!({
                "group": u.group,
                "resource": u.resource,
                "kind": u.kind,
                "code": u.code,
                "reason": u.reason,
            })
        })
        .collect();
    let mut spec = Map::new();
    spec.insert("server".into(), json!(collection.server));
    spec.insert("context".into(), json!(collection.context));
    spec.insert("readAt".into(), json!(read_at));
    spec.insert("version".into(), collection.version.clone());
    if !collection.namespaces.is_empty() {
        spec.insert("namespaces".into(), json!(collection.namespaces));
    }
    spec.insert("read".into(), Value::Array(read));
    spec.insert("unread".into(), Value::Array(unread));
    spec.insert("notServed".into(), json!(collection.not_served));
    spec.insert(
        "resolvedToOwners".into(),
        json!(collection.resolved_to_owners),
    );
    let name = if collection.context.is_empty() {
        "cluster".to_string()
    } else {
        collection.context.clone()
    };
    json!({
        "apiVersion": SNAPSHOT_API_VERSION,
        "kind": SNAPSHOT_KIND,
        "metadata": {"name": name},
        "spec": Value::Object(spec),
    })
}

/// Now, as RFC 3339 UTC to the second.
pub fn now_rfc3339() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    bulkhead_model::calendar::rfc3339(seconds as i64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_become_dates() {
        assert_eq!(bulkhead_model::calendar::civil_from_days(0), (1970, 1, 1));
        assert_eq!(
            bulkhead_model::calendar::civil_from_days(20_454),
            (2026, 1, 1)
        );
        assert_eq!(
            bulkhead_model::calendar::civil_from_days(11_016),
            (2000, 2, 29)
        );
    }
}
