//! The catalogues agree with the benchmarks and with the checks' compliance ids, and the
//! verdicts follow the rules in the module documentation.

use std::collections::HashSet;
use std::sync::Arc;

use bulkhead_model::{load_source, load_text, Inventory, Limits, SourceFile};

use super::catalogue::{all_frameworks, find_framework};
use std::collections::{BTreeMap, BTreeSet};

use super::{Coverage, Framework, FrameworkReport, Scope, Status};
use crate::policy::{Suppression, SuppressionKind};
use crate::{all_checks, run_checks, Check, Finding, Options};

fn framework(id: &str) -> &'static Framework {
    find_framework(id).unwrap_or_else(|| panic!("no framework {id}"))
}

fn status(report: &FrameworkReport, control: &str) -> Status {
    report
        .controls
        .iter()
        .find(|r| r.control.id == control)
        .unwrap_or_else(|| panic!("{} has no control {control}", report.id))
        .status
}

fn inventory(yaml: &str) -> Inventory {
    let file = Arc::new(SourceFile::new("test.yaml".to_string(), yaml));
    let loaded = load_source(file, &Limits::default());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    Inventory::new(loaded.objects)
}

fn scan(yaml: &str) -> (Inventory, Vec<Finding>) {
    let inventory = inventory(yaml);
    let findings = run_checks(&inventory, all_checks(), &Options::default());
    (inventory, findings)
}

const PRIVILEGED_POD: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers:
    - name: c
      image: registry.example/app:1.0
      securityContext: {privileged: true}
";

const MANIFESTS_ONLY: Coverage = Coverage {
    manifests: true,
    rbac: false,
    control_plane: false,
    node: false,
    subjects: BTreeSet::new(),
    kinds: BTreeMap::new(),
};

#[test]
fn every_catalogue_parses_with_unique_ids_and_titles() {
    let ids: Vec<&str> = all_frameworks().iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        [
            "pss-baseline",
            "pss-restricted",
            "cis-1.12",
            "nsa-cisa-1.2",
            "mitre-containers",
            "cis-docker-1.6",
            "cis-linux-2.0"
        ]
    );
    for f in all_frameworks() {
        assert!(!f.controls.is_empty(), "{} is empty", f.id);
        let mut seen = HashSet::new();
        for c in &f.controls {
            assert!(
                seen.insert(c.id.as_str()),
                "{}: duplicate id {}",
                f.id,
                c.id
            );
            assert!(!c.id.trim().is_empty(), "{}: empty id", f.id);
            assert!(
                !c.title.trim().is_empty(),
                "{}: {} has no title",
                f.id,
                c.id
            );
        }
    }
}

#[test]
fn cis_lists_all_131_recommendations_of_v1_12() {
    let cis = framework("cis-1.12");
    assert_eq!(cis.controls.len(), 131);
    // The benchmark marks 65 Automated and 66 Manual.
    assert_eq!(cis.controls.iter().filter(|c| c.automated).count(), 65);
    for c in cis.controls.iter().filter(|c| !c.automated) {
        assert!(c.guidance.is_some(), "manual {} has no guidance", c.id);
    }
    let per_section = |prefix: &str| {
        cis.controls
            .iter()
            .filter(|c| c.id.starts_with(prefix))
            .count()
    };
    let sections = [
        ("1.1.", 21),
        ("1.2.", 30),
        ("1.3.", 7),
        ("1.4.", 2),
        ("2.", 7),
        ("3.1.", 3),
        ("3.2.", 2),
        ("4.1.", 10),
        ("4.2.", 14),
        ("4.3.", 1),
        ("5.1.", 13),
        ("5.2.", 12),
        ("5.3.", 2),
        ("5.4.", 2),
        ("5.5.", 1),
        ("5.6.", 4),
    ];
    for (prefix, n) in sections {
        assert_eq!(per_section(prefix), n, "section {prefix}");
    }
    let scope = |id: &str| {
        cis.controls
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.scope)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    assert_eq!(scope("1.1.10"), Scope::ControlPlane);
    assert_eq!(scope("1.2.10"), Scope::ControlPlane);
    assert_eq!(scope("4.2.1"), Scope::Node);
    assert_eq!(scope("5.1.3"), Scope::Rbac);
    assert_eq!(scope("5.2.2"), Scope::Manifests);
    assert_eq!(scope("3.1.1"), Scope::Process);
}

