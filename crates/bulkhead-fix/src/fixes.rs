//! The fixes, one per check: what each writes, and whether it is safe (applied by default)
//! or unsafe (it may change how the workload behaves, so it needs `--unsafe`).
//!
//! A fix receives the finding's field path and answers with a [`Change`] at that path; it
//! refuses (with the reason) a finding whose path is not the field it knows how to set, such
//! as the annotation form of a seccomp profile.

use bulkhead_model::Object;

use crate::yaml::Yaml;

/// Whether a fix is applied by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Safety {
    /// Does not change what the workload can do in a way it is likely to rely on.
    Safe,
    /// May stop a workload from working (a capability, a writable root, the API token): it
    /// is applied only with `--unsafe`.
    Unsafe,
}

impl Safety {
    pub fn name(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// A change to an object, by field path (relative to the object's root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Set the field to the value, creating the missing parents.
    Set { pointer: String, value: Yaml },
    /// Add an item to the list at the path (creating it when missing).
    Append { pointer: String, item: Yaml },
    /// Rename the field's key, keeping its value.
    Rename { pointer: String, to: String },
    /// Remove a list item.
    Remove { pointer: String },
}

/// Resource amounts a project chooses: `--default-request cpu=100m`, `--default-limit memory=256Mi`.
#[derive(Clone, Debug, Default)]
pub struct Defaults {
    pub requests: Vec<(String, String)>,
    pub limits: Vec<(String, String)>,
}

/// What a fix looks at.
pub struct Context<'a> {
    /// The finding's field path, relative to the object's root.
    pub pointer: &'a str,
    pub object: &'a Object,
    pub defaults: &'a Defaults,
}

