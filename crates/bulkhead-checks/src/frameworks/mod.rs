//! Compliance frameworks as data: each framework's catalogue of controls, joined with the
//! checks' compliance ids, evaluated over a scan's findings.
//!
//! A control is **fail** when an unsuppressed finding of one of its checks was raised (**warn**
//! when the framework marks the control manual: the finding is a lead for the person who
//! judges it);
//! otherwise **not evaluated** when the scan held nothing the control needs (node files for a
//! kubelet control, say) or not every check that decides it ran; **manual** when no check
//! can decide it, or only a person can (the catalogue carries guidance), and always when the
//! framework marks the control manual: related checks finding nothing in the scanned objects
//! is evidence for the person who judges it (carried as [`Evidence`]), never a pass (CIS
//! 5.2.x judges the cluster's admission policy, not the workloads that happen to be
//! scanned); **pass** when its checks ran over what it needs and found nothing. Nothing that
//! was not evaluated is ever shown as passed, and the score counts only the controls a check
//! can decide (never those the framework marks manual).

pub mod catalogue;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use bulkhead_model::{Inventory, Node, Object, PodSpec};
use bulkhead_node::{Component, NODE_API_VERSION};

use crate::check::Check;
use crate::registry::all_checks;
use crate::rules::kubelet::kube_proxy_config::{config_of, ConfigSource};
use crate::sink::Finding;

/// What kind of input a control needs before a clean result means "pass".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Kubernetes objects: manifests, Helm or Kustomize output, cluster dumps.
    Manifests,
    /// RBAC objects (Roles, ClusterRoles, bindings).
    Rbac,
    /// Control-plane configuration (API server, controller manager, scheduler, etcd).
    ControlPlane,
    /// Worker node files and processes (kubelet, kube-proxy, file permissions).
    Node,
    /// A live cluster's state or the organisation's processes: only a person can judge.
    Process,
}

/// The input a scan actually held, which decides "not evaluated".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub manifests: bool,
    pub rbac: bool,
    pub control_plane: bool,
    pub node: bool,
    /// What the scan held that individual controls need (a control's `needs` in its
    /// catalogue): `component:<program>` for each control-plane or node component whose
    /// configuration was read, `command-line:<program>` when its command line itself was
    /// (flag-only settings), `file:<role>` for each role of a `File` object
    /// (`bulkhead_node::roles`), `kind:<Kind>` for configuration kinds (`kind:Policy`).
    pub subjects: BTreeSet<String>,
    /// How many Kubernetes objects of each kind the scan held (node facts excluded): what the
    /// related checks of a manual control looked at, for its evidence.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds: BTreeMap<String, usize>,
}

/// Configuration files whose presence decides controls (`kind:<Kind>` subjects), by API
/// group and kind: a Kyverno `Policy` is not an audit policy.
const CONFIGURATION_KINDS: &[(&str, &str)] = &[
    ("apiserver.config.k8s.io", "EncryptionConfiguration"),
    ("audit.k8s.io", "Policy"),
    ("kubelet.config.k8s.io", "KubeletConfiguration"),
    ("kubeproxy.config.k8s.io", "KubeProxyConfiguration"),
    ("apiserver.config.k8s.io", "AdmissionConfiguration"),
];

/// Configuration kinds that, scanned on their own, put the control plane in scope.
const CONTROL_PLANE_CONFIGURATION: &[&str] = &["kind:EncryptionConfiguration", "kind:Policy"];

/// Facts of the host under the node (`bulkhead node`): each read source is a `kind:<Kind>`
/// subject, so controls about a source that was not read are not evaluated.
const HOST_FACT_KINDS: &[&str] = &[
    "Kernel",
    "MandatoryAccessControl",
    "Listeners",
    "SshdConfig",
    "UpdatePolicy",
    "ContainerdConfig",
    "CrioConfig",
    "DockerDaemonConfig",
    "RuntimeVersion",
    "NodeIdentity",
    "BootstrapToken",
];

const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// `sysctl:<name>` for each kernel setting a `Kernel` fact holds a number for: a setting the
/// kernel lacks, that could not be read or that is not a number is not a subject, so its
/// controls are not evaluated.
fn sysctls_read(kernel: &Object) -> Vec<String> {
    let Some(values) = kernel.root.path(&["spec", "sysctls"]) else {
        return Vec::new();
    };
    values
        .as_map()
        .iter()
        .filter(|entry| {
            entry
                .value
                .scalar_text()
                .is_some_and(|text| text.trim().parse::<i64>().is_ok())
        })
        .map(|entry| format!("sysctl:{}", entry.key))
        .collect()
}

