use bulkhead_node::duration::parse_duration;
use bulkhead_node::Component;

use super::expect::{setting, Setting};
use super::flags::report_flag;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// A kube-apiserver `--request-timeout` longer than the 60-second default, not a
    /// positive duration, or not a duration at all. Durations are read as Go writes them
    /// (`300s`, `5m`, `1m30s`, `1h`).
    ///
    /// ## Why it matters
    /// The timeout bounds how long a non-long-running request (everything but watches,
    /// exec, attach, port-forward and logs) may hold API server resources. Raising it lets
    /// slow or deliberately stalled clients pin connections and memory for longer, which
    /// makes the API server easier to exhaust. CIS asks to keep the default unless slow
    /// connections need more; a raised value should be a reviewed decision, so it is
    /// reported (low) with the value found. A value the API server cannot parse stops it
    /// from starting.
    ///
    /// ## Example
    /// ```yaml
    /// command:
    ///   - kube-apiserver
    ///   - --request-timeout=10m
    /// ```
    ///
    /// Use instead: leave the flag out (60s), or set the smallest value the slowest clients need.
    /// ```yaml
    ///   - --request-timeout=60s
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
    /// - CIS Kubernetes Benchmark v1.12, 1.2.20 (manual; 1.2.26 in v1.6.0). A finding makes the
    ///   control WARN; a clean run leaves it MANUAL with this check as evidence, never PASS.
    /// - MITRE ATT&CK T1499 (Endpoint Denial of Service)
    pub static APISERVER_REQUEST_TIMEOUT = Check {
        id: "BHC090",
        slug: "apiserver-request-timeout",
        severity: Severity::Low,
        family: Family::ControlPlane,
        remediation: "remove --request-timeout from the API server (default 60s) or lower it to what the slowest clients need",
        compliance: Compliance {
            cis: &["1.2.20"],
            pss: &[],
            nsa: &["Network separation and hardening: control plane hardening"],
            mitre: &["T1499"],
        },
        run: Run::Inventory(check),
    };
}

const DEFAULT_SECONDS: f64 = 60.0;

fn check(cx: &Context<'_>, sink: &mut Sink<'_>) {
    for line in cx.command_lines(Component::ApiServer) {
        let Setting::Written(arg) = setting(line, "request-timeout") else {
            continue;
        };
        let text = arg.text().trim();
        let problem = match parse_duration(text) {
            None => format!("`{text}` is not a duration, so kube-apiserver refuses to start"),
            Some(s) if s <= 0.0 => format!(
                "`{text}` is not a positive duration, so requests are not bounded as intended"
            ),
            Some(s) if s > DEFAULT_SECONDS => format!(
                "requests may hold the API server for {s}s, longer than the 60s default; slow or stalled clients can pin its resources"
            ),
            Some(_) => continue,
        };
        report_flag(sink, line, &arg, &problem);
    }
}

#[cfg(test)]
mod tests {
    use bulkhead_node::duration::parse_duration as d;

    #[test]
    fn go_durations() {
        assert_eq!(d("60s"), Some(60.0));
        assert_eq!(d("5m"), Some(300.0));
        assert_eq!(d("1m30s"), Some(90.0));
        assert_eq!(d("1h"), Some(3600.0));
        assert_eq!(d("1.5m"), Some(90.0));
        assert_eq!(d("0"), Some(0.0));
        assert_eq!(d("-1s"), Some(-1.0));
        assert_eq!(d("300"), None);
        assert_eq!(d("5x"), None);
        assert_eq!(d(""), None);
    }
}