#[test]
fn every_compliance_id_of_every_check_names_a_control() {
    let mut missing = Vec::new();
    for f in all_frameworks() {
        let ids: HashSet<&str> = f.controls.iter().map(|c| c.id.as_str()).collect();
        for check in all_checks() {
            for id in (f.ids_of)(check) {
                if !ids.contains(id.as_str()) {
                    missing.push(format!("{} cites {} {id:?}", check.id, f.id));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "unknown control ids:\n{}",
        missing.join("\n")
    );
}

#[test]
fn controls_no_check_decides_carry_guidance() {
    for f in all_frameworks()
        .iter()
        .filter(|f| !f.id.starts_with("pss-"))
    {
        for c in &f.controls {
            let decided = all_checks()
                .iter()
                .any(|check| (f.ids_of)(check).contains(&c.id));
            assert!(
                decided || c.automated || c.guidance.is_some(),
                "{}: {} is decided by no check and has no guidance",
                f.id,
                c.id
            );
        }
    }
}

#[test]
fn a_finding_fails_its_controls_and_a_suppressed_one_does_not() {
    let (_, mut findings) = scan(PRIVILEGED_POD);
    assert!(findings.iter().any(|f| f.check.id == "BHW001"));
    let cis = framework("cis-1.12");
    let report = cis.evaluate(&findings, MANIFESTS_ONLY);
    // CIS marks all of section 5 manual, so a finding makes 5.2.2 WARN (as in kube-bench);
    // automated controls (sections 1 to 4) FAIL.
    assert_eq!(status(&report, "5.2.2"), Status::Warn);
    let failing = &report
        .controls
        .iter()
        .find(|r| r.control.id == "5.2.2")
        .expect("5.2.2")
        .findings;
    assert!(failing.iter().all(|&i| findings[i].check.id == "BHW001"));
    assert!(!failing.is_empty());

    for f in findings.iter_mut() {
        f.suppression = Some(Suppression {
            kind: SuppressionKind::Annotation,
            reason: None,
            until: None,
            source: "test.yaml:3".into(),
        });
    }
    let report = cis.evaluate(&findings, MANIFESTS_ONLY);
    // Manual: suppressed findings never make it pass; the evidence counts them.
    assert_eq!(status(&report, "5.2.2"), Status::Manual);
    assert_eq!(report.failed + report.warned, 0);
    let evidence = result(&report, "5.2.2").evidence.clone().expect("evidence");
    assert!(evidence.suppressed > 0 && evidence.findings == 0);

    // An automated control (Pod Security Standards): a suppressed finding lets it pass.
    let baseline = framework("pss-baseline").evaluate(&findings, MANIFESTS_ONLY);
    assert_eq!(status(&baseline, "privileged"), Status::Pass);
}

fn result<'a>(report: &'a FrameworkReport, control: &str) -> &'a super::ControlResult {
    report
        .controls
        .iter()
        .find(|r| r.control.id == control)
        .unwrap_or_else(|| panic!("{} has no control {control}", report.id))
}

/// CIS marks 66 recommendations Manual (all of section 5 among them). On one hardened
/// Deployment, the checks related to them find nothing, which says nothing about the
/// cluster's admission policy or its namespaces: they are MANUAL with evidence, never PASS,
/// and the score counts only automated controls.
#[test]
fn manual_controls_are_never_passed_and_carry_their_evidence() {
    let (inventory, findings) = scan(HARDENED_DEPLOYMENT);
    assert!(findings.is_empty(), "{findings:?}");
    let cis = framework("cis-1.12");
    let report = cis.evaluate(&findings, Coverage::of(&inventory));
    let passed_manual: Vec<&str> = report
        .controls
        .iter()
        .filter(|r| r.control.manual && r.status == Status::Pass)
        .map(|r| r.control.id.as_str())
        .collect();
    assert!(
        passed_manual.is_empty(),
        "manual controls passed: {passed_manual:?}"
    );
    for id in ["5.2.2", "5.2.7", "5.4.2", "5.6.1"] {
        let r = result(&report, id);
        assert_eq!(r.status, Status::Manual, "{id}");
        let evidence = r
            .evidence
            .as_ref()
            .unwrap_or_else(|| panic!("{id}: no evidence"));
        assert!(!evidence.ran.is_empty(), "{id}");
        assert_eq!(evidence.findings, 0);
        assert!(
            evidence.over.contains(&"1 Deployment".to_string()),
            "{evidence:?}"
        );
        assert!(evidence.summary().contains("found nothing"));
    }
    // Only automated controls count, and a manifest scan decides none of CIS's.
    assert_eq!(report.passed, 0);
    assert_eq!(report.scored, 0);
    assert_eq!(report.score, None);

    // A finding on a manual control is a WARN with the same evidence, and still not scored.
    let (inventory, findings) = scan(PRIVILEGED_POD);
    let report = cis.evaluate(&findings, Coverage::of(&inventory));
    let r = result(&report, "5.2.2");
    assert_eq!(r.status, Status::Warn);
    assert!(r.evidence.as_ref().is_some_and(|e| e.findings > 0));
    assert_eq!(report.score, None);
}

/// Frameworks that mark no control manual (NSA-CISA, MITRE) are decided by their checks.
#[test]
fn unmarked_controls_are_decided_by_their_checks() {
    let (inventory, findings) = scan(HARDENED_DEPLOYMENT);
    let nsa = framework("nsa-cisa-1.2").evaluate(&findings, Coverage::of(&inventory));
    assert!(nsa.controls.iter().all(|r| !r.control.manual));
    assert_eq!(
        status(&nsa, "Pod security: immutable container file systems"),
        Status::Pass
    );
    assert!(nsa.scored > 0 && nsa.score.is_some());
}

const HARDENED_DEPLOYMENT: &str = "\
apiVersion: v1
kind: ResourceQuota
metadata: {name: payments, namespace: payments}
spec:
  hard: {requests.cpu: \"4\", requests.memory: 8Gi, limits.memory: 16Gi, pods: \"50\"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: payments, namespace: payments}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
      defaultRequest: {cpu: 100m, memory: 128Mi, ephemeral-storage: 256Mi}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: payments}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: payments}
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      hostUsers: false
      serviceAccountName: api
      containers:
        - name: app
          image: registry.example/app:1.4.2@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a
          livenessProbe:
            exec: {command: [/healthcheck]}
          securityContext:
            privileged: false
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 256Mi}
            limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
