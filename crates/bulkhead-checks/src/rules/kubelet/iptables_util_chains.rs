use bulkhead_node::kubelet::fields::MAKE_IPTABLES_UTIL_CHAINS;

use crate::rules::kubelet::judge::{bool_problem, judge_setting};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets that do not manage their iptables utility chains
    /// (`makeIPTablesUtilChains: false` or `--make-iptables-util-chains=false`). The default
    /// is `true` in both modes, so only an explicit `false` is reported.
    ///
    /// ## Why it matters
    /// The kubelet keeps its iptables chains (for instance the rules that drop martian
    /// traffic to localhost-bound node ports) in line with the pods it runs. Turned off, the
    /// node's firewall rules drift from the workload and must be kept right by hand.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// makeIPTablesUtilChains: false
    /// ```
    ///
    /// Use instead: let the kubelet manage the chains (or remove the field).
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// makeIPTablesUtilChains: true
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.6
    /// - https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
    pub static IPTABLES_UTIL_CHAINS_DISABLED = Check {
        id: "BHL006",
        slug: "kubelet-iptables-util-chains",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set makeIPTablesUtilChains: true in the kubelet config file, or remove --make-iptables-util-chains=false",
        compliance: Compliance {
            cis: &["4.2.6"],
            pss: &[],
            nsa: &["Network separation and hardening: worker node segmentation"],
            mitre: &[],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(cx, sink, &MAKE_IPTABLES_UTIL_CHAINS, |value| {
        bool_problem(
            value,
            true,
            "the kubelet does not manage its iptables utility chains",
        )
    });
}
