//! `versions.yaml`: Kubernetes minors with their release and end-of-life dates, and patch
//! levels with known vulnerabilities. The file ships with the binary and is checked by tests,
//! so a malformed one is a build defect, reported loudly.

use std::sync::OnceLock;

use bulkhead_model::{parse_document, Limits, Node, SourceFile};

use crate::policy::date::Date;
use crate::rules::versions::version::Version;
use crate::Severity;

const TEXT: &str = include_str!("versions.yaml");

/// One Kubernetes minor release.
#[derive(Clone, Debug)]
pub struct Release {
    /// `(1, 31)`.
    pub minor: (u32, u32),
    pub released: Date,
    pub end_of_life: Date,
}

impl Release {
    /// `1.31`.
    pub fn minor_name(&self) -> String {
        format!("{}.{}", self.minor.0, self.minor.1)
    }
}

/// A vulnerability fixed in patch releases.
#[derive(Clone, Debug)]
pub struct Vulnerability {
    pub id: String,
    /// Programs it affects (`kube-apiserver`, `kubelet`).
    pub components: Vec<String>,
    pub severity: Severity,
    pub summary: String,
    /// Only Windows nodes are affected.
    pub windows_only: bool,
    /// The first affected minor, when older minors were never affected.
    pub introduced: Option<(u32, u32)>,
    /// The first fixed patch of each minor that received a fix, oldest minor first.
    pub fixed: Vec<Version>,
}

/// How a vulnerable version gets the fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fix {
    /// This patch release of the same minor.
    Patch(Version),
    /// None was released for the minor: only a newer minor has it.
    NewerMinor(Version),
}

impl Vulnerability {
    /// Whether `version` is affected, and what fixes it.
    pub fn affects(&self, version: &Version) -> Option<Fix> {
        let minor = (version.major, version.minor);
        let oldest = self.fixed.first()?;
        if let Some(fix) = self.fixed.iter().find(|f| (f.major, f.minor) == minor) {
            return (version < fix).then_some(Fix::Patch(*fix));
        }
        let before_oldest = minor < (oldest.major, oldest.minor);
        let introduced = self.introduced.is_none_or(|first| minor >= first);
        (before_oldest && introduced).then_some(Fix::NewerMinor(*oldest))
    }
}

/// The whole file.
#[derive(Clone, Debug)]
pub struct Data {
    /// When the data was written: newer minors are unknown to it, not unsupported.
    pub written: Date,
    /// Oldest first.
    pub releases: Vec<Release>,
    pub vulnerabilities: Vec<Vulnerability>,
}

impl Data {
    pub fn release(&self, minor: (u32, u32)) -> Option<&Release> {
        self.releases.iter().find(|r| r.minor == minor)
    }

    pub fn oldest(&self) -> &Release {
        &self.releases[0]
    }

    pub fn newest(&self) -> &Release {
        &self.releases[self.releases.len() - 1]
    }
}

/// The data, read once.
pub fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| parse(TEXT))
}

