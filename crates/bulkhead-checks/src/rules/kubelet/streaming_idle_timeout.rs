use bulkhead_node::kubelet::fields::STREAMING_CONNECTION_IDLE_TIMEOUT;

use crate::rules::kubelet::judge::{judge_setting, unreadable};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets whose streaming connections (exec, attach, port-forward) never time out:
    /// `--streaming-connection-idle-timeout=0` (or a negative duration). The default is 4h in
    /// both modes. In a config file a zero `streamingConnectionIdleTimeout` (`0`, `0s`) is
    /// replaced by that default when the file is loaded, so it is not reported there; in a
    /// `--config-dir` drop-in or on the command line, both applied after defaulting, zero
    /// means no timeout.
    ///
    /// ## Why it matters
    /// Idle streams that are never closed hold kubelet resources open and let a forgotten
    /// `kubectl exec` or port-forward stay usable indefinitely; enough of them exhaust the
    /// kubelet. A timeout bounds both.
    ///
    /// ## Example
    /// ```text
    /// kubelet --config=/var/lib/kubelet/config.yaml --streaming-connection-idle-timeout=0
    /// ```
    ///
    /// Use instead: a short idle timeout (or leave the 4h default).
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// streamingConnectionIdleTimeout: 5m
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.2.5
    /// - https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
    pub static STREAMING_IDLE_TIMEOUT_DISABLED = Check {
        id: "BHL005",
        slug: "kubelet-streaming-idle-timeout",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set streamingConnectionIdleTimeout (or --streaming-connection-idle-timeout) to a positive duration such as 5m",
        compliance: Compliance {
            cis: &["4.2.5"],
            pss: &[],
            nsa: &["Network separation and hardening: worker node segmentation"],
            mitre: &["T1499"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    judge_setting(
        cx,
        sink,
        &STREAMING_CONNECTION_IDLE_TIMEOUT,
        |value| match value.as_duration() {
            Some(seconds) if seconds > 0.0 => None,
            Some(_) => Some(format!(
                "idle streaming connections never time out (idle timeout {value})"
            )),
            None => Some(unreadable(value, "duration")),
        },
    );
}