";

#[test]
fn a_clean_control_passes_only_when_the_scan_covers_its_scope() {
    let cis = framework("cis-1.12");
    // Decided by checks, manifests scope; CIS marks 5.2.2 manual.
    let report = cis.evaluate(&[], MANIFESTS_ONLY);
    assert_eq!(status(&report, "5.2.2"), Status::Manual);
    let report = cis.evaluate(&[], Coverage::default());
    assert_eq!(status(&report, "5.2.2"), Status::NotEvaluated);
    assert_eq!(report.passed, 0);
    assert_eq!(report.score, None);
    // An automated control passes only when the scan covers it.
    let baseline = framework("pss-baseline");
    assert_eq!(
        status(&baseline.evaluate(&[], MANIFESTS_ONLY), "privileged"),
        Status::Pass
    );
    assert_eq!(
        status(&baseline.evaluate(&[], Coverage::default()), "privileged"),
        Status::NotEvaluated
    );
}

#[test]
fn controls_outside_the_scan_are_not_evaluated_and_undecided_ones_are_manual() {
    let cis = framework("cis-1.12");
    let report = cis.evaluate(&[], MANIFESTS_ONLY);
    // Kubelet settings: no node files in a manifest scan.
    assert_eq!(status(&report, "4.2.1"), Status::NotEvaluated);
    // API server flags: no control-plane Pod in the scan.
    assert_eq!(status(&report, "1.2.2"), Status::NotEvaluated);
    // RBAC controls without RBAC objects.
    assert_eq!(status(&report, "5.1.3"), Status::NotEvaluated);
    // In scope, but no check decides it.
    assert_eq!(status(&report, "5.3.2"), Status::Manual);
    // Only a person can judge it.
    assert_eq!(status(&report, "3.1.1"), Status::Manual);

    let everything = Coverage {
        manifests: true,
        rbac: true,
        control_plane: true,
        node: true,
        subjects: BTreeSet::new(),
        kinds: BTreeMap::new(),
    };
    let report = cis.evaluate(&[], everything);
    // Node scope, but no kubelet configuration among the inputs.
    assert_eq!(status(&report, "4.2.1"), Status::NotEvaluated);
    // 5.1.3 is related to wildcard-rule (BHR003) but marked manual; 5.1.7 (system:masters)
    // is decided by no check.
    assert_eq!(status(&report, "5.1.3"), Status::Manual);
    assert!(result(&report, "5.1.3").evidence.is_some());
    assert_eq!(status(&report, "5.1.7"), Status::Manual);
    for r in &report.controls {
        if r.status == Status::Pass {
            assert!(
                !r.checks.is_empty(),
                "{} passed with no check",
                r.control.id
            );
        }
    }
    let counts =
        report.passed + report.failed + report.warned + report.manual + report.not_evaluated;
    assert_eq!(counts, 131);
}

