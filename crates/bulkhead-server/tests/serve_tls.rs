//! `serve` over HTTPS: with certificate files its endpoints answer a real TLS client
//! (rustls, HTTP/1.1) and nothing in plain HTTP, and a renewed certificate written over the
//! files is served to new connections without a restart; the admission webhook mounted
//! under `/admission` answers reviews with the modes the cluster's namespace labels choose.

mod common;
mod serve_support;

use std::time::Duration;

use bulkhead_server::admission::Defaults;
use bulkhead_server::serve::admission_mount::AdmissionOptions;
use bulkhead_server::serve::{start, TlsFiles};
use bulkhead_server::tls::TlsOptions;
use bulkhead_test_apiserver::{Auth, Authority};
use common::{connector, request};
use serve_support::{api, options, privileged_pod, Kubeconfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_are_https_and_a_renewed_certificate_is_served() {
    let server = api(vec![privileged_pod("web")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let first = Authority::new("serve-first-ca").unwrap();
    let second = Authority::new("serve-second-ca").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let issued = first.server().unwrap();
    std::fs::write(&cert, &issued.cert).unwrap();
    std::fs::write(&key, &issued.key).unwrap();

    let mut serve = options(&kubeconfig.path);
    serve.tls = Some(TlsFiles {
        cert: cert.clone(),
        key: key.clone(),
        options: TlsOptions {
            reload_every: Duration::from_millis(100),
            ..TlsOptions::default()
        },
    });
    let serving = start(serve).await.unwrap();
    assert!(serving.tls);
    let addr = serving.addr;
    let trusts_first = connector(first.ca.cert.as_bytes());
    let trusts_second = connector(second.ca.cert.as_bytes());

    assert_eq!(
        request(&trusts_first, addr, "GET", "/healthz", Vec::new()).await,
        Ok((200, "ok\n".to_string()))
    );
    let mut ready = false;
    for _ in 0..600 {
        let answer = request(&trusts_first, addr, "GET", "/readyz", Vec::new()).await;
        if answer.as_ref().is_ok_and(|(status, _)| *status == 200) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "ready over HTTPS after the first scan");
    let (status, body) = request(&trusts_first, addr, "POST", "/scan", Vec::new())
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, page) = request(&trusts_first, addr, "GET", "/", Vec::new())
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("id=\"trends\""));
    let refused = request(&trusts_second, addr, "GET", "/healthz", Vec::new())
        .await
        .unwrap_err();
    assert!(refused.starts_with("handshake: "), "{refused}");

    // Plain HTTP on the same port gets no HTTP answer.
    let mut plain = tokio::net::TcpStream::connect(addr).await.unwrap();
    plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), plain.read_to_end(&mut answer)).await;
    assert!(
        !answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // The certificate is renewed in place (as cert-manager rewrites a mounted Secret).
    let renewed = second.server().unwrap();
    std::fs::write(&key, &renewed.key).unwrap();
    std::fs::write(&cert, &renewed.cert).unwrap();
    let mut served = Err(String::new());
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        served = request(&trusts_second, addr, "GET", "/healthz", Vec::new()).await;
        if served.is_ok() {
            break;
        }
    }
    assert_eq!(served, Ok((200, "ok\n".to_string())));
    let refused = request(&trusts_first, addr, "GET", "/healthz", Vec::new())
        .await
        .unwrap_err();
    assert!(refused.starts_with("handshake: "), "{refused}");
    serving.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_certificate_files_stop_the_start_with_their_path() {
    let server = api(vec![privileged_pod("web")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let dir = tempfile::tempdir().unwrap();
    let mut serve = options(&kubeconfig.path);
    let missing = dir.path().join("missing.crt");
    serve.tls = Some(TlsFiles {
        cert: missing.clone(),
        key: dir.path().join("missing.key"),
        options: TlsOptions::default(),
    });
    let err = start(serve).await.err().expect("no certificate, no start");
    assert!(err.contains(&missing.display().to_string()), "{err}");
}

/// A CREATE review of a Deployment whose container runs privileged, in `namespace`.
fn privileged_deployment_review(namespace: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/admission/deployment-create.json");
    let mut review: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    review["request"]["namespace"] = serde_json::json!(namespace);
    review["request"]["object"]["metadata"]["namespace"] = serde_json::json!(namespace);
    review
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admission_webhook_answers_under_admission_with_the_cluster_namespace_labels() {
    // `prod` enforces from high by its label, read from the cluster serve scans.
    let prod = serde_json::json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "prod", "labels": {"bulkhead.dev/enforce": "high"}}
    });
    let server = api(vec![prod, privileged_pod("web")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);
    let authority = Authority::new("serve-admission-ca").unwrap();
    let issued = authority.server().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    std::fs::write(&cert, &issued.cert).unwrap();
    std::fs::write(&key, &issued.key).unwrap();
    let settings = || {
        bulkhead_engine::settings::resolve(
            &bulkhead_engine::Flags::default(),
            &bulkhead_engine::ConfigChoice::Ignore,
            &[],
        )
        .unwrap()
    };

    // Without TLS the API server could not call it: refused at start.
    let mut plain = options(&kubeconfig.path);
    plain.admission = Some(AdmissionOptions {
        defaults: Defaults::default(),
        settings: settings(),
    });
    let err = start(plain).await.err().expect("admission needs TLS");
    assert!(err.contains("HTTPS"), "{err}");

    let mut serve = options(&kubeconfig.path);
    serve.tls = Some(TlsFiles {
        cert,
        key,
        options: TlsOptions::default(),
    });
    serve.admission = Some(AdmissionOptions {
        defaults: Defaults::default(),
        settings: settings(),
    });
    let serving = start(serve).await.unwrap();
    let tls = connector(authority.ca.cert.as_bytes());
    let review = |namespace: &str| {
        let body = privileged_deployment_review(namespace)
            .to_string()
            .into_bytes();
        let tls = tls.clone();
        let addr = serving.addr;
        async move {
            let (status, body) = request(&tls, addr, "POST", "/admission/validate", body)
                .await
                .unwrap();
            assert_eq!(status, 200, "{body}");
            let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
            answer["response"].clone()
        }
    };
    let denied = review("prod").await;
    assert_eq!(denied["allowed"], false, "{denied}");
    assert_eq!(denied["status"]["code"], 403);
    let warned = review("shop").await;
    assert_eq!(warned["allowed"], true, "{warned}");
    assert!(
        warned["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().any(|m| m.as_str().unwrap().contains("BHW001"))),
        "{warned}"
    );
    // The webhook's own metrics beside serve's, which are unchanged.
    let (status, metrics) = request(&tls, serving.addr, "GET", "/admission/metrics", Vec::new())
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(
        metrics.contains("bulkhead_admission_reviews_total"),
        "{metrics}"
    );
    let (status, metrics) = request(&tls, serving.addr, "GET", "/metrics", Vec::new())
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(metrics.contains("bulkhead_scans_total"), "{metrics}");
    serving.shutdown().await.unwrap();
}
