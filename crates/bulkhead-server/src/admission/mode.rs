//! What the webhook does with findings in a namespace: deny (enforce), tell the user (warn),
//! or only record (audit), each from a severity up.
//!
//! A namespace chooses with labels, as Pod Security Admission does with its own:
//!
//! ```yaml
//! metadata:
//!   labels:
//!     bulkhead.dev/enforce: high     # deny what has a new finding at high or above
//!     bulkhead.dev/warn: low         # warn (kubectl prints it) from low up
//!     bulkhead.dev/audit: info       # log and count from info up
//! ```
//!
//! A label with an empty value (or `true`) uses that mode's default severity. A namespace
//! with none of the three labels gets the `--default-mode`. A value that is no severity does
//! not switch the mode off: an enforce label that cannot be read still enforces, at the
//! default severity, and every answer says so in a warning.

use std::collections::BTreeMap;

use bulkhead_checks::Severity;

pub const ENFORCE_LABEL: &str = "bulkhead.dev/enforce";
pub const WARN_LABEL: &str = "bulkhead.dev/warn";
pub const AUDIT_LABEL: &str = "bulkhead.dev/audit";

/// The mode of a namespace without Bulkhead labels (`--default-mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Enforce,
    Warn,
    Audit,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "enforce" => Ok(Mode::Enforce),
            "warn" => Ok(Mode::Warn),
            "audit" => Ok(Mode::Audit),
            _ => Err(format!(
                "invalid mode {s:?} (expected enforce, warn or audit)"
            )),
        }
    }
}

/// Thresholds of a namespace: findings at or above each are acted on that way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub enforce: Option<Severity>,
    pub warn: Option<Severity>,
    pub audit: Option<Severity>,
    /// Labels that could not be read (told to the user with every answer).
    pub problems: Vec<String>,
}

impl Policy {
    /// The name of the strictest mode in force, for metrics and logs.
    pub fn mode(&self) -> &'static str {
        if self.enforce.is_some() {
            "enforce"
        } else if self.warn.is_some() {
            "warn"
        } else {
            "audit"
        }
    }
}

/// The default thresholds.
#[derive(Clone, Copy, Debug)]
pub struct Defaults {
    pub mode: Mode,
    /// `--enforce-at`: the severity an enforcing namespace denies from.
    pub enforce_at: Severity,
    /// The severity warnings and audit records start at.
    pub report_at: Severity,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            mode: Mode::Warn,
            enforce_at: Severity::High,
            report_at: Severity::Low,
        }
    }
}

impl Defaults {
    /// The policy of a namespace with these labels (`None`: no namespace, or one the webhook
    /// has not seen).
    pub fn policy(&self, labels: Option<&BTreeMap<String, String>>) -> Policy {
        let mut policy = Policy {
            enforce: None,
            warn: None,
            audit: None,
            problems: Vec::new(),
        };
        let mut labelled = false;
        if let Some(labels) = labels {
            for (label, default, slot) in [
                (ENFORCE_LABEL, self.enforce_at, &mut policy.enforce),
                (WARN_LABEL, self.report_at, &mut policy.warn),
                (AUDIT_LABEL, self.report_at, &mut policy.audit),
            ] {
                let Some(value) = labels.get(label) else {
                    continue;
                };
                labelled = true;
                *slot = Some(match value.as_str() {
                    "" | "true" => default,
                    text => text.parse().unwrap_or_else(|_| {
                        policy.problems.push(format!(
                            "namespace label {label}={text:?} is not a severity (info, low, medium, high, critical); {default} is used"
                        ));
                        default
                    }),
                });
            }
        }
        if !labelled {
            match self.mode {
                Mode::Enforce => {
                    policy.enforce = Some(self.enforce_at);
                    policy.warn = Some(self.report_at);
                }
                Mode::Warn => policy.warn = Some(self.report_at),
                Mode::Audit => policy.audit = Some(self.report_at),
            }
        }
        policy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn labels_choose_each_mode_and_its_severity() {
        let defaults = Defaults::default();
        let policy = defaults.policy(Some(&labels(&[
            (ENFORCE_LABEL, "critical"),
            (WARN_LABEL, ""),
            ("team", "shop"),
        ])));
        assert_eq!(policy.enforce, Some(Severity::Critical));
        assert_eq!(policy.warn, Some(Severity::Low));
        assert_eq!(policy.audit, None);
        assert!(policy.problems.is_empty());
    }

    #[test]
    fn an_unlabelled_or_unknown_namespace_gets_the_default_mode() {
        let defaults = Defaults {
            mode: Mode::Enforce,
            enforce_at: Severity::Medium,
            report_at: Severity::Low,
        };
        for policy in [
            defaults.policy(None),
            defaults.policy(Some(&labels(&[("team", "shop")]))),
        ] {
            assert_eq!(policy.enforce, Some(Severity::Medium));
            assert_eq!(policy.warn, Some(Severity::Low));
        }
        let audit = Defaults {
            mode: Mode::Audit,
            ..defaults
        };
        assert_eq!(audit.policy(None).mode(), "audit");
    }

    #[test]
    fn an_unreadable_enforce_label_still_enforces_and_says_so() {
        let policy = Defaults::default().policy(Some(&labels(&[(ENFORCE_LABEL, "hihg")])));
        assert_eq!(policy.enforce, Some(Severity::High));
        assert_eq!(policy.problems.len(), 1);
        assert!(
            policy.problems[0].contains("\"hihg\""),
            "{:?}",
            policy.problems
        );
    }
}
