//! `--cluster` end to end, against the test API server on loopback: the live scan finds
//! what a scan of the same objects as files finds, a snapshot scanned later finds the same,
//! kubelet findings come from each node's configz, refusals turn controls NOT EVALUATED,
//! connection failures are one line and exit 2, and the deploy/ ClusterRoles allow every
//! request a full scan makes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use bulkhead_test_apiserver::{objects_from_paths, Auth, Denial, Options, Server};
use serde_json::Value;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The objects both sides of a comparison use: the cluster fixtures and the examples.
fn inputs() -> Vec<String> {
    let root = repository();
    let mut paths = vec![root.join("crates/bulkhead/tests/fixtures/cluster")];
    for example in [
        "insecure-deployment.yaml",
        "hardened-deployment.yaml",
        "helm-rendered.yaml",
    ] {
        paths.push(root.join("examples").join(example));
    }
    paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

/// A server holding `inputs()`: the KubeletConfiguration fixture is served as its node's
/// configz, the rest as objects.
fn server_with(denials: Vec<Denial>) -> Server {
    let mut objects = Vec::new();
    let mut configz = BTreeMap::new();
    for mut object in objects_from_paths(&inputs()) {
        if object["kind"] == "KubeletConfiguration" {
            let node = object["metadata"]["name"].as_str().unwrap().to_string();
            let map = object.as_object_mut().unwrap();
            for key in ["apiVersion", "kind", "metadata"] {
                map.remove(key);
            }
            configz.insert(node, object);
        } else {
            objects.push(object);
        }
    }
    let mut options = Options::new(objects);
    options.configz = configz;
    options.denials = denials;
    Server::start(options).unwrap()
}

struct Kubeconfig {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn kubeconfig(server: &Server, auth: Auth) -> Kubeconfig {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, server.kubeconfig(auth)).unwrap();
    Kubeconfig { _dir: dir, path }
}

fn bulkhead(args: &[&str], kubeconfig: Option<&Path>) -> (String, String, i32) {
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    cmd.env_remove("KUBECONFIG")
        .env("HOME", "/nonexistent")
        .env_remove("KUBERNETES_SERVICE_HOST");
    if let Some(path) = kubeconfig {
        cmd.env("KUBECONFIG", path);
    }
    let out = cmd.args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn json_report(args: &[&str], kubeconfig: Option<&Path>) -> Value {
    let (stdout, stderr, code) = bulkhead(args, kubeconfig);
    assert!(code < 2 || !stdout.is_empty(), "exit {code}: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"))
}

fn fingerprints(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["fingerprint"].as_str().unwrap(),
                f["check"].as_str().unwrap(),
                object(f)
            )
        })
        .collect();
    out.sort();
    out
}

fn object(finding: &Value) -> String {
    let o = &finding["object"];
    format!(
        "{}/{}/{}",
        o["kind"].as_str().unwrap_or(""),
        o["namespace"].as_str().unwrap_or(""),
        o["name"].as_str().unwrap_or("")
    )
}

#[test]
fn a_live_scan_finds_what_a_scan_of_the_same_files_finds() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::Certificate);
    // A live read never receives Secret values, so the check of Secret values (BHS004)
    // cannot fire there; it is left out of both sides.
    let live = json_report(
        &[
            "scan",
            "--cluster",
            "-f",
            "json",
            "--no-config",
            "--ignore",
            "BHS004",
        ],
        Some(&config.path),
    );
    let mut args = vec!["scan", "-f", "json", "--no-config", "--ignore", "BHS004"];
    let paths = inputs();
    args.extend(paths.iter().map(String::as_str));
    let files = json_report(&args, None);
    let live_prints = fingerprints(&live);
    assert_eq!(live_prints, fingerprints(&files));
    // The comparison covers every road: workloads, RBAC, network policy, the API server's
    // mirror Pod, and the kubelet's configz.
    let checks: BTreeSet<&str> = live["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    for family in ["BHW", "BHR", "BHN", "BHC", "BHL"] {
        assert!(
            checks.iter().any(|c| c.starts_with(family)),
            "no {family} finding: {checks:?}"
        );
    }
    assert!(live_prints.len() > 30, "{}", live_prints.len());
}

