//! The control-plane flag checks give the same verdicts on kubeadm static Pod manifests as on
//! running processes: hardened manifests are quiet, insecure ones raise exactly the expected
//! checks at the exact `command` items, and the same command line read as a static Pod or as
//! a `Process` yields the same findings apart from where it was read.

use std::collections::BTreeSet;
use std::path::Path;

use bulkhead_checks::{all_checks, run_checks, Family, Finding, Options};
use bulkhead_model::{load_text, Inventory, Limits, Object};
use bulkhead_node::render::ProcessFact;

const COMPONENTS: [&str; 4] = [
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
];

fn read(set: &str, component: &str) -> (String, String) {
    let path = format!("{set}/{component}.yaml");
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/control-plane")
        .join(&path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    (path, text)
}

fn load(files: &[(String, String)]) -> Inventory {
    let mut objects = Vec::new();
    for (path, text) in files {
        let loaded = load_text(path, text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{path}: {:?}", loaded.errors);
        objects.extend(loaded.objects);
    }
    Inventory::new(objects)
}

/// The control-plane family's findings only: the static Pods also run host-network
/// containers as root, which is the workload checks' business.
fn control_plane_findings(inventory: &Inventory) -> Vec<Finding> {
    let checks: Vec<_> = all_checks()
        .iter()
        .copied()
        .filter(|c| c.family == Family::ControlPlane)
        .collect();
    run_checks(inventory, &checks, &Options::default())
}

fn manifests(set: &str) -> Vec<(String, String)> {
    COMPONENTS.iter().map(|c| read(set, c)).collect()
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {} {}",
                f.location.path,
                f.location.position.line,
                f.location.position.column,
                f.check.id,
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn hardened_kubeadm_manifests_raise_no_control_plane_finding() {
    let inventory = load(&manifests("hardened"));
    let findings = control_plane_findings(&inventory);
    assert!(findings.is_empty(), "{}", describe(&findings));
}

#[test]
fn insecure_kubeadm_manifests_raise_exactly_the_expected_checks_at_the_command_items() {
    let inventory = load(&manifests("insecure"));
    let findings = control_plane_findings(&inventory);
    let ids: BTreeSet<&str> = findings.iter().map(|f| f.check.id).collect();
    let expected: BTreeSet<&str> = [
        "BHC001", // --anonymous-auth=true
        "BHC006", // --authorization-mode=AlwaysAllow
        "BHC007", // ... without Node
        "BHC008", // ... without RBAC
        "BHC015", // API server --profiling=true
        "BHC029", // controller manager --profiling=true
        "BHC034", // controller manager --bind-address=0.0.0.0
        "BHC035", // scheduler --profiling not set (default true)
        "BHC036", // scheduler --bind-address=0.0.0.0
        "BHC038", // etcd --client-cert-auth=false
        "BHC041", // etcd --peer-client-cert-auth not set (default false)
    ]
    .into_iter()
    .collect();
    assert_eq!(ids, expected, "{}", describe(&findings));
    assert_eq!(findings.len(), expected.len(), "{}", describe(&findings));

    let at = |id: &str| {
        let f = findings.iter().find(|f| f.check.id == id).unwrap();
        (
            f.location.path.as_str(),
            f.location.position.line,
            f.location.position.column,
            f.location.pointer.as_str(),
        )
    };
    assert_eq!(
        at("BHC001"),
        (
            "insecure/kube-apiserver.yaml",
            15,
            7,
            "/spec/containers/0/command/3"
        )
    );
    assert_eq!(
        at("BHC006"),
        (
            "insecure/kube-apiserver.yaml",
            16,
            7,
            "/spec/containers/0/command/4"
        )
    );
    assert_eq!(
        at("BHC034"),
        (
            "insecure/kube-controller-manager.yaml",
            15,
            7,
            "/spec/containers/0/command/3"
        )
    );
    assert_eq!(
        at("BHC038"),
        ("insecure/etcd.yaml", 21, 7, "/spec/containers/0/command/9")
    );
    // Flags that are not written are reported at the command list itself.
    assert_eq!(at("BHC035").3, "/spec/containers/0/command");
    assert_eq!(at("BHC041").3, "/spec/containers/0/command");
    let message = |id: &str| &findings.iter().find(|f| f.check.id == id).unwrap().message;
    assert_eq!(
        message("BHC001"),
        "kube-apiserver `--anonymous-auth=true` (Pod kube-system/kube-apiserver): the value is \
         true; requests without credentials are served as system:anonymous"
    );
    assert!(message("BHC041").contains("the default is false"));
}

/// The command words of a static Pod's first container, as a `Process` would record them.
fn as_process(pod: &Object, pid: u32) -> String {
    let words = pod
        .root
        .path(&["spec", "containers"])
        .map(|c| c.as_seq()[0].get("command").unwrap().as_seq())
        .unwrap();
    ProcessFact {
        pid,
        name: pod.name.clone(),
        argv: words
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect(),
        version: None,
    }
    .to_yaml()
}

#[test]
fn the_same_command_line_gives_the_same_findings_as_a_static_pod_and_as_a_process() {
    for set in ["insecure", "hardened"] {
        for (i, component) in COMPONENTS.iter().enumerate() {
            let file = read(set, component);
            let pods = load(std::slice::from_ref(&file));
            let pid = 4000 + i as u32;
            let process_yaml = as_process(&pods.objects()[0], pid);
            let processes = load(&[(format!("/proc/{pid}/cmdline"), process_yaml)]);

            let from_pod: Vec<(String, String)> = control_plane_findings(&pods)
                .iter()
                .map(|f| {
                    (
                        f.check.id.to_string(),
                        f.message
                            .replace(&format!("(Pod kube-system/{component})"), "(ORIGIN)"),
                    )
                })
                .collect();
            let from_process: Vec<(String, String)> = control_plane_findings(&processes)
                .iter()
                .map(|f| {
                    (
                        f.check.id.to_string(),
                        f.message.replace(&format!("(process {pid})"), "(ORIGIN)"),
                    )
                })
                .collect();
            assert_eq!(from_pod, from_process, "{set}/{component}");
            if set == "insecure" {
                assert!(!from_pod.is_empty(), "{set}/{component}");
            }
        }
    }
}
