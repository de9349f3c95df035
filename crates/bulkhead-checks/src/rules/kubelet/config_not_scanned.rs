use bulkhead_node::Component;

use crate::rules::control_plane::flags::report_flag;
use crate::rules::kubelet::kube_proxy_config::{config_of, ConfigSource};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Kubelets and kube-proxies whose `--config` file is not among the inputs: the file that
    /// decides the component's settings could not be read (permissions, a node copy without
    /// it) or was not passed to the scan (for kube-proxy, neither as a file nor as the key of
    /// the ConfigMap its DaemonSet mounts). Reported once per component, at the `--config`
    /// flag.
    ///
    /// ## Why it matters
    /// Without the config file, the component's settings cannot be judged: judging them from
    /// the flags and the defaults alone would pass a setting that the unread file makes
    /// insecure (kube-proxy even ignores most flags when given `--config`). The kubelet and
    /// kube-proxy checks therefore say nothing about settings the file could decide, and the
    /// CIS 4.2 and 4.3 controls are reported as not evaluated; this finding says why, so that
    /// nothing passes silently. It maps to no control.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: node.bulkhead.dev/v1
    /// kind: Process
    /// metadata: {name: kubelet}
    /// spec:
    ///   command: [/usr/bin/kubelet, --config=/var/lib/kubelet/config.yaml]
    /// ```
    ///
    /// Use instead: run `bulkhead node` with permission to read the file (as root, or with
    /// the DaemonSet in `deploy/`), or pass the file to `bulkhead scan` with the rest.
    /// ```shell
    /// sudo bulkhead node
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation: Set Kubelet Parameters Via A Configuration File
    pub static CONFIG_FILE_NOT_SCANNED = Check {
        id: "BHL016",
        slug: "config-file-not-scanned",
        severity: Severity::Info,
        family: Family::Kubelet,
        remediation: "let Bulkhead read the --config file: run bulkhead node as root, or pass the file (or the kube-proxy ConfigMap) to the scan",
        compliance: Compliance::NONE,
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for kubelet in cx.kubelets() {
        let (Some(arg), Some(line)) = (kubelet.missing_config(), &kubelet.command_line) else {
            continue;
        };
        report_flag(
            sink,
            line,
            arg,
            "this config file was not scanned, so the kubelet settings it may decide are not evaluated",
        );
    }
    for line in cx.command_lines(Component::KubeProxy) {
        if let Some((arg, ConfigSource::Unscanned)) = config_of(cx, line) {
            report_flag(
                sink,
                line,
                arg,
                "this config file was not scanned (neither as a file nor as a ConfigMap key), so kube-proxy's settings are not evaluated",
            );
        }
    }
}