/// Whether a finding says only that a kernel setting could not be judged (unreadable, or not
/// a number): it keeps a control from passing, but as not evaluated, not as failed.
fn about_unread_sysctl(finding: &Finding, coverage: &Coverage) -> bool {
    if finding.object.api_version != NODE_API_VERSION || finding.object.kind != "Kernel" {
        return false;
    }
    let pointer = finding.location.pointer.as_str();
    pointer.starts_with("/spec/unreadable/")
        || pointer
            .strip_prefix("/spec/sysctls/")
            .is_some_and(|name| !coverage.subjects.contains(&format!("sysctl:{name}")))
}

impl Coverage {
    /// What the scanned objects can show: any object for manifests; a Role, ClusterRole or
    /// binding for RBAC; a static Pod of the API server, etcd, controller manager or scheduler
    /// for the control plane (or a control-plane process); node facts (`bulkhead node`), a
    /// kubelet or kube-proxy command line or configuration for the node.
    pub fn of(inventory: &Inventory) -> Coverage {
        let objects = inventory.objects();
        // One context, so the command lines and kubelets are found once.
        let options = crate::Options::default();
        let cx = crate::Context::new(inventory, &options);
        let mut subjects = BTreeSet::new();
        for line in cx.every_command_line() {
            subjects.insert(format!("component:{}", line.component.program()));
            // Settings that exist only as flags need the command line itself.
            subjects.insert(format!("command-line:{}", line.component.program()));
        }
        for object in objects {
            match (object.api_version.as_str(), object.kind.as_str()) {
                (NODE_API_VERSION, "File" | "Certificate") => {
                    let roles = object.root.path(&["spec", "roles"]).map(Node::as_seq);
                    for role in roles.unwrap_or(&[]).iter().filter_map(Node::as_str) {
                        subjects.insert(format!("file:{role}"));
                    }
                    subjects.insert(format!("kind:{}", object.kind));
                }
                (NODE_API_VERSION, kind) if HOST_FACT_KINDS.contains(&kind) => {
                    subjects.insert(format!("kind:{kind}"));
                    if kind == "Kernel" {
                        subjects.extend(sysctls_read(object));
                    }
                }
                (_, "KubeletConfiguration") => {
                    subjects.insert("component:kubelet".to_string());
                }
                (_, "KubeProxyConfiguration") => {
                    subjects.insert("component:kube-proxy".to_string());
                }
                _ => {}
            }
            if CONFIGURATION_KINDS.contains(&(object.group(), object.kind.as_str())) {
                subjects.insert(format!("kind:{}", object.kind));
            }
        }
        // A kubelet or kube-proxy whose config file is not among the inputs cannot be judged:
        // its settings would be taken from flags and defaults alone.
        if cx.kubelets().iter().any(|k| k.missing_config().is_some()) {
            subjects.remove("component:kubelet");
        }
        if cx
            .command_lines(Component::KubeProxy)
            .any(|l| matches!(config_of(&cx, l), Some((_, ConfigSource::Unscanned))))
        {
            subjects.remove("component:kube-proxy");
        }
        let mut kinds = BTreeMap::new();
        for object in objects.iter().filter(|o| o.api_version != NODE_API_VERSION) {
            *kinds.entry(object.kind.clone()).or_insert(0) += 1;
        }
        let has = |c: Component| subjects.contains(&format!("component:{}", c.program()));
        Coverage {
            manifests: !objects.is_empty(),
            rbac: objects
                .iter()
                .any(|o| RBAC_KINDS.contains(&o.kind.as_str())),
            control_plane: objects.iter().any(is_control_plane_pod)
                || CONTROL_PLANE_CONFIGURATION
                    .iter()
                    .any(|k| subjects.contains(*k))
                || Component::ALL
                    .into_iter()
                    .any(|c| c.is_control_plane() && has(c)),
            node: has(Component::Kubelet)
                || has(Component::KubeProxy)
                || subjects.contains("kind:File")
                || HOST_FACT_KINDS
                    .iter()
                    .any(|k| subjects.contains(&format!("kind:{k}"))),
            subjects,
            kinds,
        }
    }

    /// Whether the scan held everything a control needs.
    pub fn has_all(&self, needs: &[String]) -> bool {
        needs.iter().all(|n| self.subjects.contains(n))
    }