#[test]
fn a_snapshot_scanned_later_gives_the_findings_of_the_live_scan() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::Token);
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("cluster.yaml");
    let snapshot_arg = snapshot.to_str().unwrap();
    let (_, stderr, code) = bulkhead(
        &["snapshot", "--cluster", "-o", snapshot_arg],
        Some(&config.path),
    );
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&snapshot).unwrap();
    assert!(
        text.contains("# GET /apis/apps/v1/namespaces/shop/deployments/checkout\n"),
        "API paths are written"
    );
    assert!(!text.contains("managedFields:"), "{text}");
    assert!(
        !text.contains("c2VjcmV0LXZhbHVlLW5ldmVyLXJlYWQ="),
        "a Secret value was written"
    );
    let live = json_report(
        &["scan", "--cluster", "-f", "json", "--no-config"],
        Some(&config.path),
    );
    let later = json_report(&["scan", "-f", "json", "--no-config", snapshot_arg], None);
    assert_eq!(fingerprints(&live), fingerprints(&later));
    assert_eq!(
        live["errors"],
        later["errors"]
            .clone()
            .as_array()
            .map(|e| {
                // The same errors, at the same lines, in a file of another name.
                Value::Array(
                    e.iter()
                        .map(|e| {
                            let mut e = e.clone();
                            e["path"] = live["errors"][0]["path"].clone();
                            e
                        })
                        .collect(),
                )
            })
            .unwrap()
    );
    // Secret values are said to be unjudged, at the line of the Secrets' record.
    let errors = later["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["message"]
            .as_str()
            .unwrap()
            .contains("without their values")
            && e["severity"] == "warning"),
        "{errors:?}"
    );
}

#[test]
fn kubelet_findings_come_from_configz_at_their_line_in_the_snapshot() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::Certificate);
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("cluster.yaml");
    let report = json_report(
        &[
            "scan",
            "--cluster",
            "--snapshot",
            snapshot.to_str().unwrap(),
            "-f",
            "json",
            "--no-config",
            "--select",
            "kubelet",
        ],
        Some(&config.path),
    );
    let text = std::fs::read_to_string(&snapshot).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let findings = report["findings"].as_array().unwrap();
    let on_node: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            f["object"]["kind"] == "KubeletConfiguration" && f["object"]["name"] == "control-1"
        })
        .collect();
    let by_check = |fragment: &str| {
        on_node
            .iter()
            .find(|f| {
                f["location"]["pointer"]
                    .as_str()
                    .unwrap()
                    .contains(fragment)
            })
            .unwrap_or_else(|| panic!("no finding at {fragment}: {on_node:#?}"))
    };
    for (pointer, line_text) in [
        ("/authentication/anonymous/enabled", "enabled: true"),
        ("/readOnlyPort", "readOnlyPort: 10255"),
        ("/authorization/mode", "mode: AlwaysAllow"),
    ] {
        let f = by_check(pointer);
        assert_eq!(f["location"]["path"], snapshot.to_str().unwrap());
        let line = f["location"]["line"].as_u64().unwrap() as usize;
        assert!(
            lines[line - 1].trim_start().starts_with(line_text),
            "{pointer}: line {line} is {:?}",
            lines[line - 1]
        );
    }
    // The configuration is the kubelet's own answer, under its API path, keys sorted as
    // kubectl prints them.
    assert!(
        text.contains("# GET /api/v1/nodes/control-1/proxy/configz\naddress: 0.0.0.0\napiVersion: kubelet.config.k8s.io/v1beta1\n"),
        "{text}"
    );
}

/// Status of each control of `framework` and the checks it names.
fn controls(report: &Value) -> BTreeMap<String, (String, Vec<String>)> {
    report["framework"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let checks = c["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            (
                c["id"].as_str().unwrap().to_string(),
                (c["status"].as_str().unwrap().to_string(), checks),
            )
        })
        .collect()
}

