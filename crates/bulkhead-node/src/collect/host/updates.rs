//! Automatic security updates: APT's unattended-upgrades, dnf-automatic, or SUSE's automatic
//! online update, whichever package manager the node has; whether it is enabled, by which
//! setting, and when the system last recorded an update.

use std::os::unix::fs::MetadataExt;

use bulkhead_model::Object;

use super::fact;
use crate::collect::certificates::rfc3339;
use crate::collect::fs::{join_node, NodeFs};
use crate::host::keyvalue::{self, Setting};
use crate::render::quote;

/// What decided a manager's state.
struct Policy {
    manager: &'static str,
    enabled: bool,
    /// `APT::Periodic::Unattended-Upgrade "1" (/etc/apt/apt.conf.d/20auto-upgrades line 2)`.
    reason: String,
    last_update: Option<(i64, String)>,
}

pub(crate) fn updates(fs: &mut NodeFs, found: &mut Vec<String>) -> Vec<Object> {
    let policy = if fs.is_dir("/etc/apt") {
        Some(apt(fs))
    } else if fs.is_dir("/etc/dnf") || fs.exists("/etc/yum.conf") {
        Some(dnf(fs))
    } else if fs.is_dir("/etc/zypp") {
        Some(zypper(fs))
    } else {
        None
    };
    let Some(policy) = policy else {
        return Vec::new();
    };
    let mut spec = format!(
        "  manager: {}\n  enabled: {}\n  reason: {}\n",
        policy.manager,
        policy.enabled,
        quote(&policy.reason)
    );
    if let Some((seconds, source)) = &policy.last_update {
        spec.push_str(&format!(
            "  lastUpdate: {}\n  lastUpdateSource: {}\n",
            quote(&rfc3339(*seconds)),
            quote(source)
        ));
    }
    found.push(format!(
        "automatic updates: {} ({})",
        policy.manager,
        if policy.enabled {
            "enabled"
        } else {
            "not enabled"
        }
    ));
    fact(
        fs,
        &format!("updates:{}", policy.manager),
        "UpdatePolicy",
        policy.manager,
        &spec,
    )
}

fn line_of(text: &str, setting: &Setting) -> usize {
    text[..(setting.span.start as usize).min(text.len())]
        .matches('\n')
        .count()
        + 1
}

fn mtime(fs: &NodeFs, path: &str) -> Option<(i64, String)> {
    let meta = fs.metadata(path).ok()?;
    Some((meta.mtime(), format!("modification time of {path}")))
}

/// The last `APT::Periodic::Unattended-Upgrade` of the files of `/etc/apt/apt.conf.d` (read in
/// name order, a later value overriding), and unattended-upgrades installed.
fn apt(fs: &mut NodeFs) -> Policy {
    let dir = "/etc/apt/apt.conf.d";
    let mut decided: Option<(String, String)> = None;
    for name in fs.list(dir) {
        let path = join_node(dir, &name);
        let Some(text) = fs.read_optional(&path, "automatic updates may be misjudged") else {
            continue;
        };
        for setting in keyvalue::apt(&text) {
            if setting
                .name
                .eq_ignore_ascii_case("APT::Periodic::Unattended-Upgrade")
            {
                decided = Some((
                    setting.value.clone(),
                    format!(
                        "APT::Periodic::Unattended-Upgrade \"{}\" ({path} line {})",
                        setting.value,
                        line_of(&text, &setting)
                    ),
                ));
            }
        }
    }
    let installed = fs.exists("/usr/bin/unattended-upgrade")
        || fs.exists("/etc/apt/apt.conf.d/50unattended-upgrades");
    let (enabled, reason) = match decided {
        _ if !installed => (
            false,
            "unattended-upgrades is not installed (no /usr/bin/unattended-upgrade)".to_string(),
        ),
        Some((value, reason)) => (value.trim() != "0" && !value.trim().is_empty(), reason),
        None => (
            false,
            format!("no APT::Periodic::Unattended-Upgrade in {dir}; APT's default is 0"),
        ),
    };
    Policy {
        manager: "apt",
        enabled,
        reason,
        last_update: mtime(fs, "/var/lib/apt/periodic/unattended-upgrades-stamp"),
    }
}

/// `apply_updates` in `/etc/dnf/automatic.conf` and the `dnf-automatic` timer enabled.
fn dnf(fs: &mut NodeFs) -> Policy {
    let path = "/etc/dnf/automatic.conf";
    let wants = "/etc/systemd/system/timers.target.wants";
    let install_timer = fs.exists(&format!("{wants}/dnf-automatic-install.timer"));
    let timer = install_timer || fs.exists(&format!("{wants}/dnf-automatic.timer"));
    let text = fs.read_optional(path, "automatic updates may be misjudged");
    let apply = text.as_deref().and_then(|text| {
        keyvalue::ini(text)
            .into_iter()
            .rfind(|s| s.name == "commands.apply_updates")
            .map(|s| (keyvalue::is_on(&s.value), line_of(text, &s), s.value))
    });
    let (enabled, reason) = match (timer, apply) {
        (false, _) => (
            false,
            format!(
                "neither dnf-automatic.timer nor dnf-automatic-install.timer is enabled ({wants})"
            ),
        ),
        (true, _) if install_timer => (
            true,
            format!("{wants}/dnf-automatic-install.timer is enabled (it applies updates)"),
        ),
        (true, Some((on, line, value))) => {
            (on, format!("apply_updates = {value} ({path} line {line})"))
        }
        (true, None) => (
            false,
            format!("no apply_updates in {path}; dnf-automatic only downloads by default"),
        ),
    };
    Policy {
        manager: "dnf",
        enabled,
        reason,
        last_update: mtime(fs, "/var/lib/dnf/history.sqlite"),
    }
}

/// `AOU_ENABLE_CRONJOB` in `/etc/sysconfig/automatic_online_update`.
fn zypper(fs: &mut NodeFs) -> Policy {
    let path = "/etc/sysconfig/automatic_online_update";
    let text = fs.read_optional(path, "automatic updates may be misjudged");
    let setting = text.as_deref().and_then(|text| {
        keyvalue::shell(text)
            .into_iter()
            .rfind(|s| s.name == "AOU_ENABLE_CRONJOB")
            .map(|s| (keyvalue::is_on(&s.value), line_of(text, &s), s.value))
    });
    let (enabled, reason) = match setting {
        Some((on, line, value)) => (
            on,
            format!("AOU_ENABLE_CRONJOB=\"{value}\" ({path} line {line})"),
        ),
        None => (false, format!("no AOU_ENABLE_CRONJOB in {path}")),
    };
    Policy {
        manager: "zypper",
        enabled,
        reason,
        last_update: mtime(fs, "/var/log/zypp/history"),
    }
}
