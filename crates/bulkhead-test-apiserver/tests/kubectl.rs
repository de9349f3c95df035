//! The server's fidelity, judged by the real client: `kubectl` discovers, lists and reads
//! through it with a client certificate and with a bearer token, and shows its `Status`
//! errors as it shows a real API server's.
//!
//! With CI set, a missing `kubectl` fails the test (`.ci/run` installs Debian's
//! `kubernetes-client`); elsewhere the test says it was skipped.

use std::path::Path;
use std::process::Command;

use bulkhead_test_apiserver::{objects_from_paths, Auth, Denial, Options, Server};

fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "kubectl is missing: .ci/run installs the kubernetes-client package"
        );
        eprintln!("skipped: kubectl is not installed");
    }
    found
}

fn examples() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    [
        "insecure-deployment.yaml",
        "hardened-deployment.yaml",
        "helm-rendered.yaml",
    ]
    .iter()
    .map(|f| root.join(f).to_string_lossy().into_owned())
    .collect()
}

/// Three Pods in two namespaces, plus the examples.
fn objects() -> Vec<serde_json::Value> {
    let mut objects = objects_from_paths(&examples());
    for (ns, name) in [
        ("default", "web-0"),
        ("default", "web-1"),
        ("kube-system", "kube-apiserver-control-1"),
    ] {
        objects.push(serde_json::json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]},
            "status": {"phase": "Running"}
        }));
    }
    objects
}

/// Runs kubectl against `server` with the kubeconfig of `auth`: (success, stdout, stderr).
fn kubectl(server: &Server, auth: Auth, args: &[&str]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kubeconfig");
    std::fs::write(&config, server.kubeconfig(auth)).unwrap();
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&config)
        // A cache from another server on the same port would hide a discovery failure.
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["--request-timeout", "20s"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn kubectl_lists_pods_in_all_namespaces() {
    if !kubectl_available() {
        return;
    }
    let server = Server::start(Options::new(objects())).unwrap();
    for auth in [Auth::Certificate, Auth::Token] {
        let (ok, out, err) = kubectl(&server, auth, &["get", "pods", "-A"]);
        assert!(ok, "{auth:?}: {err}");
        assert!(out.contains("NAMESPACE"), "{out}");
        assert!(
            out.contains("web-0") && out.contains("kube-apiserver-control-1"),
            "{out}"
        );
        assert!(
            out.contains("kube-system") && out.contains("default"),
            "{out}"
        );
    }
    // Deployments from the examples, by short name, in their namespace.
    let (ok, out, err) = kubectl(&server, Auth::Token, &["get", "deploy", "-A", "-o", "name"]);
    assert!(ok, "{err}");
    assert!(out.contains("deployment.apps/"), "{out}");
    // kubectl pages its lists too (`--chunk-size`): three pages of one Pod each.
    let (ok, out, err) = kubectl(
        &server,
        Auth::Token,
        &["get", "pods", "-A", "--chunk-size", "1", "-o", "name"],
    );
    assert!(ok, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("pod/")).count(),
        3,
        "{out}"
    );
    let pages = server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/pods" && r.query.contains("limit=1"))
        .count();
    assert!(pages >= 3, "{pages} pages");
}

#[test]
fn kubectl_discovers_the_api_resources() {
    if !kubectl_available() {
        return;
    }
    let server = Server::start(Options::new(objects())).unwrap();
    let (ok, out, err) = kubectl(&server, Auth::Certificate, &["api-resources"]);
    assert!(ok, "{err}");
    for line in ["pods ", "networkpolicies ", "clusterroles ", "deployments "] {
        assert!(out.lines().any(|l| l.starts_with(line)), "{line}\n{out}");
    }
    let pods = out.lines().find(|l| l.starts_with("pods ")).unwrap();
    assert!(
        pods.contains(" po ")
            && pods.contains(" v1 ")
            && pods.contains("true")
            && pods.contains("Pod"),
        "{pods}"
    );
    let netpol = out
        .lines()
        .find(|l| l.starts_with("networkpolicies "))
        .unwrap();
    assert!(
        netpol.contains("networking.k8s.io/v1") && netpol.contains("NetworkPolicy"),
        "{netpol}"
    );
}

#[test]
fn kubectl_reads_the_version_and_raw_paths() {
    if !kubectl_available() {
        return;
    }
    let server = Server::start(Options::new(objects())).unwrap();
    let (ok, out, err) = kubectl(&server, Auth::Certificate, &["get", "--raw", "/version"]);
    assert!(ok, "{err}");
    let version: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(version["gitVersion"], "v1.32.3");
    assert_eq!(version["minor"], "32");
    let (ok, out, err) = kubectl(&server, Auth::Certificate, &["version", "-o", "json"]);
    assert!(ok, "{err}");
    assert!(out.contains("\"serverVersion\""), "{out}");
}

