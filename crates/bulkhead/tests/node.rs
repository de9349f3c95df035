//! End-to-end behaviour of `bulkhead node`: reading a node under `--root`, the node families,
//! every report format, exit codes, and the CIS verdicts on a hardened and an insecure
//! kubeadm control-plane node; and that `deploy/` passes its own scan.

mod node_trees;

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// The tests' today: certificates are judged against a fixed date.
const TODAY: &str = "2026-11-27";

fn bulkhead() -> Command {
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    cmd.env_remove("NO_COLOR").env("BULKHEAD_TODAY", TODAY);
    cmd
}

fn run(args: &[&str]) -> (String, String, i32) {
    let out = bulkhead().args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn json(args: &[&str]) -> (Value, i32) {
    let (stdout, stderr, code) = run(args);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (report, code)
}

fn node_json(root: &Path, extra: &[&str]) -> (Value, i32) {
    let root = root.to_str().unwrap();
    let mut args = vec!["node", "--root", root, "-f", "json"];
    args.extend(extra);
    json(&args)
}

/// Control id → (status, automated).
fn verdicts(report: &Value) -> BTreeMap<String, (String, bool)> {
    report["framework"]["controls"]
        .as_array()
        .expect("a framework in the report")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                (
                    c["status"].as_str().unwrap().to_string(),
                    c["automated"].as_bool().unwrap(),
                ),
            )
        })
        .collect()
}

/// The CIS sections a node audit judges: 1 (control plane), 2 (etcd), 3.2 (audit policy) and
/// 4 (worker node). 3.1 needs a person; 5 is about workloads and RBAC.
fn node_section(id: &str) -> bool {
    ["1.", "2.", "3.2.", "4."]
        .iter()
        .any(|prefix| id.starts_with(prefix))
}

fn repository() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

// ---------------------------------------------------------------------------------------
// What works with any collector: plumbing, formats, exit codes, nothing passed unread.

