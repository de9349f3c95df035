//! Check families: the chapters of the problem, each with the letter of its check ids.

use std::fmt;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Pod and container security context, host access, service account tokens (`BHW`).
    Workload,
    /// CPU, memory and other resource governance (`BHQ`).
    Resources,
    /// Image references and pull behaviour (`BHI`).
    Images,
    /// Credentials written where they should not be (`BHS`).
    Secrets,
    /// Namespace use and tenancy boundaries (`BHM`).
    Multitenancy,
    /// API versions deprecated or removed in the target Kubernetes version (`BHD`).
    Deprecations,
    /// Well-known dangerous components and settings: exposed dashboards, Tiller, CVE-linked
    /// annotations (`BHK`).
    KnownRisks,
    /// References to objects that do not exist: services selecting no pod, ingresses to
    /// missing services (`BHF`).
    References,
    /// RBAC: risky grants and escalation paths (`BHR`).
    Rbac,
    /// Network policy, reachability and exposure (`BHN`).
    Network,
    /// API server, controller manager, scheduler and etcd settings, encryption at rest and the
    /// audit policy (`BHC`).
    ControlPlane,
    /// Kubelet and kube-proxy settings, with the source that decided each (`BHL`).
    Kubelet,
    /// Node files: modes and owners, certificates and private keys (`BHP`).
    NodeFiles,
    /// Component versions: supported minors, known-vulnerable patch levels (`BHV`).
    Versions,
    /// The host under the node: kernel settings, mandatory access control, listening services,
    /// SSH, automatic updates, container runtimes, node identity (`BHN040`–`BHN099`, the
    /// letter shared with network: the ids were given out in one range).
    NodeHost,
    /// Attack paths: chains from the internet through workloads, nodes and identities to
    /// cluster-admin (`BHT`).
    AttackPaths,
    /// Admission policies found among the inputs, evaluated offline, and the project's own
    /// rules in CEL (`BHY`).
    Policy,
}

impl Family {
    pub const ALL: [Family; 17] = [
        Family::Workload,
        Family::Resources,
        Family::Images,
        Family::Secrets,
        Family::Multitenancy,
        Family::Deprecations,
        Family::KnownRisks,
        Family::References,
        Family::Rbac,
        Family::Network,
        Family::ControlPlane,
        Family::Kubelet,
        Family::NodeFiles,
        Family::Versions,
        Family::NodeHost,
        Family::AttackPaths,
        Family::Policy,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Workload => "workload",
            Family::Resources => "resources",
            Family::Images => "images",
            Family::Secrets => "secrets",
            Family::Multitenancy => "multitenancy",
            Family::Deprecations => "deprecations",
            Family::KnownRisks => "known-risks",
            Family::References => "references",
            Family::Rbac => "rbac",
            Family::Network => "network",
            Family::ControlPlane => "control-plane",
            Family::Kubelet => "kubelet",
            Family::NodeFiles => "node-files",
            Family::Versions => "versions",
            Family::NodeHost => "node-host",
            Family::AttackPaths => "attack-paths",
            Family::Policy => "policy",
        }
    }

    /// The letter after `BH` in the ids of this family's checks.
    pub fn letter(self) -> char {
        match self {
            Family::Workload => 'W',
            Family::Resources => 'Q',
            Family::Images => 'I',
            Family::Secrets => 'S',
            Family::Multitenancy => 'M',
            Family::Deprecations => 'D',
            Family::KnownRisks => 'K',
            Family::References => 'F',
            Family::Rbac => 'R',
            Family::Network => 'N',
            Family::ControlPlane => 'C',
            Family::Kubelet => 'L',
            Family::NodeFiles => 'P',
            Family::Versions => 'V',
            Family::NodeHost => 'N',
            Family::AttackPaths => 'T',
            Family::Policy => 'Y',
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Family {
    /// The families `bulkhead node` runs by default: the configuration of the node and its
    /// components, not the workloads of its static Pods.
    pub const NODE: [Family; 5] = [
        Family::ControlPlane,
        Family::Kubelet,
        Family::NodeFiles,
        Family::Versions,
        Family::NodeHost,
    ];
}
