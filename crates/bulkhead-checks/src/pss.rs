//! Pod Security Standards: the upstream controls as data, their versions, and which control
//! a violation is attributed to at each level.
//!
//! The semantics follow the Pod Security admission controller (`k8s.io/pod-security-admission`,
//! package `policy`): each control has a level, versions from which its behaviour applies, and
//! may *override* a baseline control at the restricted level (`capabilities_restricted`
//! replaces `capabilities_baseline` there from v1.22). Checks that implement a control report
//! every level a finding violates as `"<level>:<control>"`, with overrides applied.

use std::fmt;
use std::str::FromStr;

/// The newest Pod Security Standards version this build knows (`latest`).
pub const LATEST_MINOR: u32 = 37;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "privileged" => Ok(Level::Privileged),
            "baseline" => Ok(Level::Baseline),
            "restricted" => Ok(Level::Restricted),
            other => Err(format!(
                "unknown Pod Security level {other:?} (privileged, baseline, restricted)"
            )),
        }
    }
}

/// A Pod Security Standards version: `v1.N`, or `latest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub minor: u32,
}

impl Version {
    pub const LATEST: Version = Version {
        minor: LATEST_MINOR,
    };

    pub fn at_least(self, minor: u32) -> bool {
        self.minor >= minor
    }
}

impl Default for Version {
    fn default() -> Self {
        Version::LATEST
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1.{}", self.minor)
    }
}

impl FromStr for Version {
    type Err = String;

    /// `latest`, `v1.30`, `1.30`. Versions newer than this build knows evaluate as `latest`,
    /// as the admission controller does.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "latest" {
            return Ok(Version::LATEST);
        }
        let bad = || format!("invalid Pod Security version {s:?} (latest or v1.N)");
        let minor = s
            .trim_start_matches('v')
            .strip_prefix("1.")
            .ok_or_else(bad)?
            .parse::<u32>()
            .map_err(|_| bad())?;
        Ok(Version {
            minor: minor.min(LATEST_MINOR),
        })
    }
}

/// One upstream control.
#[derive(Clone, Copy, Debug)]
pub struct Control {
    pub id: &'static str,
    pub level: Level,
    /// The first minor version of Kubernetes whose Pod Security Standards include it.
    pub since: u32,
    /// The restricted control that replaces this baseline control at the restricted level, and
    /// from which version.
    pub overridden_by: Option<(&'static str, u32)>,
}

const fn control(id: &'static str, level: Level, since: u32) -> Control {
    Control {
        id,
        level,
        since,
        overridden_by: None,
    }
}

const fn overridden(id: &'static str, since: u32, by: &'static str, by_since: u32) -> Control {
    Control {
        id,
        level: Level::Baseline,
        since,
        overridden_by: Some((by, by_since)),
    }
}

/// Every control of the Pod Security Standards, baseline first.
pub const CONTROLS: &[Control] = &[
    control("hostNamespaces", Level::Baseline, 0),
    control("privileged", Level::Baseline, 0),
    overridden("capabilities_baseline", 0, "capabilities_restricted", 22),
    overridden("hostPathVolumes", 0, "restrictedVolumes", 0),
    control("hostPorts", Level::Baseline, 0),
    control("appArmorProfile", Level::Baseline, 0),
    control("seLinuxOptions", Level::Baseline, 0),
    overridden("procMount", 0, "procMount_restricted", 35),
    overridden(
        "seccompProfile_baseline",
        0,
        "seccompProfile_restricted",
        19,
    ),
    control("sysctls", Level::Baseline, 0),
    control("windowsHostProcess", Level::Baseline, 0),
    control("hostProbesAndHostLifecycle", Level::Baseline, 34),
    control("restrictedVolumes", Level::Restricted, 0),
    control("allowPrivilegeEscalation", Level::Restricted, 8),
    control("runAsNonRoot", Level::Restricted, 0),
    control("runAsUser", Level::Restricted, 23),
    control("seccompProfile_restricted", Level::Restricted, 19),
    control("capabilities_restricted", Level::Restricted, 22),
    control("procMount_restricted", Level::Restricted, 35),
];

/// The capabilities the baseline level allows containers to add: the container runtimes'
/// default set (`capabilities_baseline`). Names are compared exactly, as upstream does.
pub const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The control `id` names, its case ignored. Checks ask with the exact id on every finding,
/// so that is tried first (a length check and one comparison per control); the ids differ
/// ignoring case, so the first exact match is the one match either way.
pub fn find_control(id: &str) -> Option<&'static Control> {
    CONTROLS
        .iter()
        .find(|c| c.id == id)
        .or_else(|| CONTROLS.iter().find(|c| c.id.eq_ignore_ascii_case(id)))
}