#[test]
fn refused_secrets_and_network_policies_leave_their_controls_not_evaluated() {
    let denial = |group: &str, resource: &str| Denial {
        user: None,
        group: group.into(),
        resource: resource.into(),
        code: 403,
    };
    let open = server_with(Vec::new());
    let closed = server_with(vec![
        denial("", "secrets"),
        denial("networking.k8s.io", "networkpolicies"),
    ]);
    let open_config = kubeconfig(&open, Auth::Token);
    let closed_config = kubeconfig(&closed, Auth::Token);
    let mut changed = 0;
    let mut passed_before = 0;
    for framework in ["cis-1.12", "nsa-cisa-1.2"] {
        let args = [
            "scan",
            "--cluster",
            "-f",
            "json",
            "--no-config",
            "--framework",
            framework,
        ];
        let open_report = json_report(&args, Some(&open_config.path));
        let before = controls(&open_report);
        let report = json_report(&args, Some(&closed_config.path));
        let after = controls(&report);
        // Each refusal is reported once, with the API server's reason.
        let errors: Vec<&str> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap())
            .collect();
        for resource in ["secrets", "networkpolicies.networking.k8s.io"] {
            let about: Vec<&&str> = errors
                .iter()
                .filter(|m| m.starts_with(&format!("could not read {resource} ")))
                .collect();
            assert_eq!(about.len(), 1, "{resource}: {errors:#?}");
            assert!(
                about[0].contains("403 Forbidden") && about[0].contains("not evaluated"),
                "{}",
                about[0]
            );
        }
        for (id, (status, checks)) in &after {
            let network_or_secrets = checks
                .iter()
                .any(|c| c.starts_with("BHN") || c.starts_with("BHS"));
            if network_or_secrets && status != "fail" && status != "warn" {
                assert!(
                    matches!(status.as_str(), "not-evaluated" | "manual"),
                    "{framework} {id}: {status}"
                );
                assert_ne!(status, "pass");
            }
            if network_or_secrets && before[id].0 == "pass" {
                passed_before += 1;
            }
            if before[id].0 != *status {
                assert_eq!(
                    status, "not-evaluated",
                    "{framework} {id}: {} → {status}",
                    before[id].0
                );
                changed += 1;
            }
        }
    }
    // Every control that the readable cluster passed and that the refused resources decide
    // must change (to not evaluated). With the fixtures' own findings (a NodePort Service, a
    // literal password) those controls may warn either way; manual controls never pass.
    assert!(
        changed >= passed_before,
        "{passed_before} dependent controls passed, {changed} changed"
    );
}

#[test]
fn rejected_credentials_exit_2_with_one_line() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::BadToken);
    let (stdout, stderr, code) = bulkhead(&["scan", "--cluster"], Some(&config.path));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("bulkhead: error: the API server at https://127.0.0.1:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rejected the credentials of context \"test\" (401 Unauthorized)"),
        "{stderr}"
    );
    assert!(stdout.is_empty());
}

#[test]
fn an_unreachable_server_exits_2_with_one_line() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = server_with(Vec::new());
    let text = server
        .kubeconfig(Auth::Token)
        .replace(&server.address.port().to_string(), &port.to_string());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, text).unwrap();
    let (stdout, stderr, code) = bulkhead(&["scan", "--kubeconfig", path.to_str().unwrap()], None);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot reach the API server at https://127.0.0.1:{port}"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("check the server address"), "{stderr}");
}

#[test]
fn an_unknown_context_and_a_missing_kubeconfig_exit_2_with_one_line() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::Token);
    let (_, stderr, code) = bulkhead(&["scan", "--context", "prod"], Some(&config.path));
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim_end(),
        "bulkhead: error: context \"prod\" is not in the kubeconfig (contexts: test)"
    );
    let (_, stderr, code) = bulkhead(&["snapshot", "--kubeconfig", "/nonexistent/config"], None);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot read kubeconfig /nonexistent/config"),
        "{stderr}"
    );
}

