//! Reading a component's version: from a static Pod's image tag
//! (`registry.k8s.io/kube-apiserver:v1.31.2`) or from a `Process` object's `spec.version`
//! (`Kubernetes v1.31.2`, what `kube-apiserver --version` prints). A version that cannot be
//! read is not guessed.

use std::fmt;

use bulkhead_model::{Node, Object};
use bulkhead_node::{CommandLine, Component};

/// A Kubernetes release version: `1.31.2`. Vendor suffixes (`+k3s1`, `-eks-1-31-2`) are
/// builds of that release; pre-releases (`-alpha.1`, `-beta.0`, `-rc.2`) come before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    pub prerelease: bool,
}

impl Version {
    /// Parses `v1.31.2`, `1.31.2`, `v1.31.2+k3s1`; `None` for anything else (`latest`,
    /// `3.5.15-0`, a digest).
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (numbers, rest) = text.split_at(end);
        let parts: Vec<&str> = numbers.split('.').collect();
        let [major, minor, patch] = parts[..] else {
            return None;
        };
        let number = |s: &str| -> Option<u32> {
            (!s.is_empty() && s.len() <= 6)
                .then(|| s.parse().ok())
                .flatten()
        };
        let prerelease = ["-alpha", "-beta", "-rc"]
            .iter()
            .any(|p| rest.starts_with(p));
        if !(rest.is_empty() || rest.starts_with('-') || rest.starts_with('+')) {
            return None;
        }
        Some(Version {
            major: number(major)?,
            minor: number(minor)?,
            patch: number(patch)?,
            prerelease,
        })
    }

    /// The version in a line like `Kubernetes v1.31.2`: its first word that parses.
    pub fn find_in(text: &str) -> Option<Version> {
        text.split_whitespace().find_map(Version::parse)
    }

    /// `1.31`.
    pub fn minor_name(&self) -> String {
        format!("{}.{}", self.major, self.minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A component's version and where it was read.
pub struct Reading<'a> {
    pub version: Version,
    /// The object and pointer of the field that told the version.
    pub object: &'a Object,
    pub pointer: String,
    /// The field as written, for messages: `image registry.k8s.io/kube-apiserver:v1.31.2`.
    pub written: String,
}

/// The components whose versions the Kubernetes release data describes (etcd has releases
/// and advisories of its own).
pub fn is_kubernetes_component(component: Component) -> bool {
    !matches!(component, Component::Etcd)
}

/// The version of the program a command line runs: the image tag of a Pod's container, the
/// reported version of a process. Command lines rebuilt from systemd units carry none.
pub fn read_version<'a>(line: &CommandLine<'a>) -> Option<Reading<'a>> {
    let object = line.object();
    match line.origin {
        "static Pod" => {
            let image = line.image?;
            let version = Version::parse(line.image_version()?)?;
            let container = line.anchor.rsplit_once('/')?.0;
            Some(Reading {
                version,
                object,
                pointer: format!("{container}/image"),
                written: format!("image {image}"),
            })
        }
        "process" => {
            let text = object
                .root
                .path(&["spec", "version"])
                .and_then(Node::as_str)?;
            Some(Reading {
                version: Version::find_in(text)?,
                object,
                pointer: "/spec/version".to_string(),
                written: format!("version {text:?}"),
            })
        }
        _ => None,
    }
}

/// Whether the program runs on Windows (`C:\k\kubelet.exe`), for issues of Windows nodes.
pub fn runs_on_windows(line: &CommandLine<'_>) -> bool {
    let object = line.object();
    let program = match line.origin {
        "process" => object
            .root
            .path(&["spec", "command"])
            .and_then(|c| c.as_seq().first())
            .and_then(Node::as_str),
        _ => None,
    };
    program.is_some_and(|p| p.to_ascii_lowercase().ends_with(".exe") || p.contains('\\'))
}

#[cfg(test)]
mod tests {
    use super::Version;

    fn v(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
            prerelease: false,
        }
    }

    #[test]
    fn parses_release_tags_and_vendor_builds() {
        assert_eq!(Version::parse("v1.31.2"), Some(v(1, 31, 2)));
        assert_eq!(Version::parse("1.31.2"), Some(v(1, 31, 2)));
        assert_eq!(Version::parse("v1.31.2+k3s1"), Some(v(1, 31, 2)));
        assert_eq!(Version::parse("v1.30.4-eks-a737599"), Some(v(1, 30, 4)));
        assert!(Version::parse("v1.32.0-rc.1").unwrap().prerelease);
        assert_eq!(Version::find_in("Kubernetes v1.37.1"), Some(v(1, 37, 1)));
    }

    #[test]
    fn does_not_guess() {
        for text in [
            "latest",
            "v1.31",
            "1.31.x",
            "sha256:abcd",
            "",
            "v1.31.2.4",
            "v1..2",
        ] {
            assert_eq!(Version::parse(text), None, "{text}");
        }
        assert_eq!(Version::find_in("Kubernetes"), None);
    }
}