    pub fn covers(&self, scope: Scope) -> bool {
        match scope {
            Scope::Manifests => self.manifests,
            Scope::Rbac => self.rbac,
            Scope::ControlPlane => self.control_plane,
            Scope::Node => self.node,
            Scope::Process => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// A finding on a control the framework marks manual: a lead, not a verdict.
    Warn,
    Manual,
    NotEvaluated,
}

/// A Pod that runs a control-plane component: by its `component` label (kubeadm's static
/// Pods), a container's name, or the program its command starts.
fn is_control_plane_pod(object: &Object) -> bool {
    let is_component =
        |s: &str| Component::from_program(s).is_some_and(Component::is_control_plane);
    if object.kind != "Pod" {
        return false;
    }
    if object.label("component").is_some_and(is_component) {
        return true;
    }
    let Some(pod) = PodSpec::of(object) else {
        return false;
    };
    let found = pod.containers().any(|c| {
        let name = c.get("name").and_then(|n| n.as_str());
        let program = c
            .get("command")
            .and_then(|cmd| cmd.as_seq().first())
            .and_then(|n| n.as_str());
        name.is_some_and(is_component) || program.is_some_and(is_component)
    });
    found
}

/// One control of a framework's catalogue.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// True for controls the framework itself marks automated (CIS "Automated").
    pub automated: bool,
    /// True for controls the framework itself marks manual (CIS "Manual"): never passed, only
    /// warned (a finding) or left to a person with the evidence. False where the framework
    /// marks neither (NSA-CISA, MITRE): those are decided by their checks.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub manual: bool,
    pub scope: Scope,
    /// What a person should do for a manual control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    /// Subjects the scan must hold for a clean result to mean "pass" ([`Coverage::subjects`]):
    /// the API server's configuration for its flags, the file of a permission control.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
}

/// A framework: its catalogue and how checks name its controls.
#[derive(Clone, Debug, Serialize)]
pub struct Framework {
    /// `cis-1.12`, `pss-baseline`, `pss-restricted`, `nsa-cisa-1.2`, `mitre-containers`.
    pub id: &'static str,
    pub name: &'static str,
    pub version: &'static str,
    pub controls: Vec<Control>,
    /// Which of a check's compliance lists holds this framework's control ids.
    #[serde(skip)]
    pub ids_of: fn(&crate::Check) -> Vec<String>,
}

/// One control's verdict in a scan.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlResult {
    pub control: Control,
    pub status: Status,
    /// Ids of the checks that decide this control.
    pub checks: Vec<&'static str>,
    /// Indexes into the scan's findings of the unsuppressed findings that fail it.
    pub findings: Vec<usize>,
    /// For a control the framework marks manual and some check relates to: what those checks
    /// did in this scan, for the person who judges it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// What the checks related to a manual control did in one scan: which ran, over what, and
/// what they found. A lead for a person, never a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// Related checks that ran.
    pub ran: Vec<&'static str>,
    /// Related checks that did not run (`--select`, `--ignore`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_run: Vec<&'static str>,
    /// What they ran over: object counts by kind for manifest and RBAC controls
    /// (`1 Deployment`), the scanned components and files for control-plane and node ones.
    pub over: Vec<String>,
    /// Unsuppressed findings of the related checks on this control.
    pub findings: usize,
    /// Findings of the related checks that a suppression silenced.
    pub suppressed: usize,
}

impl Evidence {
    /// One sentence: `BHW001 ran over 1 Deployment, 1 Service and found nothing; a person
    /// judges this control`.
    pub fn summary(&self) -> String {
        let ran = match self.ran.len() {
            0 => "no related check ran".to_string(),
            _ => format!("{} ran", self.ran.join(", ")),
        };
        let over = match self.over.len() {
            0 => " over nothing in this scan".to_string(),
            _ => format!(" over {}", self.over.join(", ")),
        };
        let found = match (self.findings, self.suppressed) {
            (0, 0) => " and found nothing".to_string(),
            (0, s) => format!(" and found nothing unsuppressed ({s} suppressed)"),
            (n, 0) => format!(" and found {n} finding(s)"),
            (n, s) => format!(" and found {n} finding(s) ({s} suppressed)"),
        };
        let not_run = match self.not_run.len() {
            0 => String::new(),
            _ => format!("; {} did not run", self.not_run.join(", ")),
        };
        format!("{ran}{over}{found}{not_run}; a person judges this control")
    }
}

/// A framework evaluated over one scan.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameworkReport {
    pub id: &'static str,
    pub name: &'static str,
    pub version: &'static str,
    pub controls: Vec<ControlResult>,
    pub passed: usize,
    pub failed: usize,
    pub warned: usize,
    pub manual: usize,
    pub not_evaluated: usize,
    /// How many controls the score counts: passed or failed (or warned, where the framework
    /// marks nothing manual), never a control the framework marks manual.
    pub scored: usize,
    /// Percentage of the scored controls that passed, `None` when none was scored.
    pub score: Option<f64>,
}

impl Framework {
    /// Judges every control of the catalogue against the findings of a scan that ran every
    /// check.
    pub fn evaluate(&self, findings: &[Finding], coverage: Coverage) -> FrameworkReport {
        self.evaluate_with(findings, coverage, all_checks())
    }