/// Whether `control` is evaluated at `version` (at any level).
pub fn active(control: &str, version: Version) -> bool {
    find_control(control).is_some_and(|c| version.at_least(c.since))
}

/// The control a violation of `control` counts against at `level` and `version`: itself, the
/// control that overrides it there, or none (not active, or a restricted-only control asked
/// about at baseline).
pub fn attribution(control: &str, level: Level, version: Version) -> Option<&'static str> {
    let c = find_control(control)?;
    if !version.at_least(c.since) || level < c.level || level == Level::Privileged {
        return None;
    }
    match (level, c.overridden_by) {
        (Level::Restricted, Some((by, since))) if version.at_least(since) => Some(by),
        _ => Some(c.id),
    }
}

/// `["baseline:privileged", "restricted:privileged"]`: every level a violation of `control`
/// fails at `version`, each with the control it is attributed to there.
pub fn entries(control: &str, version: Version) -> Vec<String> {
    [Level::Baseline, Level::Restricted]
        .into_iter()
        .filter_map(|level| {
            attribution(control, level, version).map(|c| format!("{}:{c}", level.as_str()))
        })
        .collect()
}

/// Only the restricted entry: for violations the baseline level tolerates (a capability
/// from the default set, a relaxed field in a user-namespaced pod).
pub fn restricted_entry(control: &str, version: Version) -> Vec<String> {
    attribution(control, Level::Restricted, version)
        .map(|c| vec![format!("restricted:{c}")])
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids_differ_ignoring_case_and_are_found_either_way() {
        for (i, a) in CONTROLS.iter().enumerate() {
            for b in &CONTROLS[i + 1..] {
                assert!(!a.id.eq_ignore_ascii_case(b.id), "{} and {}", a.id, b.id);
            }
            assert_eq!(find_control(a.id).map(|c| c.id), Some(a.id));
            let upper = a.id.to_ascii_uppercase();
            assert_eq!(find_control(&upper).map(|c| c.id), Some(a.id));
        }
        assert!(find_control("noSuchControl").is_none());
    }

    #[test]
    fn overrides_apply_from_their_version() {
        let v = |m| Version { minor: m };
        assert_eq!(
            entries("capabilities_baseline", v(21)),
            [
                "baseline:capabilities_baseline",
                "restricted:capabilities_baseline"
            ]
        );
        assert_eq!(
            entries("capabilities_baseline", v(22)),
            [
                "baseline:capabilities_baseline",
                "restricted:capabilities_restricted"
            ]
        );
        assert_eq!(
            entries("hostPathVolumes", v(0)),
            ["baseline:hostPathVolumes", "restricted:restrictedVolumes"]
        );
        assert_eq!(entries("runAsUser", v(22)), Vec::<String>::new());
        assert_eq!(entries("runAsUser", v(23)), ["restricted:runAsUser"]);
        assert_eq!(
            entries("hostProbesAndHostLifecycle", v(33)),
            Vec::<String>::new()
        );
        assert_eq!("v1.30".parse::<Version>(), Ok(v(30)));
        assert_eq!("1.99".parse::<Version>(), Ok(Version::LATEST));
        assert!("2.1".parse::<Version>().is_err());
    }
}