#[test]
fn kubectl_shows_the_servers_refusals_as_it_shows_a_real_one() {
    if !kubectl_available() {
        return;
    }
    let mut options = Options::new(objects());
    options.denials.push(Denial {
        user: None,
        group: String::new(),
        resource: "secrets".into(),
        code: 403,
    });
    let server = Server::start(options).unwrap();
    let (ok, _, err) = kubectl(&server, Auth::Token, &["get", "secrets", "-A"]);
    assert!(!ok);
    assert!(
        err.contains("secrets is forbidden: User \"system:serviceaccount:bulkhead:scanner\" cannot list resource \"secrets\" in API group \"\" at the cluster scope"),
        "{err}"
    );
    let (ok, _, err) = kubectl(&server, Auth::BadToken, &["get", "pods"]);
    assert!(!ok);
    assert!(
        err.contains("Unauthorized") || err.contains("provide credentials"),
        "{err}"
    );
    let (ok, _, err) = kubectl(
        &server,
        Auth::Token,
        &["get", "pod", "missing", "-n", "default"],
    );
    assert!(!ok);
    assert!(err.contains("pods \"missing\" not found"), "{err}");
}

/// The PolicyReport kinds as a writable custom resource: kubectl's server-side apply creates
/// and updates them under its field manager, a second manager without `--force-conflicts`
/// gets the conflict, `get` lists them and `delete` removes them.
#[test]
fn kubectl_applies_lists_and_deletes_policyreports() {
    if !kubectl_available() {
        return;
    }
    let mut options = Options::new(objects());
    options.policy_reports = true;
    let server = Server::start(options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.yaml");
    let write = |message: &str| {
        std::fs::write(
            &file,
            format!(
                "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata:\n  name: bulkhead\n  namespace: shop\n  labels: {{app.kubernetes.io/managed-by: bulkhead}}\nresults:\n  - policy: privileged-container\n    rule: BHW001\n    result: fail\n    message: {message}\nsummary: {{pass: 0, fail: 1, warn: 0, error: 0, skip: 0}}\n"
            ),
        )
        .unwrap();
    };
    let path = file.to_str().unwrap();
    let apply = [
        "apply",
        "--server-side",
        "--validate=false",
        "--field-manager=bulkhead",
        "-f",
        path,
    ];

    write("first");
    let (ok, out, err) = kubectl(&server, Auth::Token, &apply);
    assert!(ok, "{err}");
    assert!(
        out.contains("policyreport.wgpolicyk8s.io/bulkhead serverside-applied"),
        "{out}"
    );
    write("second");
    let (ok, _, err) = kubectl(&server, Auth::Token, &apply);
    assert!(ok, "{err}");
    let (ok, out, err) = kubectl(
        &server,
        Auth::Token,
        &[
            "get",
            "policyreports",
            "-A",
            "-l",
            "app.kubernetes.io/managed-by=bulkhead",
            "-o",
            "json",
            "--show-managed-fields",
        ],
    );
    assert!(ok, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{out}");
    assert_eq!(items[0]["results"][0]["message"], "second");
    assert_eq!(items[0]["metadata"]["generation"], 2);
    assert_eq!(
        items[0]["metadata"]["managedFields"][0]["manager"],
        "bulkhead"
    );
    let (ok, out, _) = kubectl(
        &server,
        Auth::Token,
        &[
            "get",
            "policyreports",
            "-A",
            "-l",
            "app.kubernetes.io/managed-by=kyverno",
        ],
    );
    assert!(ok && !out.contains("bulkhead"), "{out}");

    // Another manager: a conflict, unless it forces.
    let other = [
        "apply",
        "--server-side",
        "--validate=false",
        "--field-manager=someone-else",
        "-f",
        path,
    ];
    let (ok, _, err) = kubectl(&server, Auth::Token, &other);
    assert!(!ok && err.contains("conflict"), "{err}");

    let (ok, out, err) = kubectl(
        &server,
        Auth::Token,
        &["delete", "policyreport", "bulkhead", "-n", "shop"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("deleted"), "{out}");
    let (ok, _, err) = kubectl(
        &server,
        Auth::Token,
        &["get", "policyreport", "bulkhead", "-n", "shop"],
    );
    assert!(
        !ok && err.contains("NotFound") && err.contains("not found"),
        "{err}"
    );
    // Kinds that are not writable stay read-only.
    let (ok, _, err) = kubectl(
        &server,
        Auth::Token,
        &["delete", "pod", "web-0", "-n", "default"],
    );
    assert!(!ok, "{err}");
}

/// `kubectl get --watch` sees the changes a test makes while the server runs, in order.
#[test]
fn kubectl_watches_changes_as_they_happen() {
    if !kubectl_available() {
        return;
    }
    use std::io::{BufRead, BufReader};
    let namespace = |name: &str, team: &str| {
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": {"team": team}}})
    };
    let server = Server::start(Options::new(vec![namespace("prod", "a")])).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kubeconfig");
    std::fs::write(&config, server.kubeconfig(Auth::Token)).unwrap();
    let mut child = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&config)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        // Ends the watch (and so the test) should the events never come.
        .args(["--request-timeout", "20s"])
        .args(["get", "namespaces", "--watch", "-L", "team", "--no-headers"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().unwrap().unwrap();
    assert!(next().starts_with("prod"), "the list comes first");
    // The watch is open once kubectl has asked for it.
    for _ in 0..100 {
        if server
            .requests()
            .iter()
            .any(|r| r.query.contains("watch=true"))
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server.apply(namespace("prod", "b")).unwrap();
    server.apply(namespace("dev", "c")).unwrap();
    let changed = next();
    let added = next();
    let _ = child.kill();
    let _ = child.wait();
    let columns = |line: &str| {
        line.split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(columns(&changed)[0], "prod");
    assert_eq!(columns(&changed).last().unwrap(), "b");
    assert_eq!(columns(&added)[0], "dev");
    assert_eq!(columns(&added).last().unwrap(), "c");
}