#[test]
fn a_control_whose_checks_did_not_all_run_is_not_passed() {
    let cis = framework("cis-1.12");
    let only: Vec<&'static Check> = all_checks()
        .iter()
        .copied()
        .filter(|c| c.id == "BHW001")
        .collect();
    let report = cis.evaluate_with(&[], MANIFESTS_ONLY, &only);
    // 5.2.2 is related to BHW001 alone; 5.2.7 to checks that did not run: both manual, and
    // the evidence says which checks did not run.
    assert_eq!(status(&report, "5.2.2"), Status::Manual);
    assert_eq!(status(&report, "5.2.7"), Status::Manual);
    let evidence = result(&report, "5.2.7").evidence.clone().expect("evidence");
    assert!(evidence.ran.is_empty() && !evidence.not_run.is_empty());
    // An automated control whose checks did not all run is not evaluated.
    let restricted = framework("pss-restricted").evaluate_with(&[], MANIFESTS_ONLY, &only);
    assert_eq!(status(&restricted, "runAsNonRoot"), Status::NotEvaluated);
}

#[test]
fn pss_controls_fail_only_at_the_levels_a_finding_names() {
    let (_, findings) = scan(
        "\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers:
    - name: c
      image: registry.example/app:1.0
      securityContext: {runAsNonRoot: false}
",
    );
    let restricted = framework("pss-restricted").evaluate(&findings, MANIFESTS_ONLY);
    let baseline = framework("pss-baseline").evaluate(&findings, MANIFESTS_ONLY);
    assert_eq!(status(&restricted, "runAsNonRoot"), Status::Fail);
    assert_eq!(status(&baseline, "privileged"), Status::Pass);
    assert_eq!(baseline.failed, 0, "{:?}", baseline.controls);
}

#[test]
fn coverage_follows_the_scanned_objects() {
    assert_eq!(Coverage::of(&inventory("")), Coverage::default());
    let c = Coverage::of(&inventory(PRIVILEGED_POD));
    assert_eq!(c.kinds, BTreeMap::from([("Pod".to_string(), 1)]));
    assert_eq!(
        Coverage {
            kinds: BTreeMap::new(),
            ..c
        },
        MANIFESTS_ONLY
    );
    let c = Coverage::of(&inventory(
        "\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]
",
    ));
    assert!(c.rbac && !c.control_plane);
    // kubeadm's static Pod: by label, by container name, by command.
    for pod in [
        "metadata: {name: a, namespace: kube-system, labels: {component: kube-apiserver}}\nspec: {containers: [{name: x, image: i}]}",
        "metadata: {name: a, namespace: kube-system}\nspec: {containers: [{name: etcd, image: i}]}",
        "metadata: {name: a, namespace: kube-system}\nspec: {containers: [{name: x, image: i, command: [/usr/local/bin/kube-scheduler, --profiling=false]}]}",
    ] {
        let c = Coverage::of(&inventory(&format!("apiVersion: v1\nkind: Pod\n{pod}\n")));
        assert!(c.control_plane, "{pod}");
        assert!(!c.node);
    }
    // A Deployment named like a component is not a control plane.
    let c = Coverage::of(&inventory(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: etcd, labels: {component: etcd}}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: etcd, image: i}]}}}\n",
    ));
    assert!(!c.control_plane);
}

