//! Reading a cluster served by the test API server: paging, 410 restarts, metadata-only
//! Secrets, owners, managedFields, denials, and the snapshot that comes out.

use std::collections::BTreeMap;

use bulkhead_cluster::{read_snapshot, Options, Target};
use bulkhead_model::{load_text, Limits};
use bulkhead_test_apiserver::{Auth, Denial, Options as ServerOptions, Server};
use serde_json::{json, Value};

fn pod(ns: &str, name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]}
    })
}

/// Reads `server` with `options` (its kubeconfig in a temporary file) into a snapshot.
fn read(server: &Server, auth: Auth, options: &Options) -> (String, bulkhead_cluster::Collection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, server.kubeconfig(auth)).unwrap();
    let target = Target {
        kubeconfig: Some(path),
        context: None,
    };
    read_snapshot(&target, options).unwrap()
}

/// The objects of a snapshot, by kind, as read back by the loader.
fn loaded(text: &str) -> BTreeMap<String, Vec<String>> {
    let loaded = load_text("snapshot.yaml", text, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for o in &loaded.objects {
        kinds
            .entry(o.kind.clone())
            .or_default()
            .push(o.object_ref().to_string());
    }
    kinds
}

#[test]
fn lists_are_read_page_by_page_across_three_pages_and_more() {
    let pods: Vec<Value> = (0..7).map(|i| pod("shop", &format!("p{i}"))).collect();
    let server = Server::start(ServerOptions::new(pods)).unwrap();
    let options = Options {
        page_size: 2,
        ..Options::default()
    };
    let (text, _) = read(&server, Auth::Certificate, &options);
    let pods = &loaded(&text)["Pod"];
    assert_eq!(pods.len(), 7, "{pods:?}");
    let pages: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/pods")
        .collect();
    assert_eq!(pages.len(), 4, "{pages:#?}");
    assert!(pages
        .iter()
        .all(|r| r.query.contains("limit=2") && r.status == 200));
    assert!(!pages[0].query.contains("continue="));
    assert!(pages[1..].iter().all(|r| r.query.contains("continue=")));
}

#[test]
fn an_expired_continue_token_restarts_the_list() {
    let pods: Vec<Value> = (0..5).map(|i| pod("shop", &format!("p{i}"))).collect();
    let mut server_options = ServerOptions::new(pods);
    server_options.expire_continues = 1;
    let server = Server::start(server_options).unwrap();
    let options = Options {
        page_size: 2,
        ..Options::default()
    };
    let (text, collection) = read(&server, Auth::Token, &options);
    // Every Pod once: the pages read before the 410 were thrown away.
    let mut pods = loaded(&text)["Pod"].clone();
    pods.sort();
    pods.dedup();
    assert_eq!(pods.len(), 5);
    assert_eq!(loaded(&text)["Pod"].len(), 5);
    assert!(collection.unread.is_empty(), "{:?}", collection.unread);
    let statuses: Vec<(u16, bool)> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/pods")
        .map(|r| (r.status, r.query.contains("continue=")))
        .collect();
    // First page, 410 on its continue token, a fresh start, then pages to the end.
    assert_eq!(
        statuses,
        vec![
            (200, false),
            (410, true),
            (200, false),
            (200, true),
            (200, true)
        ]
    );
}

#[test]
fn secrets_are_listed_as_metadata_only_and_no_value_is_written() {
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"c2VjcmV0LXZhbHVl\"}}",
            "team": "payments"
        }},
        "type": "Opaque",
        "data": {"password": "c2VjcmV0LXZhbHVl"}
    });
    let server = Server::start(ServerOptions::new(vec![secret])).unwrap();
    let (text, _) = read(&server, Auth::Certificate, &Options::default());
    assert!(!text.contains("c2VjcmV0LXZhbHVl"), "{text}");
    assert!(!text.contains("last-applied-configuration"), "{text}");
    assert!(text.contains("team: payments"), "{text}");
    assert_eq!(loaded(&text)["Secret"], vec!["Secret/shop/db"]);
    let secrets: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/secrets"))
        .collect();
    assert!(!secrets.is_empty());
    for r in secrets {
        assert!(
            r.accept
                .contains("as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"),
            "{r:?}"
        );
    }
    // Every other list asks for whole objects.
    assert!(server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/pods")
        .all(|r| !r.accept.contains("PartialObjectMetadata")));
}