fn parse(text: &str) -> Data {
    let file = SourceFile::new("rules/versions/versions.yaml", text);
    let root = parse_document(&file, &Limits::default())
        .unwrap_or_else(|e| panic!("versions.yaml: {e:?}"))
        .unwrap_or_else(|| panic!("versions.yaml is empty"));
    let text_of = |n: &Node, key: &str, what: &str| -> String {
        n.get(key)
            .and_then(Node::as_str)
            .unwrap_or_else(|| panic!("versions.yaml: {what} has no string `{key}`"))
            .to_string()
    };
    let date_of = |n: &Node, key: &str, what: &str| -> Date {
        Date::parse(&text_of(n, key, what))
            .unwrap_or_else(|e| panic!("versions.yaml: {what}: {key}: {e}"))
    };
    let minor_of = |text: &str, what: &str| -> (u32, u32) {
        text.split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .unwrap_or_else(|| panic!("versions.yaml: {what}: {text:?} is not a minor (1.31)"))
    };
    let releases = root
        .get("minors")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let what = format!("minor {i}");
            Release {
                minor: minor_of(&text_of(n, "minor", &what), &what),
                released: date_of(n, "released", &what),
                end_of_life: date_of(n, "endOfLife", &what),
            }
        })
        .collect();
    let vulnerabilities = root
        .get("vulnerabilities")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let id = text_of(n, "id", &format!("vulnerability {i}"));
            let list = |key: &str| -> Vec<String> {
                n.get(key)
                    .map(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .unwrap_or_else(|| {
                                panic!("versions.yaml: {id}: `{key}` items must be strings")
                            })
                            .to_string()
                    })
                    .collect()
            };
            Vulnerability {
                components: list("components"),
                severity: text_of(n, "severity", &id)
                    .parse()
                    .unwrap_or_else(|e| panic!("versions.yaml: {id}: {e}")),
                summary: text_of(n, "summary", &id),
                windows_only: match n.get("os").and_then(Node::as_str) {
                    None => false,
                    Some("windows") => true,
                    Some(other) => panic!("versions.yaml: {id}: unknown os {other:?}"),
                },
                introduced: n
                    .get("introduced")
                    .and_then(Node::as_str)
                    .map(|m| minor_of(m, &id)),
                fixed: list("fixed")
                    .iter()
                    .map(|v| {
                        Version::parse(v)
                            .filter(|v| !v.prerelease)
                            .unwrap_or_else(|| {
                                panic!("versions.yaml: {id}: {v:?} is not a release")
                            })
                    })
                    .collect(),
                id,
            }
        })
        .collect();
    Data {
        written: date_of(&root, "written", "the file"),
        releases,
        vulnerabilities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_node::Component;

    #[test]
    fn the_data_is_well_formed() {
        let data = data();
        assert!(data.releases.len() >= 3);
        for pair in data.releases.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert_eq!(
                (b.minor.0, b.minor.1),
                (a.minor.0, a.minor.1 + 1),
                "minors must be listed in order with none skipped"
            );
            assert!(a.released < b.released, "{:?}", b.minor);
        }
        for release in &data.releases {
            assert!(
                release.released < release.end_of_life,
                "{:?}",
                release.minor
            );
        }
        assert!(data.newest().released <= data.written);
        let programs: Vec<&str> = Component::ALL.iter().map(|c| c.program()).collect();
        let mut ids = std::collections::HashSet::new();
        for vuln in &data.vulnerabilities {
            assert!(ids.insert(&vuln.id), "{} listed twice", vuln.id);
            let number = vuln.id.strip_prefix("CVE-").expect("CVE id");
            assert!(number.split_once('-').is_some_and(
                |(y, n)| y.len() == 4 && y.chars().chain(n.chars()).all(|c| c.is_ascii_digit())
            ));
            assert!(!vuln.components.is_empty(), "{}", vuln.id);
            for component in &vuln.components {
                assert!(
                    programs.contains(&component.as_str()) && component != "etcd",
                    "{}: unknown component {component}",
                    vuln.id
                );
            }
            assert!(!vuln.fixed.is_empty(), "{}", vuln.id);
            for pair in vuln.fixed.windows(2) {
                assert_eq!(
                    (pair[1].major, pair[1].minor),
                    (pair[0].major, pair[0].minor + 1),
                    "{}: fixed minors must be in order with none skipped",
                    vuln.id
                );
            }
            assert!(
                !vuln.summary.is_empty() && vuln.summary.len() < 200,
                "{}",
                vuln.id
            );
        }
    }

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn affected_ranges_follow_the_fix_list() {
        let vuln = Vulnerability {
            id: "CVE-0000-0".into(),
            components: vec!["kubelet".into()],
            severity: Severity::High,
            summary: "x".into(),
            windows_only: false,
            introduced: Some((1, 27)),
            fixed: vec![v("1.28.12"), v("1.29.7"), v("1.30.3")],
        };
        assert_eq!(vuln.affects(&v("1.29.6")), Some(Fix::Patch(v("1.29.7"))));
        assert_eq!(vuln.affects(&v("1.29.7")), None);
        assert_eq!(
            vuln.affects(&v("1.27.16")),
            Some(Fix::NewerMinor(v("1.28.12")))
        );
        assert_eq!(vuln.affects(&v("1.26.1")), None, "before it was introduced");
        assert_eq!(vuln.affects(&v("1.31.0")), None, "released with the fix");
    }
}