#[test]
fn node_facts_and_component_configuration_are_subjects() {
    let c = Coverage::of(&inventory(
        "\
apiVersion: node.bulkhead.dev/v1
kind: Process
metadata: {name: kube-apiserver}
spec:
  pid: 1
  command: [kube-apiserver, --anonymous-auth=false]
---
apiVersion: node.bulkhead.dev/v1
kind: File
metadata: {name: /etc/kubernetes/admin.conf}
spec: {path: /etc/kubernetes/admin.conf, type: file, mode: \"0600\", uid: 0, gid: 0, roles: [admin-kubeconfig]}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
",
    ));
    assert!(c.control_plane && c.node);
    for subject in [
        "component:kube-apiserver",
        "component:kubelet",
        "file:admin-kubeconfig",
        "kind:File",
        "kind:KubeletConfiguration",
    ] {
        assert!(c.subjects.contains(subject), "{subject}: {:?}", c.subjects);
    }
    assert!(!c.subjects.contains("component:etcd"));

    let cis = framework("cis-1.12");
    let report = cis.evaluate(&[], c);
    // Evaluated subjects with no finding pass (once their checks exist); etcd was not read.
    assert_eq!(status(&report, "2.1"), Status::NotEvaluated);
    assert_eq!(status(&report, "1.1.1"), Status::NotEvaluated);
}

#[test]
fn configuration_kinds_count_only_in_their_own_api_group() {
    let kyverno = Coverage::of(&inventory(
        "apiVersion: kyverno.io/v1\nkind: Policy\nmetadata: {name: p, namespace: a}\nspec: {rules: []}\n",
    ));
    assert!(!kyverno.subjects.contains("kind:Policy"));
    assert!(!kyverno.control_plane);
    let audit = Coverage::of(&inventory(
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n",
    ));
    assert!(audit.subjects.contains("kind:Policy"));
    assert!(
        audit.control_plane,
        "an audit policy scanned alone can be judged"
    );
}

#[test]
fn a_flag_only_control_needs_the_command_line_not_just_a_config_file() {
    let config_only = Inventory::new(
        load_text(
            "config.yaml",
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
            &Limits::default(),
        )
        .objects,
    );
    let coverage = Coverage::of(&config_only);
    assert!(coverage.subjects.contains("component:kubelet"));
    assert!(!coverage.subjects.contains("command-line:kubelet"));

    let process = Inventory::new(
        load_text(
            "p.yaml",
            "apiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kubelet}\nspec:\n  command: [/usr/bin/kubelet, --config=/var/lib/kubelet/config.yaml]\n",
            &Limits::default(),
        )
        .objects,
    );
    assert!(Coverage::of(&process)
        .subjects
        .contains("command-line:kubelet"));
}

/// A host's kernel and mandatory access control facts, with `aslr` as
/// `kernel.randomize_va_space` (`None`: the kernel did not give it).
fn host_facts(aslr: Option<&str>) -> String {
    let (aslr, absent) = match aslr {
        Some(v) => (format!("    kernel.randomize_va_space: \"{v}\"\n"), ""),
        None => (String::new(), "kernel.randomize_va_space"),
    };
    format!(
        "\
apiVersion: node.bulkhead.dev/v1
kind: Kernel
metadata: {{name: kernel}}
spec:
  sysctls:
{aslr}    net.ipv4.conf.all.rp_filter: \"1\"
    net.ipv4.conf.default.rp_filter: \"1\"
    net.ipv4.conf.all.accept_redirects: \"0\"
    net.ipv4.conf.default.accept_redirects: \"0\"
  absent: [{absent}]
  unreadable: []
---
apiVersion: node.bulkhead.dev/v1
kind: MandatoryAccessControl
metadata: {{name: mandatory-access-control}}
spec: {{apparmor: enabled, selinux: absent}}
"
    )
}

/// CIS Distribution Independent Linux: a setting a check judged clean passes, one it found
/// broken fails, one the kernel did not give is not evaluated, and the
/// recommendations no check decides are left to a person.
#[test]
fn cis_linux_judges_what_the_host_facts_hold() {
    let linux = framework("cis-linux-2.0");
    let (inventory, findings) = scan(&host_facts(Some("2")));
    let coverage = Coverage::of(&inventory);
    assert!(coverage
        .subjects
        .contains("sysctl:kernel.randomize_va_space"));
    let report = linux.evaluate(&findings, coverage);
    for (id, expected) in [
        ("1.5.3", Status::Pass),
        ("3.2.7", Status::Pass),
        ("3.2.2", Status::Pass),
        ("1.6.1.1", Status::Pass),
        // send_redirects were not in the facts.
        ("3.1.2", Status::NotEvaluated),
        // No update policy or sshd configuration was read.
        ("1.8", Status::NotEvaluated),
        ("5.2.10", Status::NotEvaluated),
        ("1.5.1", Status::Manual),
        ("3.1.1", Status::Manual),
    ] {
        assert_eq!(status(&report, id), expected, "{id}");
    }

    let (inventory, findings) = scan(&host_facts(Some("0")));
    let report = linux.evaluate(&findings, Coverage::of(&inventory));
    assert_eq!(status(&report, "1.5.3"), Status::Fail);
    assert_eq!(status(&report, "3.2.7"), Status::Pass);
    assert!(result(&report, "1.5.3")
        .findings
        .iter()
        .all(|&i| findings[i].check.id == "BHN044"));

    let (inventory, findings) = scan(&host_facts(None));
    let coverage = Coverage::of(&inventory);
    assert!(!coverage
        .subjects
        .contains("sysctl:kernel.randomize_va_space"));
    let report = linux.evaluate(&findings, coverage);
    assert_eq!(status(&report, "1.5.3"), Status::NotEvaluated);
}

/// A kernel setting that exists but could not be read, or is not a number, is not evaluated:
/// its check still says it cannot be judged, but that is not a failure of the recommendation,
/// and a real failure beside it still fails its own control.
#[test]
fn cis_linux_leaves_unreadable_settings_not_evaluated() {
    let linux = framework("cis-linux-2.0");
    let unreadable = host_facts(None).replace(
        "absent: [kernel.randomize_va_space]\n  unreadable: []",
        "absent: []\n  unreadable: [kernel.randomize_va_space]",
    );
    assert!(unreadable.contains("unreadable: [kernel.randomize_va_space]"));
    for facts in [
        unreadable,
        host_facts(Some("lots")),
        host_facts(Some("0")).replace("rp_filter: \"1\"", "rp_filter: \"0\""),
    ] {
        let (inventory, findings) = scan(&facts);
        assert!(
            findings.iter().any(|f| f.check.id == "BHN044"),
            "BHN044 says what it could not judge"
        );
        let report = linux.evaluate(&findings, Coverage::of(&inventory));
        let expected = if facts.contains("rp_filter: \"0\"") {
            // A broken setting beside it: both fail.
            assert_eq!(status(&report, "3.2.7"), Status::Fail);
            Status::Fail
        } else {
            Status::NotEvaluated
        };
        assert_eq!(status(&report, "1.5.3"), expected);
    }
}

/// Every id the Linux catalogue cites, and which the benchmark does not score.
#[test]
fn cis_linux_lists_the_host_recommendations_of_v2_0_0() {
    let linux = framework("cis-linux-2.0");
    let ids: Vec<&str> = linux.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "1.5.1", "1.5.2", "1.5.3", "1.6.1.1", "1.6.2.2", "1.6.3.2", "1.8", "3.1.1", "3.1.2",
            "3.2.1", "3.2.2", "3.2.3", "3.2.7", "5.2.1", "5.2.10", "5.2.11"
        ]
    );
    let not_scored: Vec<&str> = linux
        .controls
        .iter()
        .filter(|c| c.manual)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(not_scored, ["1.8"]);
}
