//! The files to look at and why: each path with its roles (one `File` object per path, all
//! its roles together), whether it holds certificates, and what named it (so that a file a
//! flag points to but that does not exist is reported, while a usual location that is simply
//! absent is not).

use std::collections::{BTreeMap, BTreeSet};

/// One file to look at.
#[derive(Debug, Default)]
pub(crate) struct Target {
    pub roles: BTreeSet<&'static str>,
    /// Whether to read certificates from it.
    pub certificates: bool,
    /// What named it (`kube-apiserver's --client-ca-file`), when something did.
    pub named_by: Option<String>,
}

/// Every file to look at, by node path.
#[derive(Debug, Default)]
pub(crate) struct Targets {
    pub files: BTreeMap<String, Target>,
}

impl Targets {
    fn entry(&mut self, path: &str, named_by: Option<&str>) -> &mut Target {
        let target = self.files.entry(normalize(path)).or_default();
        if target.named_by.is_none() {
            target.named_by = named_by.map(str::to_string);
        }
        target
    }

    /// A file with a role.
    pub fn add(&mut self, path: &str, role: &'static str, named_by: Option<&str>) {
        self.entry(path, named_by).roles.insert(role);
    }

    /// A file holding certificates, with a role when it has one.
    pub fn certificate(&mut self, path: &str, role: Option<&'static str>, named_by: Option<&str>) {
        let target = self.entry(path, named_by);
        target.certificates = true;
        target.roles.extend(role);
    }
}

/// `//etc/kubernetes/./pki/` → `/etc/kubernetes/pki`.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_target_per_path_with_all_its_roles() {
        let mut targets = Targets::default();
        targets.add("/etc/kubernetes/pki/ca.crt", "pki-file", None);
        targets.certificate(
            "/etc/kubernetes//pki/ca.crt",
            Some("cluster-ca"),
            Some("flag"),
        );
        assert_eq!(targets.files.len(), 1);
        let target = &targets.files["/etc/kubernetes/pki/ca.crt"];
        assert!(target.certificates);
        assert_eq!(target.roles.len(), 2);
        assert_eq!(target.named_by.as_deref(), Some("flag"));
        assert_eq!(normalize("/a/./b/../c/"), "/a/c");
    }
}
