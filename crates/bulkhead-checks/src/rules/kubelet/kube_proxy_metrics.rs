use std::collections::HashSet;
use std::net::IpAddr;

use bulkhead_model::Object;
use bulkhead_node::Component;

use crate::rules::control_plane::flags::{origin, report_flag};
use crate::rules::kubelet::kube_proxy_config::{config_of, embedded_configs, ConfigSource};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

/// kube-proxy's metrics address when none is written (flag and config default alike).
const DEFAULT_ADDRESS: &str = "127.0.0.1:10249";

declare_check! {
    /// ## What it checks
    /// kube-proxy metrics servers bound to an address other than loopback. The address is
    /// read where kube-proxy reads it: with `--config`, only `metricsBindAddress` in that
    /// file counts (kube-proxy ignores `--metrics-bind-address` then), whether the file was
    /// scanned itself or is a key of the `kube-proxy` ConfigMap mounted into the DaemonSet;
    /// without `--config`, the `--metrics-bind-address` flag. Unset or empty in a config file
    /// means the default `127.0.0.1:10249`; an empty flag turns the server off. Configuration
    /// files and `kube-proxy` ConfigMaps scanned on their own are judged too. A `--config`
    /// file that was not scanned cannot be judged (the flags cannot tell): it is reported by
    /// `config-file-not-scanned` (BHL016) and the CIS control is not evaluated.
    /// The host is compared as an address, not as text: `[::1]:10249` is loopback,
    /// `127.0.0.10` is loopback too, and `0.0.0.0` or an empty host (`:10249`) means every
    /// interface.
    ///
    /// ## Why it matters
    /// The metrics endpoint answers without authentication. Bound to `0.0.0.0` it tells
    /// anyone who can reach the node the cluster's services, endpoints and sync activity,
    /// and it is one more unauthenticated listener on every node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubeproxy.config.k8s.io/v1alpha1
    /// kind: KubeProxyConfiguration
    /// metricsBindAddress: 0.0.0.0:10249
    /// ```
    ///
    /// Use instead: keep the metrics on loopback (scrape them through a node-local agent).
    /// ```yaml
    /// apiVersion: kubeproxy.config.k8s.io/v1alpha1
    /// kind: KubeProxyConfiguration
    /// metricsBindAddress: 127.0.0.1:10249
    /// ```
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark v1.12, 4.3.1
    /// - https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/
    /// - https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/
    pub static KUBE_PROXY_METRICS_EXPOSED = Check {
        id: "BHL015",
        slug: "kube-proxy-metrics-not-localhost",
        severity: Severity::Medium,
        family: Family::Kubelet,
        remediation: "set metricsBindAddress: 127.0.0.1:10249 in the kube-proxy configuration (or --metrics-bind-address when kube-proxy runs without --config)",
        compliance: Compliance {
            cis: &["4.3.1"],
            pss: &[],
            nsa: &["Network separation and hardening: worker node segmentation"],
            mitre: &["T1613"],
        },
        run: Run::Inventory(check),
    };
}

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    // Configurations judged through a command line, not again on their own.
    let mut judged: HashSet<(*const Object, String)> = HashSet::new();
    for line in cx.command_lines(Component::KubeProxy) {
        let ignored_flag = line
            .flag("metrics-bind-address")
            .map(|a| {
                format!(
                    "; the flag `{}` is ignored because --config is given",
                    a.written
                )
            })
            .unwrap_or_default();
        match config_of(cx, line) {
            None => {
                // Unset, the default is loopback.
                if let Some(arg) = line.flag("metrics-bind-address") {
                    if let Some(problem) = exposure(arg.text(), false) {
                        report_flag(sink, line, arg, &problem);
                    }
                }
            }
            Some((_, ConfigSource::Object(object))) => {
                judged.insert((object as *const Object, String::new()));
                judge_config_object(sink, object, &ignored_flag);
            }
            Some((_, ConfigSource::ConfigMapKey(embedded))) => {
                judged.insert((embedded.config_map as *const Object, embedded.key.clone()));
                let address = metrics_address(&embedded.config);
                if let Some(problem) = exposure(&address, true) {
                    sink.report(
                        embedded.config_map,
                        &embedded.pointer(),
                        format!(
                            "kube-proxy ({}): {problem} (set by metricsBindAddress in the key {} of ConfigMap {}, the file named by --config{ignored_flag})",
                            origin(line),
                            embedded.key,
                            embedded.config_map.name
                        ),
                    );
                }
            }
            // Reported once by BHL016; the control is not evaluated.
            Some((_, ConfigSource::Unscanned)) => {}
        }
    }
    for object in cx.inventory.of_kind("KubeProxyConfiguration") {
        if !judged.contains(&(object as *const Object, String::new())) {
            judge_config_object(sink, object, "");
        }
    }
    for config_map in cx.inventory.of_kind("ConfigMap") {
        if config_map.name != "kube-proxy" {
            continue;
        }
        for embedded in embedded_configs(config_map) {
            if judged.contains(&(config_map as *const Object, embedded.key.clone())) {
                continue;
            }
            let address = metrics_address(&embedded.config);
            if let Some(problem) = exposure(&address, true) {
                sink.report(
                    config_map,
                    &embedded.pointer(),
                    format!(
                        "kube-proxy: {problem} (set by metricsBindAddress in the key {} of ConfigMap {})",
                        embedded.key, config_map.name
                    ),
                );
            }
        }
    }
}

