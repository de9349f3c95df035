//! `runtimes.yaml`: container runtime releases with known vulnerabilities, each with the
//! advisory it comes from. The file ships with the binary and is checked by tests, so a
//! malformed one is a build defect, reported loudly.

use std::cmp::Ordering;
use std::sync::OnceLock;

use bulkhead_model::{parse_document, Limits, Node, SourceFile};

use crate::Severity;

const TEXT: &str = include_str!("runtimes.yaml");

/// A release number: `1.1.12` as `[1, 1, 12]`, compared part by part (missing parts are 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release(pub Vec<u32>);

impl Release {
    /// `1.1.12`, `v27.1.1`; `None` for anything that is not dot-separated numbers.
    pub fn parse(text: &str) -> Option<Release> {
        let text = text.trim().trim_start_matches('v');
        let parts: Option<Vec<u32>> = text.split('.').map(|p| p.parse().ok()).collect();
        parts.filter(|p| !p.is_empty() && p.len() <= 4).map(Release)
    }

    fn part(&self, i: usize) -> u32 {
        self.0.get(i).copied().unwrap_or(0)
    }

    /// The release line (`1.1` of `1.1.12`).
    pub fn line(&self) -> (u32, u32) {
        (self.part(0), self.part(1))
    }
}

impl PartialOrd for Release {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Release {
    fn cmp(&self, other: &Self) -> Ordering {
        (0..4)
            .map(|i| self.part(i).cmp(&other.part(i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// One vulnerability.
#[derive(Clone, Debug)]
pub struct Vulnerability {
    pub id: String,
    pub runtime: String,
    pub severity: Severity,
    pub summary: String,
    pub source: String,
    pub introduced: Option<Release>,
    /// The first fixed release of each line that received a fix, oldest first.
    pub fixed: Vec<Release>,
}

impl Vulnerability {
    /// The release that fixes `version`, when `version` is affected.
    pub fn fixed_for(&self, version: &Release) -> Option<String> {
        if self
            .introduced
            .as_ref()
            .is_some_and(|first| version.line() < first.line())
        {
            return None;
        }
        if let Some(fix) = self.fixed.iter().find(|f| f.line() == version.line()) {
            return (version < fix).then(|| fix.to_string());
        }
        // A line without its own fix: the next newer line's, if there is one.
        let newer = self.fixed.iter().find(|f| f.line() > version.line())?;
        Some(format!(
            "{newer}; no fix was released for {}.{}",
            version.line().0,
            version.line().1
        ))
    }
}

/// Every vulnerability of the file.
pub fn data() -> &'static [Vulnerability] {
    static DATA: OnceLock<Vec<Vulnerability>> = OnceLock::new();
    DATA.get_or_init(|| parse(TEXT))
}

/// Whether a package version carries a distribution's revision (`1.1.7-0ubuntu1~22.04.2`,
/// `1.6.20~ds1-1+deb12u1`), whose maintainers backport security fixes.
pub fn is_distribution_build(package_version: &str) -> bool {
    ["ubuntu", "deb", "+b", "~ds", "el", "fc", "suse"]
        .iter()
        .any(|m| package_version.contains(m))
}

fn parse(text: &str) -> Vec<Vulnerability> {
    let file = SourceFile::new("runtimes.yaml", text);
    let root = parse_document(&file, &Limits::default())
        .ok()
        .flatten()
        .expect("runtimes.yaml is a YAML document");
    let text_of = |n: &Node, key: &str| -> String {
        n.get(key)
            .and_then(Node::scalar_text)
            .unwrap_or_else(|| panic!("runtimes.yaml: an entry lacks {key}"))
    };
    root.get("vulnerabilities")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|n| {
            let id = text_of(n, "id");
            Vulnerability {
                severity: text_of(n, "severity")
                    .parse()
                    .unwrap_or_else(|_| panic!("runtimes.yaml: {id} has an unknown severity")),
                runtime: text_of(n, "runtime"),
                summary: text_of(n, "summary"),
                source: text_of(n, "source"),
                introduced: n.get("introduced").and_then(Node::scalar_text).map(|t| {
                    Release::parse(&t)
                        .unwrap_or_else(|| panic!("runtimes.yaml: {id} introduced `{t}`"))
                }),
                fixed: n
                    .get("fixed")
                    .map(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .map(|v| {
                        let t = v.scalar_text().unwrap_or_default();
                        Release::parse(&t)
                            .unwrap_or_else(|| panic!("runtimes.yaml: {id} fixed `{t}`"))
                    })
                    .collect(),
                id,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(t: &str) -> Release {
        Release::parse(t).unwrap()
    }

    #[test]
    fn the_data_is_well_formed() {
        let all = data();
        assert!(all.len() >= 5);
        for v in all {
            assert!(v.id.starts_with("CVE-"), "{}", v.id);
            assert!(v.source.starts_with("https://"), "{}", v.id);
            assert!(!v.fixed.is_empty(), "{}", v.id);
            assert!(
                v.fixed.windows(2).all(|w| w[0] < w[1]),
                "{} is not oldest first",
                v.id
            );
        }
    }

    #[test]
    fn fixes_are_found_by_line() {
        let leaky = data().iter().find(|v| v.id == "CVE-2024-21626").unwrap();
        assert_eq!(
            leaky.fixed_for(&release("1.1.11")).as_deref(),
            Some("1.1.12")
        );
        assert_eq!(leaky.fixed_for(&release("1.1.12")), None);
        assert_eq!(leaky.fixed_for(&release("1.2.0")), None);
        assert_eq!(
            leaky.fixed_for(&release("1.0.3")).as_deref(),
            Some("1.1.12; no fix was released for 1.0")
        );
        let cri = data().iter().find(|v| v.id == "CVE-2022-23648").unwrap();
        assert_eq!(cri.fixed_for(&release("1.5.9")).as_deref(), Some("1.5.10"));
        assert_eq!(cri.fixed_for(&release("1.6.1")), None);
        let crio = data().iter().find(|v| v.id == "CVE-2022-0811").unwrap();
        assert_eq!(
            crio.fixed_for(&release("1.18.4")),
            None,
            "before it was introduced"
        );
        assert!(is_distribution_build("1.1.7-0ubuntu1~22.04.2"));
        assert!(!is_distribution_build("1.6.21-1"));
    }
}
