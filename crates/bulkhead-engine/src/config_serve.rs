//! The `serve:` section of `.bulkhead.yaml`: the long-running mode's settings, each of
//! which a flag of `bulkhead serve` overrides.
//!
//! ```yaml
//! serve:
//!   listen: 0.0.0.0:8080
//!   interval: 1h            # s, m, h, d, combined (1h30m)
//!   namespaces: [shop]      # read only these (cluster-wide objects always)
//!   audit: true             # host the audit receiver at POST /audit
//!   trend-scans: 60         # scans the dashboard's trend keeps in memory
//!   alerts:
//!     url: https://hooks.slack.com/services/…
//!     format: slack         # or json
//!     min-severity: high
//!     queue: 100            # messages held while the endpoint is down
//!   store: bulkhead.db      # or postgres://…: the history store
//!   write-policyreports: true
//!   admission: true         # the admission webhook at /admission/validate (needs tls)
//!   tls:
//!     cert: /tls/tls.crt    # PEM chain; with key, the endpoints are HTTPS
//!     key: /tls/tls.key
//! ```

use std::time::Duration;

use bulkhead_checks::Severity;
use bulkhead_model::{Node, Value};

use super::Reader;

/// `serve:` as written; `None` where the file says nothing.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ServeConfig {
    pub listen: Option<String>,
    pub interval: Option<Duration>,
    pub namespaces: Vec<String>,
    pub audit: Option<bool>,
    pub trend_scans: Option<usize>,
    pub alert_url: Option<String>,
    pub alert_format: Option<String>,
    pub alert_min_severity: Option<Severity>,
    pub alert_queue: Option<usize>,
    /// The history store: a SQLite path or a `postgres://` URL.
    pub store: Option<String>,
    pub write_policyreports: Option<bool>,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    pub admission: Option<bool>,
}

/// `30s`, `15m`, `1h`, `2d`, or parts of them together (`1h30m`); at least one second.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("{text:?}: expected a duration such as 30s, 15m, 1h or 1h30m");
    let mut total = 0u64;
    let mut digits = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        digits.clear();
    }
    if !digits.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

impl Reader<'_> {
    pub(super) fn serve(&mut self, node: &Node, config: &mut ServeConfig) {
        if !node.is_map() {
            return self.error(node, "serve: expected a mapping");
        }
        for e in node.as_map() {
            let value = &e.value;
            match &*e.key {
                "listen" => config.listen = self.string(value, "serve.listen"),
                "interval" => {
                    if let Some(text) = self.string(value, "serve.interval") {
                        match parse_duration(&text) {
                            Ok(d) => config.interval = Some(d),
                            Err(err) => self.error(value, format!("serve.interval: {err}")),
                        }
                    }
                }
                "namespaces" => config.namespaces = self.strings(value, "serve.namespaces"),
                "audit" => match value.value {
                    Value::Bool(b) => config.audit = Some(b),
                    _ => self.error(value, "serve.audit: expected true or false"),
                },
                "trend-scans" => config.trend_scans = self.count(value, "serve.trend-scans"),
                "alerts" => self.alerts(value, config),
                "store" => config.store = self.string(value, "serve.store"),
                "write-policyreports" => match value.value {
                    Value::Bool(b) => config.write_policyreports = Some(b),
                    _ => self.error(value, "serve.write-policyreports: expected true or false"),
                },
                "tls" => self.tls(value, config),
                "admission" => match value.value {
                    Value::Bool(b) => config.admission = Some(b),
                    _ => self.error(value, "serve.admission: expected true or false"),
                },
                other => self.key_error(
                    e,
                    &format!("serve.{other}"),
                    &[
                        "listen",
                        "interval",
                        "namespaces",
                        "audit",
                        "trend-scans",
                        "alerts",
                        "store",
                        "write-policyreports",
                        "tls",
                        "admission",
                    ],
                ),
            }
        }
    }

    fn alerts(&mut self, node: &Node, config: &mut ServeConfig) {
        if !node.is_map() {
            return self.error(
                node,
                "serve.alerts: expected a mapping (url, format, min-severity, queue)",
            );
        }
        for e in node.as_map() {
            let value = &e.value;
            match &*e.key {
                "url" => config.alert_url = self.string(value, "serve.alerts.url"),
                "format" => {
                    config.alert_format = self.string(value, "serve.alerts.format");
                    if let Some(f) = config.alert_format.as_deref() {
                        if f != "json" && f != "slack" {
                            self.error(value, "serve.alerts.format: expected json or slack");
                        }
                    }
                }
                "min-severity" => match value.as_str().map(str::parse::<Severity>) {
                    Some(Ok(s)) => config.alert_min_severity = Some(s),
                    Some(Err(err)) => {
                        self.error(value, format!("serve.alerts.min-severity: {err}"))
                    }
                    None => self.error(value, "serve.alerts.min-severity: expected a severity"),
                },
                "queue" => config.alert_queue = self.count(value, "serve.alerts.queue"),
                other => self.key_error(
                    e,
                    &format!("serve.alerts.{other}"),
                    &["url", "format", "min-severity", "queue"],
                ),
            }
        }
    }

    fn tls(&mut self, node: &Node, config: &mut ServeConfig) {
        if !node.is_map() {
            return self.error(node, "serve.tls: expected a mapping (cert, key)");
        }
        for e in node.as_map() {
            let value = &e.value;
            match &*e.key {
                "cert" => config.tls_cert = self.string(value, "serve.tls.cert"),
                "key" => config.tls_key = self.string(value, "serve.tls.key"),
                other => self.key_error(e, &format!("serve.tls.{other}"), &["cert", "key"]),
            }
        }
        if config.tls_cert.is_some() != config.tls_key.is_some() {
            self.error(node, "serve.tls: give both cert and key");
        }
    }

    fn count(&mut self, node: &Node, what: &str) -> Option<usize> {
        match node.value {
            Value::Int(n) if n > 0 => usize::try_from(n).ok(),
            _ => {
                self.error(node, format!("{what}: expected a whole number above 0"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_go_and_kubectl_write_them() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        for bad in ["", "0s", "1", "h", "1x", "-1h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