fn judge_config_object(sink: &mut Sink<'_>, object: &Object, ignored_flag: &str) {
    let written = object
        .root
        .get("metricsBindAddress")
        .and_then(|n| n.as_str());
    let address = metrics_address(object);
    if let Some(problem) = exposure(&address, true) {
        let decided = match written {
            Some(_) => format!(
                "set in the config file {} at /metricsBindAddress",
                object.origin.file.path
            ),
            None => format!("not set; the default is {DEFAULT_ADDRESS}"),
        };
        sink.report(
            object,
            "/metricsBindAddress",
            format!("kube-proxy: {problem} ({decided}{ignored_flag})"),
        );
    }
}

/// `metricsBindAddress` of a configuration, defaulted when unset or empty.
fn metrics_address(config: &Object) -> String {
    config
        .root
        .get("metricsBindAddress")
        .and_then(|n| n.as_str())
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .unwrap_or(DEFAULT_ADDRESS)
        .to_string()
}

/// What is wrong with serving metrics at `address` (`host:port`, `[v6]:port`, or a bare
/// host in a config file, where kube-proxy appends the default port). An empty flag value
/// turns the metrics server off.
fn exposure(address: &str, from_config: bool) -> Option<String> {
    let address = address.trim();
    if address.is_empty() {
        return (from_config).then(|| "the metrics bind address is empty".to_string());
    }
    let host = host_of(address);
    if host == "localhost" {
        return None;
    }
    match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => None,
        Ok(ip) if ip.is_unspecified() => Some(format!(
            "metrics are served on every interface ({address}), without authentication"
        )),
        Ok(_) => Some(format!(
            "metrics are served on a non-loopback address ({address}), without authentication"
        )),
        Err(_) if host.is_empty() => Some(format!(
            "metrics are served on every interface ({address}), without authentication"
        )),
        Err(_) => Some(format!(
            "the metrics bind address `{address}` is not an IP address and port, so kube-proxy refuses it"
        )),
    }
}

fn host_of(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match address.matches(':').count() {
        0 => address,
        1 => address.split(':').next().unwrap_or(""),
        // A bare IPv6 address.
        _ => address,
    }
}

#[cfg(test)]
mod tests {
    use super::exposure;

    #[test]
    fn loopback_addresses_are_fine_and_others_are_exposed() {
        for fine in [
            "127.0.0.1:10249",
            "[::1]:10249",
            "127.0.0.1",
            "::1",
            "localhost:10249",
        ] {
            assert_eq!(exposure(fine, true), None, "{fine}");
        }
        for exposed in [
            "0.0.0.0:10249",
            ":10249",
            "[::]:10249",
            "10.0.0.5:10249",
            "0.0.0.0",
        ] {
            assert!(exposure(exposed, true).is_some(), "{exposed}");
        }
        assert_eq!(
            exposure("", false),
            None,
            "an empty flag turns the server off"
        );
    }
}
