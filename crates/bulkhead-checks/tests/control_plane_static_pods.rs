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

fn inline(yaml: &str) -> Vec<Finding> {
    control_plane_findings(&load(&[("inline.yaml".to_string(), yaml.to_string())]))
}

/// Check ids with the pointers they report at, sorted by id.
fn ids_at(findings: &[Finding]) -> Vec<(&'static str, String)> {
    let mut ids: Vec<_> = findings
        .iter()
        .map(|f| (f.check.id, f.location.pointer.clone()))
        .collect();
    ids.sort();
    ids
}

#[test]
fn etcd_reads_flags_from_its_environment_and_a_written_flag_shadows_the_variable() {
    let pod = |command: &str, value: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: etcd, namespace: kube-system}}\nspec:\n  containers:\n  - name: etcd\n    image: registry.k8s.io/etcd:3.5.15-0\n    command: [etcd, --cert-file=/p/server.crt, --key-file=/p/server.key, --peer-cert-file=/p/peer.crt, --peer-key-file=/p/peer.key, --peer-client-cert-auth=true{command}]\n    env:\n    - {{name: ETCD_CLIENT_CERT_AUTH, value: \"{value}\"}}\n"
        )
    };
    assert_eq!(
        ids_at(&inline(&pod("", "false"))),
        [("BHC038", "/spec/containers/0/env/0/value".to_string())]
    );
    assert!(inline(&pod("", "true")).is_empty());
    assert!(inline(&pod(", --client-cert-auth=true", "false")).is_empty());
    assert_eq!(
        ids_at(&inline(&pod(", --client-cert-auth=false", "true"))),
        [("BHC038", "/spec/containers/0/command/6".to_string())]
    );
}

const API_SERVER_BASE: &str = "--client-ca-file=/p/ca.crt, --tls-cert-file=/p/a.crt, --tls-private-key-file=/p/a.key, --kubelet-client-certificate=/p/k.crt, --kubelet-client-key=/p/k.key, --kubelet-certificate-authority=/p/ca.crt, --etcd-cafile=/p/e.crt, --etcd-certfile=/p/ec.crt, --etcd-keyfile=/p/ec.key, --service-account-key-file=/p/sa.pub, --service-account-extend-token-expiration=false, --profiling=false, --audit-log-path=/var/log/audit.log, --audit-policy-file=/etc/kubernetes/audit-policy.yaml, --encryption-provider-config=/etc/kubernetes/enc/encryption.yaml, \"--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs\", --tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";

fn api_server(flags: &str, extra: &str) -> String {
    format!(
        "apiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {{name: kube-apiserver}}\nspec:\n  pid: 10\n  command: [kube-apiserver, {API_SERVER_BASE}, {flags}]\n{extra}"
    )
}

#[test]
fn structured_authorization_and_authentication_files_decide_when_given() {
    let authz = |types: &str| {
        format!(
            "---\napiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n{types}"
        )
    };
    let flags = "--anonymous-auth=false, --authorization-config=/etc/kubernetes/authz.yaml";
    let hardened = authz("- {type: Node, name: node}\n- {type: RBAC, name: rbac}\n");
    let quiet = inline(&api_server(flags, &hardened));
    assert!(quiet.is_empty(), "{}", describe(&quiet));

    let open = authz("- {type: RBAC, name: rbac}\n- {type: AlwaysAllow, name: all}\n");
    assert_eq!(
        ids_at(&inline(&api_server(flags, &open))),
        [
            ("BHC006", "/authorizers/1/type".to_string()),
            ("BHC007", "/authorizers".to_string()),
        ]
    );

    // The file named by the flag is not in the scan: reported at the flag, never passed.
    let unread = inline(&api_server(flags, ""));
    assert_eq!(
        ids_at(&unread),
        [
            ("BHC006", "/spec/command/19".to_string()),
            ("BHC007", "/spec/command/19".to_string()),
            ("BHC008", "/spec/command/19".to_string()),
        ]
    );
    assert!(unread[0].message.contains("not in the scan"));

    let authn = |conditions: &str| {
        format!(
            "---\napiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\nanonymous:\n  enabled: true\n  conditions: [{conditions}]\n"
        )
    };
    let flags =
        "\"--authorization-mode=Node,RBAC\", --authentication-config=/etc/kubernetes/authn.yaml";
    assert!(inline(&api_server(
        flags,
        &authn("{path: /livez}, {path: /readyz}")
    ))
    .is_empty());
    assert_eq!(
        ids_at(&inline(&api_server(
            flags,
            &authn("{path: /livez}, {path: /apis}")
        ))),
        [("BHC001", "/anonymous/enabled".to_string())]
    );
    assert_eq!(
        ids_at(&inline(&api_server(flags, ""))),
        [("BHC001", "/spec/command/19".to_string())]
    );
}

#[test]
fn cis_verdicts_follow_the_static_pods() {
    use bulkhead_checks::frameworks::catalogue::find_framework;
    use bulkhead_checks::frameworks::{Coverage, Status};

    let cis = find_framework("cis-1.12").unwrap();
    let verdicts = |set: &str| {
        let inventory = load(&manifests(set));
        let findings = run_checks(&inventory, all_checks(), &Options::default());
        let report = cis.evaluate(&findings, Coverage::of(&inventory));
        move |id: &str| {
            report
                .controls
                .iter()
                .find(|r| r.control.id == id)
                .unwrap()
                .status
        }
    };
    let hardened = verdicts("hardened");
    for id in ["1.2.6", "1.2.17", "1.3.7", "1.4.2", "2.2", "2.6"] {
        assert_eq!(hardened(id), Status::Pass, "hardened {id}");
    }
    // CIS marks 1.2.1 manual: a clean flag is evidence for a person, never a pass.
    assert_eq!(hardened("1.2.1"), Status::Manual);
    assert_eq!(hardened("1.2.20"), Status::Manual);
    let insecure = verdicts("insecure");
    assert_eq!(
        insecure("1.2.1"),
        Status::Warn,
        "manual: a lead, not a verdict"
    );
    for id in ["1.2.6", "1.2.15", "1.3.7", "1.4.1", "2.2", "2.5"] {
        assert_eq!(insecure(id), Status::Fail, "insecure {id}");
    }
    assert_eq!(insecure("1.2.17"), Status::Pass);
}
