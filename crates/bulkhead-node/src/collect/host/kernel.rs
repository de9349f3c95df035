//! Kernel settings from `/proc/sys` and mandatory access control from `/sys`.

use bulkhead_model::Object;

use super::fact;
use crate::collect::fs::{NodeFs, ReadFailure};
use crate::render::quote;

/// The sysctls the kernel checks judge.
pub(crate) const SYSCTLS: &[&str] = &[
    "kernel.kptr_restrict",
    "kernel.dmesg_restrict",
    "kernel.unprivileged_bpf_disabled",
    "kernel.yama.ptrace_scope",
    "kernel.randomize_va_space",
    "fs.protected_hardlinks",
    "fs.protected_symlinks",
    "net.ipv4.conf.all.rp_filter",
    "net.ipv4.conf.default.rp_filter",
    "net.ipv4.conf.all.accept_redirects",
    "net.ipv4.conf.default.accept_redirects",
    "net.ipv4.conf.all.send_redirects",
    "net.ipv4.conf.default.send_redirects",
    "net.ipv6.conf.all.accept_redirects",
    "net.ipv6.conf.default.accept_redirects",
];

/// One `Kernel` object: the release and each sysctl's value; sysctls this kernel lacks are
/// listed as absent, those that could not be read as unreadable.
pub(crate) fn sysctls(fs: &mut NodeFs, found: &mut Vec<String>) -> Vec<Object> {
    if !fs.is_dir("/proc/sys") {
        return Vec::new();
    }
    let mut values = String::new();
    let mut absent = Vec::new();
    let mut unreadable = Vec::new();
    for name in SYSCTLS {
        let path = format!("/proc/sys/{}", name.replace('.', "/"));
        match fs.read_bytes(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).trim().to_string();
                values.push_str(&format!("    {}: {}\n", quote(name), quote(&text)));
            }
            Err(ReadFailure::Missing) => absent.push(quote(name)),
            Err(ReadFailure::Other(reason)) => {
                fs.error(
                    &path,
                    format!("cannot read {path}: {reason}; the check of {name} is not evaluated"),
                );
                unreadable.push(quote(name));
            }
        }
    }
    let release = fs
        .read_optional(
            "/proc/sys/kernel/osrelease",
            "the kernel version is not judged",
        )
        .map(|t| t.trim().to_string());
    let mut spec = String::new();
    if let Some(release) = &release {
        spec.push_str(&format!("  release: {}\n", quote(release)));
    }
    if values.is_empty() {
        spec.push_str("  sysctls: {}\n");
    } else {
        spec.push_str("  sysctls:\n");
        spec.push_str(&values);
    }
    spec.push_str(&format!("  absent: [{}]\n", absent.join(", ")));
    spec.push_str(&format!("  unreadable: [{}]\n", unreadable.join(", ")));
    found.push(format!(
        "kernel: {} sysctls from /proc/sys{}",
        SYSCTLS.len() - absent.len() - unreadable.len(),
        release
            .map(|r| format!(", release {r}"))
            .unwrap_or_default()
    ));
    fact(fs, "/proc/sys", "Kernel", "kernel", &spec)
}

/// One `MandatoryAccessControl` object: whether AppArmor is enabled and SELinux enforcing.
pub(crate) fn mandatory_access_control(fs: &mut NodeFs, found: &mut Vec<String>) -> Vec<Object> {
    if !fs.is_dir("/sys") {
        return Vec::new();
    }
    let Some(apparmor) = read_state(fs, "/sys/module/apparmor/parameters/enabled") else {
        return Vec::new();
    };
    let Some(selinux) = read_state(fs, "/sys/fs/selinux/enforce") else {
        return Vec::new();
    };
    let apparmor = match apparmor.as_deref() {
        Some("Y") => "enabled",
        Some(_) => "disabled",
        None => "absent",
    };
    let selinux = match selinux.as_deref() {
        Some("1") => "enforcing",
        Some(_) => "permissive",
        None => "absent",
    };
    found.push(format!(
        "mandatory access control: AppArmor {apparmor}, SELinux {selinux}"
    ));
    let spec = format!("  apparmor: {apparmor}\n  selinux: {selinux}\n");
    fact(
        fs,
        "/sys/kernel/security",
        "MandatoryAccessControl",
        "mandatory-access-control",
        &spec,
    )
}

/// The trimmed text of a state file: `Some(None)` when the file does not exist (the module is
/// not loaded), `None` when it exists but cannot be read (recorded: then nothing is said).
fn read_state(fs: &mut NodeFs, path: &str) -> Option<Option<String>> {
    match fs.read_bytes(path) {
        Ok(bytes) => Some(Some(String::from_utf8_lossy(&bytes).trim().to_string())),
        Err(ReadFailure::Missing) => Some(None),
        Err(ReadFailure::Other(reason)) => {
            fs.error(
                path,
                format!("cannot read {path}: {reason}; mandatory access control is not evaluated"),
            );
            None
        }
    }
}