#[test]
fn several_kubeconfig_files_merge_and_context_chooses() {
    let server = server_with(Vec::new());
    // The first file names a context of the second as current; `--context` picks another.
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a");
    let second = dir.path().join("b");
    std::fs::write(&first, "apiVersion: v1\nkind: Config\ncurrent-context: test\nclusters: []\nusers: []\ncontexts: []\n").unwrap();
    std::fs::write(&second, server.kubeconfig(Auth::Token)).unwrap();
    let joined = std::env::join_paths([&first, &second]).unwrap();
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    let out = cmd
        .env("KUBECONFIG", &joined)
        .env("HOME", "/nonexistent")
        .args([
            "rbac",
            "who-can",
            "list",
            "secrets",
            "-n",
            "shop",
            "--cluster",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("checkout"), "{stdout}");
}

#[test]
fn netpol_reads_the_cluster() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::Certificate);
    let (stdout, stderr, code) = bulkhead(
        &["netpol", "matrix", "--cluster", "--format", "summary"],
        Some(&config.path),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("policies: 1") || stdout.contains("policies:"),
        "{stdout}"
    );
    let (stdout, stderr, code) = bulkhead(&["netpol", "exposure", "--cluster"], Some(&config.path));
    assert!(code < 2, "{stderr}");
    assert!(stdout.contains("checkout"), "{stdout}");
}

/// `deploy/cluster-reader.yaml`'s ClusterRoles: (group, resource, verb) and URLs.
fn deploy_rules() -> (BTreeSet<(String, String, String)>, BTreeSet<String>) {
    let path = repository().join("deploy/cluster-reader.yaml");
    let objects = objects_from_paths(&[path.to_string_lossy().into_owned()]);
    let mut resources = BTreeSet::new();
    let mut urls = BTreeSet::new();
    for role in objects.iter().filter(|o| o["kind"] == "ClusterRole") {
        for rule in role["rules"].as_array().unwrap() {
            let list = |key: &str| {
                rule[key]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|v| v.as_str().unwrap().to_string())
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            };
            for verb in list("verbs") {
                for url in list("nonResourceURLs") {
                    urls.insert(format!("{verb} {url}"));
                }
                for group in list("apiGroups") {
                    for resource in list("resources") {
                        resources.insert((group.clone(), resource, verb.clone()));
                    }
                }
            }
        }
    }
    (resources, urls)
}

#[test]
fn the_deploy_cluster_roles_allow_every_request_a_full_scan_makes() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::Token);
    let (_, stderr, code) = bulkhead(
        &["scan", "--cluster", "--exit-zero", "-q"],
        Some(&config.path),
    );
    assert_eq!(code, 0, "{stderr}");
    let (resources, urls) = deploy_rules();
    let requests = server.requests();
    assert!(requests.len() > 20);
    let mut used = BTreeSet::new();
    for r in &requests {
        let segments: Vec<&str> = r.path.trim_matches('/').split('/').collect();
        let url_allowed = |path: &str| {
            urls.iter().any(|u| {
                let pattern = u.strip_prefix("get ").unwrap_or("");
                pattern == path
                    || pattern
                        .strip_suffix('*')
                        .is_some_and(|prefix| path.starts_with(prefix))
            })
        };
        let (group, rest) = match segments.as_slice() {
            ["api", "v1", rest @ ..] if !rest.is_empty() => ("", rest),
            ["apis", group, _, rest @ ..] if !rest.is_empty() => (*group, rest),
            _ => {
                assert!(url_allowed(&r.path), "{} is not granted", r.path);
                continue;
            }
        };
        let (resource, verb) = match rest {
            ["namespaces", _, plural] | [plural] => (plural.to_string(), "list"),
            ["nodes", _, "proxy", ..] => ("nodes/proxy".to_string(), "get"),
            other => panic!("unexpected request {other:?}"),
        };
        let key = (group.to_string(), resource, verb.to_string());
        assert!(
            resources.contains(&key),
            "{key:?} ({}) is not granted",
            r.path
        );
        used.insert(key);
    }
    // Secrets by metadata, the kubelets' configz and the lists all went through.
    assert!(used.contains(&(String::new(), "secrets".into(), "list".into())));
    assert!(used.contains(&(String::new(), "nodes/proxy".into(), "get".into())));
    // Nothing is granted that the scanner does not read: every rule is a resource of its
    // table (the resources this server does not serve, CRDs, could not be asked for here).
    for (group, resource, verb) in &resources {
        let read = bulkhead_cluster::kinds::read_of(group, resource).is_some();
        assert!(
            read || (group.is_empty() && resource == "nodes/proxy" && verb == "get"),
            "{group}/{resource} {verb} is granted but never read"
        );
        assert!(
            verb == "list" || resource == "nodes/proxy",
            "{resource}: {verb}"
        );
    }
    let table: BTreeSet<(String, String, String)> = bulkhead_cluster::kinds::READ
        .iter()
        .map(|(g, p, _)| (g.to_string(), p.to_string(), "list".to_string()))
        .collect();
    assert!(
        table.is_subset(&resources),
        "missing: {:?}",
        table.difference(&resources).collect::<Vec<_>>()
    );
    // The main role alone grants nothing that reads a Secret or reaches the kubelet API.
    let text = std::fs::read_to_string(repository().join("deploy/cluster-reader.yaml")).unwrap();
    let main = text
        .split("---")
        .find(|d| d.contains("name: bulkhead-cluster-reader\nrules:"))
        .unwrap();
    assert!(
        !main.contains("secrets") && !main.contains("nodes/proxy"),
        "{main}"
    );
}

