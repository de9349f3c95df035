//! The modes of namespaces read from a cluster (the test API server, over HTTPS with kube-rs)
//! and kept current with a watch: relabelling a namespace changes the next answer.

mod common;

use std::time::Duration;

use serde_json::{json, Value};

use bulkhead_engine::{settings, ConfigChoice, Flags};
use bulkhead_server::admission::{start, AdmissionOptions};
use bulkhead_test_apiserver::{Auth, Options, Server};
use common::{request, test_ca, tls_dir};

fn namespace(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

async fn client(server: &Server) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&server.kubeconfig(Auth::Token)).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

fn review(namespace: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/admission/deployment-create.json");
    let mut review: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    review["request"]["namespace"] = json!(namespace);
    review["request"]["object"]["metadata"]["namespace"] = json!(namespace);
    review
}

async fn allowed(addr: std::net::SocketAddr, namespace: &str) -> bool {
    let (status, body) = request(
        &test_ca(),
        addr,
        "POST",
        "/validate",
        review(namespace).to_string().into_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    answer["response"]["allowed"].as_bool().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_labels_come_from_the_cluster_and_follow_its_changes() {
    let server = Server::start(Options::new(vec![
        namespace("prod", json!({"bulkhead.dev/enforce": "high"})),
        namespace("dev", json!({"team": "web"})),
    ]))
    .unwrap();
    let mut options = AdmissionOptions::new(
        "127.0.0.1:0".parse().unwrap(),
        tls_dir().join("server.crt"),
        tls_dir().join("server.key"),
    );
    options.cluster = Some(client(&server).await);
    let settings = settings::resolve(&Flags::default(), &ConfigChoice::Ignore, &[]).unwrap();
    let webhook = start(options, settings, std::future::pending())
        .await
        .unwrap();

    // Read from the first list, before any review.
    assert!(!allowed(webhook.addr, "prod").await);
    assert!(allowed(webhook.addr, "dev").await);

    // Relabelled in the cluster: the watch brings the change.
    server
        .apply(namespace(
            "dev",
            json!({"team": "web", "bulkhead.dev/enforce": ""}),
        ))
        .unwrap();
    server
        .apply(namespace("prod", json!({"bulkhead.dev/warn": "low"})))
        .unwrap();
    server
        .apply(namespace(
            "new",
            json!({"bulkhead.dev/enforce": "critical"}),
        ))
        .unwrap();
    let mut followed = false;
    for _ in 0..100 {
        if !allowed(webhook.addr, "dev").await && allowed(webhook.addr, "prod").await {
            followed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(followed, "the relabelled namespaces did not change mode");
    // `new` enforces only from critical: the privileged container (high) is allowed.
    assert!(allowed(webhook.addr, "new").await);

    let watches: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/namespaces" && r.query.contains("watch=true"))
        .collect();
    assert!(
        !watches.is_empty(),
        "no watch was opened: {:?}",
        server.requests()
    );
    webhook.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_that_cannot_list_namespaces_stop_the_start() {
    let server = Server::start(Options::new(vec![namespace("prod", json!({}))])).unwrap();
    let kubeconfig =
        kube::config::Kubeconfig::from_yaml(&server.kubeconfig(Auth::BadToken)).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
        .await
        .unwrap();
    let mut options = AdmissionOptions::new(
        "127.0.0.1:0".parse().unwrap(),
        tls_dir().join("server.crt"),
        tls_dir().join("server.key"),
    );
    options.cluster = Some(kube::Client::try_from(config).unwrap());
    options.first_list = Duration::from_secs(2);
    let settings = settings::resolve(&Flags::default(), &ConfigChoice::Ignore, &[]).unwrap();
    let Err(error) = start(options, settings, std::future::pending()).await else {
        panic!("started without the namespaces");
    };
    assert!(
        error.starts_with("could not list the cluster's namespaces within 2 s"),
        "{error}"
    );
}