    /// Judges every control against the findings of a scan that ran only the checks in `ran`
    /// (`--select`, `--ignore`): a control some of whose checks did not run is not evaluated
    /// rather than passed.
    pub fn evaluate_with(
        &self,
        findings: &[Finding],
        coverage: Coverage,
        ran: &[&'static Check],
    ) -> FrameworkReport {
        let mut results = Vec::new();
        for control in &self.controls {
            // The registry, and the custom rules that ran (they may name controls too).
            // Custom rule ids never start with `BH` (the rule reader refuses them).
            let custom = ran.iter().filter(|c| !c.id.starts_with("BH"));
            let checks: Vec<&'static str> = all_checks()
                .iter()
                .chain(custom)
                .filter(|c| (self.ids_of)(c).iter().any(|id| id == &control.id))
                .map(|c| c.id)
                .collect();
            let failing: Vec<usize> = findings
                .iter()
                .enumerate()
                .filter(|(_, f)| f.suppression.is_none() && checks.contains(&f.check.id))
                .filter(|(_, f)| self.finding_matches(f, &control.id))
                .filter(|(_, f)| !about_unread_sysctl(f, &coverage))
                .map(|(i, _)| i)
                .collect();
            let all_ran = checks.iter().all(|id| ran.iter().any(|c| c.id == *id));
            let covered = control.scope == Scope::Process
                || (coverage.covers(control.scope) && coverage.has_all(&control.needs));
            let status = if !failing.is_empty() && control.automated {
                Status::Fail
            } else if !failing.is_empty() {
                Status::Warn
            } else if !covered {
                Status::NotEvaluated
            } else if checks.is_empty() || control.scope == Scope::Process || control.manual {
                Status::Manual
            } else if all_ran {
                Status::Pass
            } else {
                Status::NotEvaluated
            };
            let evidence = (control.manual
                && !checks.is_empty()
                && matches!(status, Status::Manual | Status::Warn))
            .then(|| Evidence {
                ran: checks
                    .iter()
                    .copied()
                    .filter(|id| ran.iter().any(|c| c.id == *id))
                    .collect(),
                not_run: checks
                    .iter()
                    .copied()
                    .filter(|id| !ran.iter().any(|c| c.id == *id))
                    .collect(),
                over: evidence_subjects(&coverage, control),
                findings: failing.len(),
                suppressed: findings
                    .iter()
                    .filter(|f| f.suppression.is_some() && checks.contains(&f.check.id))
                    .filter(|f| self.finding_matches(f, &control.id))
                    .count(),
            });
            results.push(ControlResult {
                control: control.clone(),
                status,
                checks,
                findings: failing,
                evidence,
            });
        }
        let count = |s: Status| results.iter().filter(|r| r.status == s).count();
        let (passed, failed, warned) = (
            count(Status::Pass),
            count(Status::Fail),
            count(Status::Warn),
        );
        let scored = results
            .iter()
            .filter(|r| !r.control.manual)
            .filter(|r| matches!(r.status, Status::Pass | Status::Fail | Status::Warn))
            .count();
        FrameworkReport {
            id: self.id,
            name: self.name,
            version: self.version,
            passed,
            failed,
            warned,
            manual: count(Status::Manual),
            not_evaluated: count(Status::NotEvaluated),
            scored,
            score: (scored > 0).then(|| 100.0 * passed as f64 / scored as f64),
            controls: results,
        }
    }

    /// For Pod Security Standards, a finding fails a control only if its own entries name it
    /// (a finding may violate restricted but not baseline); other frameworks go by check.
    fn finding_matches(&self, finding: &Finding, control: &str) -> bool {
        match self.id.strip_prefix("pss-") {
            Some(level) => finding
                .pss
                .iter()
                .any(|e| e == &format!("{level}:{control}")),
            None => true,
        }
    }
}

/// What the checks of a manual control looked at: the scanned objects by kind (RBAC objects
/// only for an RBAC control), or the components, files and configuration kinds the scan held
/// for a control-plane or node control.
fn evidence_subjects(coverage: &Coverage, control: &Control) -> Vec<String> {
    let counted = |(kind, n): (&String, &usize)| format!("{n} {kind}");
    match control.scope {
        Scope::Manifests | Scope::Process => coverage.kinds.iter().map(counted).collect(),
        Scope::Rbac => coverage
            .kinds
            .iter()
            .filter(|(kind, _)| RBAC_KINDS.contains(&kind.as_str()))
            .map(counted)
            .collect(),
        Scope::ControlPlane | Scope::Node => coverage
            .subjects
            .iter()
            .filter(|s| !s.starts_with("command-line:"))
            .cloned()
            .collect(),
    }
}