#[test]
fn namespaces_limit_the_namespaced_reads() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::Token);
    let (stdout, stderr, code) = bulkhead(&["snapshot", "-n", "shop"], Some(&config.path));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("namespace: shop"));
    assert!(
        !stdout.contains("namespace: kube-system"),
        "the mirror Pod is outside -n shop"
    );
    // Cluster-wide objects are still read.
    assert!(stdout.contains("kind: ClusterRole\n"));
    for r in server.requests() {
        if r.path.ends_with("/pods") {
            assert_eq!(r.path, "/api/v1/namespaces/shop/pods");
        }
    }
}

/// `drift MANIFESTS --cluster`: the manifests the cluster was made from show no security
/// drift; a manifest whose image differs from what runs does, at the manifest's line, with the
/// live value from the cluster's snapshot.
#[test]
fn drift_against_the_live_cluster() {
    let server = server_with(Vec::new());
    let config = kubeconfig(&server, Auth::Token);
    let mut args = vec!["drift", "--cluster", "-f", "json"];
    let paths = inputs();
    args.extend(paths.iter().map(String::as_str));
    let (stdout, stderr, code) = bulkhead(&args, Some(&config.path));
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(report["summary"]["securityDrift"], false, "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    let shop = repository().join("crates/bulkhead/tests/fixtures/cluster/shop.yaml");
    let text = std::fs::read_to_string(&shop).unwrap();
    let image_line = text
        .lines()
        .position(|l| l.trim_start().starts_with("image:"))
        .expect("an image in shop.yaml");
    let edited: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == image_line {
                format!(
                    "{}image: registry.example/changed:9.9",
                    l.split("image:").next().unwrap()
                )
            } else {
                l.to_string()
            }
        })
        .collect();
    let desired = dir.path().join("shop.yaml");
    std::fs::write(&desired, edited.join("\n") + "\n").unwrap();
    let (stdout, stderr, code) = bulkhead(
        &["drift", "--cluster", desired.to_str().unwrap()],
        Some(&config.path),
    );
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("shop.yaml:{}:", image_line + 1)),
        "{stdout}"
    );
    assert!(
        stdout.contains("registry.example/changed:9.9") || stdout.contains("image"),
        "{stdout}"
    );
    // The live side cannot be both the cluster and files.
    let (_, stderr, code) = bulkhead(
        &["drift", "--cluster", "a.yaml", "--against", "b.yaml"],
        Some(&config.path),
    );
    assert_eq!(code, 2, "{stderr}");
}