/// One check's fix.
pub struct Fix {
    pub check: &'static str,
    pub safety: Safety,
    /// What it does, as a line in the fix report.
    pub title: &'static str,
    pub change: fn(&Context<'_>) -> Result<Change, String>,
}

/// The last token of a pointer.
fn leaf(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or("")
}

fn set(cx: &Context<'_>, field: &str, value: Yaml) -> Result<Change, String> {
    if leaf(cx.pointer) == field {
        Ok(Change::Set {
            pointer: cx.pointer.to_string(),
            value,
        })
    } else {
        Err(format!(
            "the finding is at {}, not at a `{field}` field this fix can set",
            cx.pointer
        ))
    }
}

fn runtime_default(cx: &Context<'_>, field: &str) -> Result<Change, String> {
    match leaf(cx.pointer) {
        leaf if leaf == field => set(
            cx,
            field,
            Yaml::Map(vec![("type".into(), Yaml::str("RuntimeDefault"))]),
        ),
        "type" if cx.pointer.ends_with(&format!("{field}/type")) => {
            set(cx, "type", Yaml::str("RuntimeDefault"))
        }
        _ => Err(format!(
            "the profile is set by an annotation ({}); move it to securityContext.{field} by hand",
            cx.pointer
        )),
    }
}

/// A resource amount from the configured defaults, for a finding at
/// `…/resources/{requests|limits}/RESOURCE`.
fn resource(cx: &Context<'_>, kind: &str) -> Result<Change, String> {
    let mut tokens = cx.pointer.rsplit('/');
    let resource = tokens.next().unwrap_or("");
    if tokens.next() != Some(kind) {
        return Err(format!(
            "the finding is at {}, not at resources.{kind}",
            cx.pointer
        ));
    }
    let (defaults, flag, one) = match kind {
        "requests" => (&cx.defaults.requests, "--default-request", "request"),
        _ => (&cx.defaults.limits, "--default-limit", "limit"),
    };
    match defaults.iter().find(|(name, _)| name == resource) {
        Some((_, amount)) => Ok(Change::Set {
            pointer: cx.pointer.to_string(),
            value: Yaml::str(amount),
        }),
        None => Err(format!(
            "no default {one} for {resource}: pass {flag} {resource}=AMOUNT"
        )),
    }
}

/// `drop: [ALL]` added, a misspelled `all` corrected, or an added capability the restricted
/// level does not allow removed.
fn drop_all(cx: &Context<'_>) -> Result<Change, String> {
    let (list, index) = match cx.pointer.rsplit_once('/') {
        Some((list, index)) if index.parse::<usize>().is_ok() => (list, Some(index)),
        _ => (cx.pointer, None),
    };
    match (list.rsplit('/').next(), index) {
        (Some("drop"), None) => Ok(Change::Append {
            pointer: cx.pointer.to_string(),
            item: Yaml::str("ALL"),
        }),
        (Some("drop"), Some(_)) => Ok(Change::Set {
            pointer: cx.pointer.to_string(),
            value: Yaml::str("ALL"),
        }),
        (Some("add"), Some(_)) => Ok(Change::Remove {
            pointer: cx.pointer.to_string(),
        }),
        _ => Err(format!(
            "the finding is at {}, not at a capability list",
            cx.pointer
        )),
    }
}

/// Every fix, by check id.
pub static FIXES: &[Fix] = &[
    Fix {
        check: "BHW001",
        safety: Safety::Unsafe,
        title: "set privileged: false",
        change: |cx| set(cx, "privileged", Yaml::Bool(false)),
    },
    Fix {
        check: "BHW002",
        safety: Safety::Safe,
        title: "set allowPrivilegeEscalation: false",
        change: |cx| set(cx, "allowPrivilegeEscalation", Yaml::Bool(false)),
    },
    Fix {
        check: "BHW003",
        safety: Safety::Unsafe,
        title: "stop sharing the node's namespace (hostNetwork/hostPID/hostIPC: false)",
        change: |cx| match leaf(cx.pointer) {
            field @ ("hostNetwork" | "hostPID" | "hostIPC") => set(cx, field, Yaml::Bool(false)),
            _ => Err(format!(
                "the finding is at {}, not at a host namespace field",
                cx.pointer
            )),
        },
    },
    Fix {
        check: "BHW005",
        safety: Safety::Unsafe,
        title: "set runAsNonRoot: true",
        change: |cx| set(cx, "runAsNonRoot", Yaml::Bool(true)),
    },
    Fix {
        check: "BHW006",
        safety: Safety::Unsafe,
        title: "set readOnlyRootFilesystem: true",
        change: |cx| set(cx, "readOnlyRootFilesystem", Yaml::Bool(true)),
    },
    Fix {
        check: "BHW008",
        safety: Safety::Unsafe,
        title: "drop ALL capabilities (or remove an added one the restricted level forbids)",
        change: drop_all,
    },
    Fix {
        check: "BHW007",
        safety: Safety::Unsafe,
        title: "remove the added capability",
        change: |cx| match cx.pointer.rsplit_once('/') {
            Some((list, index)) if list.ends_with("/add") && index.parse::<usize>().is_ok() => {
                Ok(Change::Remove {
                    pointer: cx.pointer.to_string(),
                })
            }
            _ => Err(format!(
                "the finding is at {}, not at capabilities.add",
                cx.pointer
            )),
        },
    },
    Fix {
        check: "BHW009",
        safety: Safety::Unsafe,
        title: "set automountServiceAccountToken: false",
        change: |cx| set(cx, "automountServiceAccountToken", Yaml::Bool(false)),
    },
    Fix {
        check: "BHW011",
        safety: Safety::Unsafe,
        title: "set the AppArmor profile type to RuntimeDefault",
        change: |cx| runtime_default(cx, "appArmorProfile"),
    },
    Fix {
        check: "BHW013",
        safety: Safety::Unsafe,
        title: "set procMount: Default",
        change: |cx| set(cx, "procMount", Yaml::str("Default")),
    },
    Fix {
        check: "BHW014",
        safety: Safety::Safe,
        title: "set seccompProfile type RuntimeDefault",
        change: |cx| runtime_default(cx, "seccompProfile"),
    },
    Fix {
        check: "BHW016",
        safety: Safety::Unsafe,
        title: "set windowsOptions.hostProcess: false",
        change: |cx| set(cx, "hostProcess", Yaml::Bool(false)),
    },
    Fix {
        check: "BHW034",
        safety: Safety::Unsafe,
        title: "set hostUsers: false",
        change: |cx| set(cx, "hostUsers", Yaml::Bool(false)),
    },
    Fix {
        check: "BHW040",
        safety: Safety::Safe,
        title: "rename serviceAccount to serviceAccountName",
        change: |cx| {
            let parent = cx.pointer.strip_suffix("/serviceAccount").ok_or_else(|| {
                format!("the finding is at {}, not at serviceAccount", cx.pointer)
            })?;
            if cx
                .object
                .root
                .at(&format!("{parent}/serviceAccountName"))
                .is_some()
            {
                return Err("serviceAccountName is set too: remove serviceAccount by hand".into());
            }
            Ok(Change::Rename {
                pointer: cx.pointer.to_string(),
                to: "serviceAccountName".into(),
            })
        },
    },
    Fix {
        check: "BHI003",
        safety: Safety::Safe,
        title: "set imagePullPolicy: Always",
        change: |cx| set(cx, "imagePullPolicy", Yaml::str("Always")),
    },
    Fix {
        check: "BHQ001",
        safety: Safety::Safe,
        title: "set the resource limit to the configured default",
        change: |cx| resource(cx, "limits"),
    },
    Fix {
        check: "BHQ002",
        safety: Safety::Safe,
        title: "set the resource request to the configured default",
        change: |cx| resource(cx, "requests"),
    },
    Fix {
        check: "BHQ005",
        safety: Safety::Safe,
        title: "set the ephemeral-storage limit to the configured default",
        change: |cx| resource(cx, "limits"),
    },
];

/// The fix of a check, if it has one.
pub fn for_check(id: &str) -> Option<&'static Fix> {
    FIXES.iter().find(|f| f.check == id)
}