#[test]
fn owned_pods_are_represented_by_their_controller_and_managed_fields_are_dropped() {
    let owner = |kind: &str, name: &str| json!([{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": "u", "controller": true}]);
    let mut rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-5d4f", "namespace": "shop"}, "spec": {"selector": {}, "template": {"spec": {"containers": []}}}});
    rs["metadata"]["ownerReferences"] = owner("Deployment", "web");
    let mut owned = pod("shop", "web-5d4f-x2");
    owned["metadata"]["ownerReferences"] = owner("ReplicaSet", "web-5d4f");
    let mut orphan = pod("shop", "batch-1");
    orphan["metadata"]["ownerReferences"] = owner("ReplicaSet", "gone");
    let mut mirror = pod("kube-system", "etcd-control-1");
    mirror["metadata"]["ownerReferences"] = json!([{"apiVersion": "v1", "kind": "Node", "name": "control-1", "uid": "n", "controller": true}]);
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"selector": {}, "template": {"spec": {"containers": []}}}});
    let server = Server::start(ServerOptions::new(vec![
        deployment, rs, owned, orphan, mirror,
    ]))
    .unwrap();
    let (text, collection) = read(&server, Auth::Certificate, &Options::default());
    let kinds = loaded(&text);
    assert_eq!(kinds["Deployment"], vec!["Deployment/shop/web"]);
    assert!(!kinds.contains_key("ReplicaSet"), "{kinds:?}");
    assert_eq!(
        kinds["Pod"],
        vec!["Pod/kube-system/etcd-control-1", "Pod/shop/batch-1"]
    );
    assert_eq!(collection.resolved_to_owners, 2);
    // The server adds managedFields to every object (as a real one does); none is kept.
    assert!(!text.contains("managedFields:"), "{text}");
    assert!(
        text.contains("resourceVersion"),
        "the rest of the metadata stays"
    );
    // Each object is announced by its API path.
    assert!(
        text.contains("# GET /apis/apps/v1/namespaces/shop/deployments/web\napiVersion: apps/v1\n"),
        "{text}"
    );
}

#[test]
fn refusals_are_recorded_once_per_resource_and_the_rest_is_read() {
    let objects = vec![
        pod("shop", "a"),
        pod("other", "b"),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "shop"}, "spec": {"podSelector": {}}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}),
    ];
    let mut server_options = ServerOptions::new(objects);
    server_options.denials = vec![
        Denial {
            user: None,
            group: String::new(),
            resource: "secrets".into(),
            code: 403,
        },
        Denial {
            user: None,
            group: "networking.k8s.io".into(),
            resource: "networkpolicies".into(),
            code: 403,
        },
        Denial {
            user: None,
            group: String::new(),
            resource: "nodes/proxy".into(),
            code: 403,
        },
    ];
    let server = Server::start(server_options).unwrap();
    // Two namespaces: each namespaced resource is asked twice, refused twice, reported once.
    let options = Options {
        namespaces: vec!["shop".into(), "other".into()],
        ..Options::default()
    };
    let (text, collection) = read(&server, Auth::Certificate, &options);
    let unread: Vec<(&str, u16)> = collection
        .unread
        .iter()
        .map(|u| (u.resource.as_str(), u.code))
        .collect();
    assert_eq!(
        unread,
        vec![
            ("secrets", 403),
            ("networkpolicies", 403),
            ("nodes/proxy", 403)
        ]
    );
    let netpol = collection
        .unread
        .iter()
        .find(|u| u.resource == "networkpolicies")
        .unwrap();
    assert!(
        netpol
            .reason
            .contains("cannot list resource \"networkpolicies\""),
        "{}",
        netpol.reason
    );
    assert_eq!(netpol.kind, "NetworkPolicy");
    let kinds = loaded(&text);
    assert_eq!(kinds["Pod"].len(), 2);
    assert!(!kinds.contains_key("NetworkPolicy"));
    // The record in the snapshot says so, for a later scan of the file.
    assert!(
        text.contains("  unread:\n  - code: 403\n    group: \"\"\n    kind: Secret\n"),
        "{text}"
    );
    // Namespaced reads were limited to the namespaces asked for.
    assert!(server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/pods"))
        .all(|r| r.path.contains("/namespaces/shop/") || r.path.contains("/namespaces/other/")));
}