#[test]
fn a_node_with_nothing_on_it_passes_nothing() {
    let empty = tempfile::tempdir().unwrap();
    let (report, code) = node_json(empty.path(), &["--framework", "cis-1.12"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["node"]["root"], empty.path().to_str().unwrap());
    assert_eq!(report["node"]["found"], serde_json::json!([]));
    assert_eq!(report["findings"], serde_json::json!([]));
    let verdicts = verdicts(&report);
    assert_eq!(verdicts.len(), 131);
    for (id, (status, _)) in verdicts.iter().filter(|(id, _)| node_section(id)) {
        assert_eq!(status, "not-evaluated", "{id}");
    }
}

#[test]
fn the_text_report_says_what_was_read_then_the_cis_table() {
    let empty = tempfile::tempdir().unwrap();
    let root = empty.path().to_str().unwrap();
    let (text, _, code) = run(&[
        "node",
        "--root",
        root,
        "--framework",
        "cis-1.12",
        "--color",
        "never",
    ]);
    assert_eq!(code, 0);
    assert!(text.starts_with(&format!("Node {root}\n")), "{text}");
    assert!(
        text.contains("found no component, configuration or node file"),
        "{text}"
    );
    assert!(
        text.contains("CIS Kubernetes Benchmark v1.12 (cis-1.12)"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.starts_with("1.2.1 "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("NOT EVALUATED"), "{row}");
    assert!(
        !text.contains(" PASS "),
        "nothing was read, nothing passes:\n{text}"
    );
    // Run on a copy, not on this machine's `/`: no note about running as root.
    assert!(!text.contains("not running as root"), "{text}");
}

/// Ids of the checks `bulkhead checks` lists in these families.
fn checks_in(families: &[&str]) -> Vec<String> {
    let (list, _) = json(&["checks", "--format", "json"]);
    list.as_array()
        .unwrap()
        .iter()
        .filter(|c| families.contains(&c["family"].as_str().unwrap()))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn only_the_node_families_run_unless_select_says_otherwise() {
    let empty = tempfile::tempdir().unwrap();
    let node = checks_in(&[
        "control-plane",
        "kubelet",
        "node-files",
        "versions",
        "node-host",
    ]);
    let (report, _) = node_json(empty.path(), &[]);
    assert_eq!(report["summary"]["checks"], node.len());

    let (report, _) = node_json(empty.path(), &["--select", "workload"]);
    assert_eq!(report["summary"]["checks"], checks_in(&["workload"]).len());
    let (report, _) = node_json(empty.path(), &["--select", "BHW001,BHW002"]);
    assert_eq!(report["summary"]["checks"], 2);

    let (_, stderr, code) = run(&[
        "node",
        "--root",
        empty.path().to_str().unwrap(),
        "--select",
        "no-such-check",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("names no check"), "{stderr}");
}

#[test]
fn every_report_format_works_for_a_node() {
    let empty = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let root = empty.path().to_str().unwrap();
    let formats = ["json", "sarif", "junit", "markdown", "html", "policyreport"];
    let mut args = vec!["node", "--root", root, "-f", "text"];
    let mut files = Vec::new();
    for format in formats {
        files.push(out.path().join(format!("report.{format}")));
    }
    for (format, file) in formats.iter().zip(&files) {
        args.extend(["-f", format, "-o", file.to_str().unwrap()]);
    }
    let (text, stderr, code) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(text.contains("Scanned 0 objects"), "{text}");
    for file in &files {
        let written = std::fs::read_to_string(file).unwrap();
        assert!(!written.trim().is_empty(), "{}", file.display());
    }
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&files[1]).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn a_root_that_is_not_a_directory_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    let missing = empty.path().join("missing");
    let (_, stderr, code) = run(&["node", "--root", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--root"), "{stderr}");
    // --exit-zero forgives findings and unreadable files, not a command that cannot run.
    let (_, _, code) = run(&["node", "--root", missing.to_str().unwrap(), "--exit-zero"]);
    assert_eq!(code, 2);
    let (_, stderr, code) = run(&[
        "node",
        "--root",
        empty.path().to_str().unwrap(),
        "--framework",
        "cis-9",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown framework"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// deploy/: the DaemonSet and the Job pass Bulkhead's own scan, with every exception explained.

#[test]
fn the_deploy_manifests_scan_clean_and_every_suppression_says_why() {
    let deploy = repository().join("deploy");
    let deploy = deploy.to_str().unwrap();
    let (report, code) = json(&["scan", deploy, "-f", "json", "--show-suppressed"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["errors"], serde_json::json!([]));
    let findings = report["findings"].as_array().unwrap();
    let kinds: Vec<&str> = findings
        .iter()
        .map(|f| f["object"]["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"DaemonSet") && kinds.contains(&"Job"),
        "{kinds:?}"
    );
    for f in findings {
        let suppression = &f["suppression"];
        assert!(
            suppression.is_object(),
            "unsuppressed: {} {}",
            f["check"],
            f["message"]
        );
        let reason = suppression["reason"].as_str().unwrap_or("");
        assert!(
            reason.len() > 20 && reason.contains(f["check"].as_str().unwrap()),
            "{}: the reason must say why this check does not apply: {reason:?}",
            f["check"]
        );
    }
    let (report, code) = json(&["scan", deploy, "-f", "json"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["findings"], 0, "{report:#}");
    // The manifests run what the README says, and no exception outlives its need: every id
    // a manifest ignores suppresses a finding in that manifest.
    for file in ["daemonset.yaml", "job.yaml"] {
        let text = std::fs::read_to_string(repository().join("deploy").join(file)).unwrap();
        assert!(
            text.contains(r#""node", "--root", "/host", "-f", "json""#),
            "{file}"
        );
        assert!(
            text.contains("automountServiceAccountToken: false"),
            "{file}"
        );
        let ignored = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("bulkhead.dev/ignore: "))
            .unwrap_or_else(|| panic!("{file} has no bulkhead.dev/ignore"))
            .trim_matches('"');
        for id in ignored.split(',') {
            assert!(
                findings.iter().any(|f| f["check"] == id
                    && f["location"]["path"]
                        .as_str()
                        .is_some_and(|p| p.ends_with(file))),
                "{file} ignores {id}, which it does not raise"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The node audit proper: the collector and the checks of the control-plane, kubelet and
// node-files families together.

/// CIS controls the hardened node cannot show: kubeadm runs kube-proxy as a DaemonSet, so
/// the node holds no kube-proxy kubeconfig or command line.
const NOT_ON_A_KUBEADM_NODE: &[&str] = &["4.1.3", "4.1.4", "4.3.1"];

#[test]
fn a_hardened_control_plane_node_passes_every_control_it_holds() {
    let tree = node_trees::hardened();
    let (report, code) = node_json(tree.root(), &["--framework", "cis-1.12"]);
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert_ne!(code, 2);
    let mut wrong = Vec::new();
    for (id, (status, automated)) in verdicts(&report) {
        if !node_section(&id) {
            continue;
        }
        let expected: &[&str] = if NOT_ON_A_KUBEADM_NODE.contains(&id.as_str()) {
            &["not-evaluated"]
        } else if id == "1.1.12" && !tree.etcd_owned_by_etcd {
            // The tests could not give the data directory to `etcd`.
            &["fail"]
        } else if automated {
            &["pass"]
        } else {
            &["pass", "manual"]
        };
        if !expected.contains(&status.as_str()) {
            wrong.push(format!("{id}: {status}, expected {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}\n{report:#}");
}

/// What the insecure node gets wrong, control by control (FAIL when CIS marks the control
/// automated, WARN when manual).
const INSECURE_CONTROLS: &[(&str, &str)] = &[
    ("1.1.1", "kube-apiserver.yaml is 644"),
    ("1.1.2", "kube-apiserver.yaml is owned by ubuntu"),
    ("1.1.3", "kube-controller-manager.yaml is 644"),
    ("1.1.4", "kube-controller-manager.yaml is owned by ubuntu"),
    ("1.1.5", "kube-scheduler.yaml is 644"),
    ("1.1.6", "kube-scheduler.yaml is owned by ubuntu"),
    ("1.1.7", "etcd.yaml is 644"),
    ("1.1.8", "etcd.yaml is owned by ubuntu"),
    ("1.1.9", "the CNI configuration is 666"),
    ("1.1.10", "the CNI configuration is owned by ubuntu"),
    ("1.1.11", "/var/lib/etcd is 755"),
    ("1.1.12", "/var/lib/etcd is owned by ubuntu"),
    ("1.1.13", "admin.conf is 644"),
    ("1.1.14", "admin.conf is owned by ubuntu"),
    ("1.1.15", "scheduler.conf is 666"),
    ("1.1.16", "scheduler.conf is owned by ubuntu"),
    ("1.1.17", "controller-manager.conf is 644"),
    ("1.1.18", "controller-manager.conf is owned by ubuntu"),
    ("1.1.19", "the PKI directory is owned by ubuntu"),
    ("1.1.20", "certificates are 666"),
    ("1.1.21", "private keys are 644"),
    ("1.2.1", "--anonymous-auth=true"),
    ("1.2.2", "--token-auth-file is set"),
    ("1.2.3", "DenyServiceExternalIPs is not enabled"),
    ("1.2.4", "no --kubelet-client-certificate"),
    ("1.2.5", "no --kubelet-certificate-authority"),
    ("1.2.6", "--authorization-mode=AlwaysAllow"),
    ("1.2.7", "--authorization-mode lacks Node"),
    ("1.2.8", "--authorization-mode lacks RBAC"),
    ("1.2.10", "AlwaysAdmit is enabled"),
    ("1.2.12", "ServiceAccount is disabled"),
    ("1.2.13", "NamespaceLifecycle is disabled"),
    ("1.2.14", "NodeRestriction is not enabled"),
    ("1.2.15", "--profiling is not set; the default is true"),
    ("1.2.16", "no --audit-log-path"),
    ("1.2.21", "--service-account-lookup=false"),
    ("1.2.22", "no --service-account-key-file"),
    ("1.2.23", "no --etcd-certfile or --etcd-keyfile"),
    ("1.2.24", "no --tls-cert-file or --tls-private-key-file"),
    ("1.2.26", "no --etcd-cafile"),
    ("1.2.27", "no --encryption-provider-config"),
    ("1.2.29", "RC4 and 3DES cipher suites"),
    (
        "1.2.30",
        "--service-account-extend-token-expiration is not set; the default is true",
    ),
    (
        "1.3.2",
        "--profiling is not set (--contention-profiling=false is another flag)",
    ),
    ("1.3.3", "--use-service-account-credentials=false"),
    ("1.3.4", "no --service-account-private-key-file"),
    ("1.3.5", "no --root-ca-file"),
    ("1.3.6", "RotateKubeletServerCertificate=false"),
    ("1.3.7", "--bind-address=0.0.0.0"),
    ("1.4.1", "--profiling=true"),
    ("1.4.2", "--bind-address=0.0.0.0"),
    ("2.1", "no --cert-file or --key-file"),
    ("2.2", "--client-cert-auth=false"),
    ("2.3", "--auto-tls=true"),
    ("2.4", "no --peer-cert-file or --peer-key-file"),
    ("2.5", "--peer-client-cert-auth=false"),
    ("2.6", "--peer-auto-tls=true"),
    ("2.7", "etcd trusts the cluster CA"),
    ("3.2.1", "no --audit-policy-file"),
    ("4.1.1", "the kubelet's unit files are 644"),
    ("4.1.2", "the kubelet's unit files are owned by ubuntu"),
    ("4.1.5", "kubelet.conf is 644"),
    ("4.1.6", "kubelet.conf is owned by ubuntu"),
    ("4.1.9", "config.yaml is 644"),
    ("4.1.10", "config.yaml is owned by ubuntu"),
    (
        "4.2.1",
        "--anonymous-auth=true in /etc/default/kubelet wins over the config file",
    ),
    ("4.2.2", "authorization.mode: AlwaysAllow"),
    ("4.2.3", "no client CA"),
    ("4.2.4", "readOnlyPort: 10255"),
    // In the config file a zero timeout is defaulted to 4h; on the command line it is zero.
    (
        "4.2.5",
        "--streaming-connection-idle-timeout=0 in /etc/default/kubelet",
    ),
    ("4.2.6", "makeIPTablesUtilChains: false"),
    ("4.2.7", "--hostname-override"),
    ("4.2.10", "rotateCertificates: false"),
    ("4.2.11", "RotateKubeletServerCertificate: false"),
    ("4.2.12", "RC4 and 3DES cipher suites"),
    ("4.2.13", "no podPidsLimit"),
    ("4.2.14", "seccompDefault: false"),
];

#[test]
fn an_insecure_control_plane_node_fails_each_control_it_breaks() {
    let tree = node_trees::insecure();
    let (report, code) = node_json(tree.root(), &["--framework", "cis-1.12"]);
    assert_eq!(code, 1, "{report:#}");
    let verdicts = verdicts(&report);
    let mut wrong = Vec::new();
    for (id, why) in INSECURE_CONTROLS {
        let (status, automated) = &verdicts[*id];
        let expected = if *automated { "fail" } else { "warn" };
        if status != expected {
            wrong.push(format!("{id} ({why}): {status}, expected {expected}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Every finding says what decided it.
    for f in report["findings"].as_array().unwrap() {
        let message = f["message"].as_str().unwrap();
        assert!(!message.is_empty());
        assert!(f["location"]["path"]
            .as_str()
            .is_some_and(|p| !p.is_empty()));
    }
}

#[test]
fn the_report_says_which_components_were_found_and_where() {
    let tree = node_trees::hardened();
    let (report, _) = node_json(tree.root(), &[]);
    let found: Vec<&str> = report["node"]["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for component in [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "etcd",
    ] {
        let manifest = format!("/etc/kubernetes/manifests/{component}.yaml");
        assert!(
            found
                .iter()
                .any(|l| l.starts_with(component) && l.contains(&manifest)),
            "{component}: {found:#?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|l| l.starts_with("kubelet") && l.contains("kubelet.service")),
        "{found:#?}"
    );
    // Paths are the node's own, not the copy's.
    let root = tree.root().to_str().unwrap();
    assert!(found.iter().all(|l| !l.contains(root)), "{found:#?}");

    let (text, _, _) = run(&["node", "--root", root, "--color", "never"]);
    assert!(
        text.contains("found kube-apiserver")
            && text.contains("/etc/kubernetes/manifests/kube-apiserver.yaml"),
        "{text}"
    );
}

/// What each control needs (`needs` in the catalogue), by id.
fn needs() -> BTreeMap<String, Vec<String>> {
    let (catalogue, _) = json(&["frameworks", "cis-1.12", "--format", "json"]);
    catalogue["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let needs = c["needs"].as_array().map_or(vec![], |n| {
                n.iter().map(|s| s.as_str().unwrap().to_string()).collect()
            });
            (c["id"].as_str().unwrap().to_string(), needs)
        })
        .collect()
}

/// `bulkhead scan` of the static Pod manifests and `bulkhead node` of the whole node judge
/// the API server, controller manager, scheduler and etcd controls alike: both read the same
/// command lines. Controls that also need files outside the manifests (the encryption
/// configuration for 1.2.28, the certificates for 2.7) cannot be judged from the manifests
/// alone, and a scan of them says so.
fn scan_agrees_with_node(tree: &node_trees::Tree) {
    let manifests = tree.manifests();
    let (scan, _) = json(&[
        "scan",
        manifests.to_str().unwrap(),
        "--framework",
        "cis-1.12",
        "-f",
        "json",
    ]);
    let (node, _) = node_json(tree.root(), &["--framework", "cis-1.12"]);
    let scan = verdicts(&scan);
    let node = verdicts(&node);
    let needs = needs();
    let mut differ = Vec::new();
    for (id, (status, _)) in &node {
        let compared = ["1.2.", "1.3.", "1.4.", "2."]
            .iter()
            .any(|p| id.starts_with(p));
        if !compared {
            continue;
        }
        let from_scan = &scan[id].0;
        let only_flags = needs[id].iter().all(|n| n.starts_with("component:"));
        if !only_flags {
            if from_scan != "not-evaluated" {
                differ.push(format!("{id} needs {:?}: scan {from_scan}", needs[id]));
            }
            continue;
        }
        if from_scan != status {
            differ.push(format!("{id}: node {status}, scan {from_scan}"));
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
}

#[test]
fn scanning_the_manifests_gives_the_node_audits_verdicts_on_a_hardened_node() {
    scan_agrees_with_node(&node_trees::hardened());
}

#[test]
fn scanning_the_manifests_gives_the_node_audits_verdicts_on_an_insecure_node() {
    scan_agrees_with_node(&node_trees::insecure());
}

#[test]
fn the_kubelet_is_judged_by_the_config_file_it_was_given_not_a_fixed_path() {
    let tree = node_trees::hardened();
    // The file at kubeadm's usual path is a decoy: the kubelet is told to read another one.
    tree.file(
        "/var/lib/kubelet/config.yaml",
        0o600,
        node_trees::INSECURE_KUBELET_CONFIG,
    );
    tree.file(
        "/etc/kubernetes/kubelet/config.yaml",
        0o600,
        &node_trees::hardened_kubelet_config(),
    );
    tree.file(
        "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
        0o600,
        &node_trees::KUBEADM_DROP_IN.replace(
            "--config=/var/lib/kubelet/config.yaml",
            "--config=/etc/kubernetes/kubelet/config.yaml",
        ),
    );
    let (report, _) = node_json(tree.root(), &["--framework", "cis-1.12"]);
    let verdicts = verdicts(&report);
    for id in [
        "4.1.9", "4.1.10", "4.2.1", "4.2.2", "4.2.3", "4.2.6", "4.2.10",
    ] {
        assert_eq!(verdicts[id].0, "pass", "{id}\n{report:#}");
    }
    let findings = report["findings"].to_string();
    assert!(
        !findings.contains("/var/lib/kubelet/config.yaml"),
        "the decoy decides nothing: {findings}"
    );
}

#[test]
fn a_kubelet_config_that_cannot_be_read_leaves_the_kubelet_not_evaluated() {
    let tree = node_trees::hardened();
    tree.file(
        "/var/lib/kubelet/config.yaml",
        0o600,
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication: [\n",
    );
    let (report, code) = node_json(tree.root(), &["--framework", "cis-1.12"]);
    assert_eq!(code, 2, "an input could not be read");
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["path"] == "/var/lib/kubelet/config.yaml" && e["severity"] == "error"),
        "{errors:#?}"
    );
    let verdicts = verdicts(&report);
    // 4.2.7 (--hostname-override) is a flag only: the command line alone decides it.
    for (id, (status, _)) in verdicts
        .iter()
        .filter(|(id, _)| id.starts_with("4.2.") && *id != "4.2.7")
    {
        assert_eq!(
            status, "not-evaluated",
            "{id}: the kubelet's settings were not read"
        );
    }
    // Judged, but CIS marks it manual: evidence for a person, never a pass.
    assert_eq!(verdicts["4.2.7"].0, "manual");
    // The API server's controls do not depend on that file.
    assert_eq!(verdicts["1.2.2"].0, "pass");
}

/// Rotation limits matter once the API server writes an audit log file; then CIS's minimums
/// hold.
#[test]
fn audit_log_rotation_below_the_benchmark_fails() {
    let tree = node_trees::hardened();
    let path = "/etc/kubernetes/manifests/kube-apiserver.yaml";
    let manifest = std::fs::read_to_string(tree.manifests().join("kube-apiserver.yaml")).unwrap();
    let lowered = manifest
        .replace("--audit-log-maxage=30", "--audit-log-maxage=7")
        .replace("--audit-log-maxbackup=10", "--audit-log-maxbackup=2")
        .replace("--audit-log-maxsize=100", "--audit-log-maxsize=10");
    assert_ne!(manifest, lowered);
    tree.file(path, 0o600, &lowered);
    let (report, code) = node_json(tree.root(), &["--framework", "cis-1.12"]);
    let verdicts = verdicts(&report);
    for id in ["1.2.17", "1.2.18", "1.2.19"] {
        assert_eq!(verdicts[id].0, "fail", "{id}");
    }
    assert_eq!(verdicts["1.2.16"].0, "pass");
    let _ = code;
}

/// A k3s agent: the kubelet runs inside the k3s process, so its flags come from the
/// `kubelet-arg` lists of k3s's config files and its settings from the drop-ins of the config
/// directory k3s gives it; each verdict names the file and place that decided it.
#[test]
fn a_k3s_node_is_judged_through_its_kubelet_args_and_config_drop_ins() {
    use std::os::unix::fs::MetadataExt;

    let tree = node_trees::Tree {
        dir: tempfile::tempdir().unwrap(),
        etcd_owned_by_etcd: false,
    };
    let meta = std::fs::metadata(tree.root()).unwrap();
    let (uid, gid) = (meta.uid(), meta.gid());
    tree.file(
        "/etc/passwd",
        0o644,
        &format!("root:x:{uid}:{gid}::/root:/bin/sh\n"),
    );
    tree.file("/etc/group", 0o644, &format!("root:x:{gid}:\n"));
    tree.file("/proc/100/cmdline", 0o444, "/usr/local/bin/k3s\0agent\0");
    tree.file(
        "/etc/rancher/k3s/config.yaml",
        0o600,
        "server: https://10.0.0.1:6443\nkubelet-arg:\n  - \"anonymous-auth=true\"\n  - \"read-only-port=0\"\n",
    );
    let dir = "/var/lib/rancher/k3s/agent/etc/kubelet.conf.d";
    tree.file(
        &format!("{dir}/00-k3s-defaults.conf"),
        0o600,
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /var/lib/rancher/k3s/agent/client-ca.crt\nauthorization:\n  mode: Webhook\nreadOnlyPort: 10255\n",
    );
    tree.file(
        &format!("{dir}/10-hardening.conf"),
        0o600,
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nrotateCertificates: true\npodPidsLimit: 4096\nseccompDefault: true\n",
    );
    tree.file(
        &format!("{dir}/20-late.conf"),
        0o600,
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nseccompDefault: false\n",
    );

    let (report, _) = node_json(tree.root(), &["--framework", "cis-1.12"]);
    let verdicts = verdicts(&report);
    let findings = report["findings"].as_array().unwrap();
    let finding = |control: &str| {
        findings
            .iter()
            .find(|f| {
                f["compliance"]["cis"]
                    .as_array()
                    .is_some_and(|ids| ids.iter().any(|i| i == control))
            })
            .unwrap_or_else(|| panic!("no finding for {control}: {findings:#?}"))
    };

    // The kubelet-arg item in k3s's config.yaml beats the drop-in that disables anonymous auth.
    assert_eq!(verdicts["4.2.1"].0, "fail");
    let anonymous = finding("4.2.1");
    assert_eq!(
        anonymous["location"]["path"],
        "/etc/rancher/k3s/config.yaml"
    );
    assert_eq!(anonymous["location"]["line"], 3);
    assert!(
        anonymous["message"]
            .as_str()
            .unwrap()
            .contains("--anonymous-auth=true"),
        "{anonymous}"
    );
    // `read-only-port=0` on the command line beats `readOnlyPort: 10255` in a drop-in.
    // (4.2.4 is a manual recommendation: no finding leaves it to a person, never passed.)
    assert_eq!(verdicts["4.2.4"].0, "manual");
    // The later drop-in turns seccompDefault off again: judged at that drop-in's field.
    assert_eq!(verdicts["4.2.14"].0, "warn");
    let seccomp = finding("4.2.14");
    assert_eq!(
        seccomp["location"]["path"],
        format!("{dir}/20-late.conf").as_str()
    );
    assert_eq!(seccomp["location"]["pointer"], "/seccompDefault");
    assert!(
        seccomp["message"].as_str().unwrap().contains("drop-in"),
        "{seccomp}"
    );
    // Settings only the earlier drop-ins write pass; the client CA is the defaults drop-in's.
    for id in ["4.2.2", "4.2.3", "4.2.10"] {
        assert_eq!(verdicts[id].0, "pass", "{id}");
    }
    // 4.2.13 is a manual recommendation: without a finding, a person judges it.
    assert_eq!(verdicts["4.2.13"].0, "manual");
    // No control-plane component runs on an agent: those controls are not evaluated.
    assert_eq!(verdicts["1.2.1"].0, "not-evaluated");
}
