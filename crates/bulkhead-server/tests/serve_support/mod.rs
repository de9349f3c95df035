//! What the `serve` tests share: a cluster of privileged Pods on the test API server, a
//! kubeconfig the scanner reads again before every scan, serve's options for it, and a
//! plain HTTP/1.1 client for its endpoints.
#![allow(dead_code)] // each test file uses part of the helpers

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpStream;

use bulkhead_cluster::Target;
use bulkhead_engine::{settings, ConfigChoice, Flags};
use bulkhead_server::serve::ServeOptions;
use bulkhead_test_apiserver::{Auth, Options as ApiOptions, Server};

pub fn privileged_pod(name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"containers": [{
            "name": "app", "image": "registry.example/app:1.0",
            "securityContext": {"privileged": true}
        }]}
    })
}

pub fn api(objects: Vec<Value>) -> Server {
    Server::start(ApiOptions::new(objects)).unwrap()
}

/// A kubeconfig file the scanner reads again before every scan.
pub struct Kubeconfig {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Kubeconfig {
    pub fn of(server: &Server, auth: Auth) -> Kubeconfig {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        std::fs::write(&path, server.kubeconfig(auth)).unwrap();
        Kubeconfig { _dir: dir, path }
    }

    pub fn point_at(&self, server: &Server, auth: Auth) {
        std::fs::write(&self.path, server.kubeconfig(auth)).unwrap();
    }
}

pub fn options(kubeconfig: &Path) -> ServeOptions {
    ServeOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        target: Target {
            kubeconfig: Some(kubeconfig.to_path_buf()),
            context: None,
        },
        namespaces: Vec::new(),
        settings: settings::resolve(&Flags::default(), &ConfigChoice::Ignore, &[]).unwrap(),
        // Only the first scan and those asked for run during a test.
        interval: Duration::from_secs(3600),
        alerts: None,
        audit: None,
        sinks: Vec::new(),
        trend_capacity: 10,
        store: None,
        write_policyreports: false,
        tls: None,
        admission: None,
        release_memory: None,
    }
}

/// One HTTP/1.1 request on a new connection: (status, content type, body).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    accept: &str,
    body: Vec<u8>,
) -> (u16, String, String) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .header("accept", accept)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let answer = sender.send_request(request).await.unwrap();
    let status = answer.status().as_u16();
    let content_type = answer
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = answer.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

pub async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let (status, _, body) = http(addr, "GET", path, "*/*", Vec::new()).await;
    (status, body)
}

pub async fn post_scan(addr: SocketAddr) -> (u16, Value) {
    let (status, _, body) = http(addr, "POST", "/scan", "*/*", Vec::new()).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// Waits (a debug build on a loaded machine is slow) until `/readyz` answers 200.
pub async fn ready(addr: SocketAddr) {
    for _ in 0..600 {
        if get(addr, "/readyz").await.0 == 200 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not ready after 60s: {}", get(addr, "/readyz").await.1);
}

/// The value of one sample of the classic text exposition (`name{labels}` as printed).
pub fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| {
        let rest = line.strip_prefix(series)?;
        rest.strip_prefix(' ')?.trim().parse().ok()
    })
}
