//! The SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.
//!
//! - One run. `tool.driver.rules` holds every check, fired or not, so that a viewer can show
//!   any rule's help and rule indices do not depend on the findings.
//! - Every finding is a result, suppressed ones included whatever `--show-suppressed` says:
//!   SARIF consumers expect them, with a `suppressions` entry (`inSource` for annotations and
//!   comments, `external` for the baseline), and hide or close them themselves.
//! - Columns count Unicode code points, as Bulkhead's do (`columnKind: unicodeCodePoints`).
//!   `charOffset`/`charLength` are given only where they cannot be misread: when no character
//!   outside the Basic Multilingual Plane comes before the end of the region, so code points
//!   and UTF-16 code units agree. Byte offsets are not given: Bulkhead's count from after a
//!   byte order mark, SARIF's from the start of the file.
//! - Relative paths become relative URIs under `%SRCROOT%`; absolute ones `file://` URIs.
//! - Input errors are the invocation's `toolExecutionNotifications`; the invocation failed
//!   when any input could not be evaluated.
//! - Within [`UploadLimits`] (GitHub code scanning's, with `--sarif-limit github`), the most
//!   severe results are kept, the log is written compact, and the run's `properties` say how
//!   many results were left out and why: a log GitHub would refuse is never written.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde::Serialize;

use bulkhead_checks::policy::{Suppression, SuppressionKind};
use bulkhead_checks::{all_checks, docs, Check, Finding, Severity};
use bulkhead_model::{ErrorSeverity, LoadError};

use crate::ScanResult;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/bulkhead-dev/bulkhead";
/// The key of [`Finding::fingerprint`] in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "bulkhead/v1";

/// Where a check's documentation page is published.
pub fn help_uri(check: &Check) -> String {
    format!("{INFORMATION_URI}/blob/main/docs/checks/{}.md", check.id)
}

/// The SARIF `level` of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The `security-severity` GitHub code scanning ranks alerts by (critical is over 9.0, high
/// over 7.0, medium over 4.0, low above 0.0).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties>,
}

/// What a limited log left out, in the run's property bag.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    omitted_results: usize,
    total_results: usize,
    result_limit: usize,
    omitted_reason: String,
}

/// The limits a SARIF consumer puts on an upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadLimits {
    /// Who sets them, for the messages.
    pub name: &'static str,
    /// Results kept per run.
    pub results_per_run: usize,
    /// Largest gzip-compressed log, in bytes.
    pub gzip_bytes: usize,
}

impl UploadLimits {
    /// GitHub code scanning: a run over 25,000 results, or a file over 10 MB gzipped, is
    /// rejected; of the results of a run only 5,000 are stored. Keeping the 5,000 most severe
    /// ourselves decides which ones, instead of leaving it to the upload.
    pub const GITHUB: UploadLimits = UploadLimits {
        name: "GitHub code scanning",
        results_per_run: 5_000,
        gzip_bytes: 10_000_000,
    };
}

/// How much of the scan a limited log holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kept {
    pub kept: usize,
    pub total: usize,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    properties: ResultProperties<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    char_offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    char_length: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    object: String,
    pointer: &'a str,
    /// False when the field is missing and the region is that of its nearest parent.
    exact: bool,
    severity: Severity,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pss: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    helm_source: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifSuppression<'a> {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
    properties: SuppressionProperties<'a>,
}

#[derive(Serialize)]
struct SuppressionProperties<'a> {
    /// `annotation`, `comment` or `baseline`.
    bulkhead: SuppressionKind,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<&'a str>,
}

pub fn render(result: &ScanResult<'_>, out: &mut dyn Write) -> io::Result<()> {
    let log = log(result, result.findings.iter().collect(), None);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Writes a log within `limits`: unsuppressed before suppressed results, then the most
/// severe, as many as the result limit and the compressed size allow; the kept results stay
/// in the scan's order (file, then position).
pub fn render_within(
    result: &ScanResult<'_>,
    limits: UploadLimits,
    out: &mut dyn Write,
) -> io::Result<Kept> {
    let total = result.findings.len();
    let mut order: Vec<usize> = (0..total).collect();
    // Stable: equal keys keep the scan's order.
    order.sort_by_key(|&i| {
        let f = &result.findings[i];
        (f.suppression.is_some(), std::cmp::Reverse(f.severity))
    });
    let mut keep = total.min(limits.results_per_run);
    loop {
        let mut chosen: Vec<usize> = order[..keep].to_vec();
        chosen.sort_unstable();
        let findings: Vec<&Finding> = chosen.iter().map(|&i| &result.findings[i]).collect();
        let properties = (keep < total).then(|| RunProperties {
            omitted_results: total - keep,
            total_results: total,
            result_limit: limits.results_per_run,
            omitted_reason: format!(
                "{} keeps at most {} results per run and {} MB compressed; the most severe \
                 were kept (the JSON report has every finding)",
                limits.name,
                limits.results_per_run,
                limits.gzip_bytes / 1_000_000
            ),
        });
        let bytes = serde_json::to_vec(&log(result, findings, properties))?;
        if keep == 0 || gzip_len(&bytes)? <= limits.gzip_bytes {
            out.write_all(&bytes)?;
            writeln!(out)?;
            return Ok(Kept { kept: keep, total });
        }
        keep = keep * 4 / 5;
    }
}

/// The size of `bytes` gzip-compressed, as an upload compresses them.
fn gzip_len(bytes: &[u8]) -> io::Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn log<'a>(
    result: &ScanResult<'_>,
    findings: Vec<&'a Finding>,
    properties: Option<RunProperties>,
) -> Log<'a> {
    let version = env!("CARGO_PKG_VERSION");
    // Every registered check, then any other check a finding names (none, in practice).
    let mut checks: Vec<&'static Check> = all_checks().to_vec();
    for f in result.findings {
        if !checks.iter().any(|c| c.id == f.check.id) {
            checks.push(f.check);
        }
    }
    let index: HashMap<&str, usize> = checks.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "bulkhead",
                    version,
                    semantic_version: version,
                    information_uri: INFORMATION_URI,
                    rules: checks.iter().map(|c| rule(c)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: !result
                    .errors
                    .iter()
                    .any(|e| e.severity == ErrorSeverity::Error),
                tool_execution_notifications: result.errors.iter().map(notification).collect(),
            }],
            results: findings
                .into_iter()
                .map(|f| sarif_result(f, index[f.check.id]))
                .collect(),
            column_kind: "unicodeCodePoints",
            properties,
        }],
    }
}

fn rule(check: &'static Check) -> Rule {
    let doc = check.documentation();
    let what = section(&doc, "What it checks");
    let why = section(&doc, "Why it matters");
    let full = [what, why]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| unwrap_paragraphs(&s))
        .collect::<Vec<_>>()
        .join("\n\n");
    let markdown = docs::markdown(check);
    Rule {
        id: check.id,
        name: check.slug,
        short_description: Text {
            text: check.title(),
        },
        full_description: Text {
            text: if full.is_empty() { check.title() } else { full },
        },
        help: Help {
            text: markdown.clone(),
            markdown,
        },
        help_uri: help_uri(check),
        default_configuration: Configuration {
            level: level(check.severity),
        },
        properties: RuleProperties {
            tags: tags(check),
            security_severity: security_severity(check.severity),
        },
    }
}

/// GitHub code scanning rejects a rule with more tags than this (and shows the first 10).
pub const MAX_TAGS: usize = 20;

/// `security`, then the compliance ids with their framework as prefix (`cis:5.2.2`; CIS,
/// PSS and MITRE before NSA's long section titles), then the family; at most [`MAX_TAGS`].
fn tags(check: &Check) -> Vec<String> {
    let c = &check.compliance;
    let mut tags = vec!["security".to_string()];
    for (framework, ids) in [
        ("cis", c.cis),
        ("pss", c.pss),
        ("mitre", c.mitre),
        ("nsa", c.nsa),
    ] {
        tags.extend(ids.iter().map(|id| format!("{framework}:{id}")));
    }
    tags.push(check.family.to_string());
    tags.truncate(MAX_TAGS);
    tags
}

/// The text of a `## heading` section of a check's documentation, without the heading.
fn section(doc: &str, heading: &str) -> String {
    let marker = format!("## {heading}");
    let Some((_, rest)) = doc.split_once(&marker) else {
        return String::new();
    };
    let body = rest.find("\n## ").map_or(rest, |end| &rest[..end]);
    body.trim().to_string()
}

/// Joins the hard-wrapped lines of prose paragraphs (a doc comment's line breaks mean
/// nothing in plain text); paragraphs holding lists, tables or code stay as written.
fn unwrap_paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            let structured = paragraph.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with("- ")
                    || l.starts_with("* ")
                    || l.starts_with('|')
                    || l.starts_with("```")
                    || l.split_once(". ")
                        .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
            });
            if structured {
                paragraph.to_string()
            } else {
                paragraph
                    .lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn sarif_result(f: &Finding, rule_index: usize) -> SarifResult<'_> {
    SarifResult {
        rule_id: f.check.id,
        rule_index,
        level: level(f.severity),
        message: Text {
            text: f.message.clone(),
        },
        locations: [Location {
            physical_location: match rendered_fact(&f.location.path) {
                // A node fact rendered as a document (a file's mode, a certificate, a
                // process's argv): the result is about the real file as a whole, and the
                // rendered document's lines are not that file's lines.
                Some(real) => PhysicalLocation {
                    artifact_location: artifact_location(real),
                    region: None,
                },
                None => PhysicalLocation {
                    artifact_location: artifact_location(&f.location.path),
                    region: Some(region(f)),
                },
            },
            logical_locations: vec![LogicalLocation {
                name: f.object.name.clone(),
                fully_qualified_name: f.object.to_string(),
                kind: "resource",
            }],
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.as_str())]),
        properties: ResultProperties {
            object: f.object.to_string(),
            pointer: &f.location.pointer,
            exact: f.location.exact,
            severity: f.severity,
            pss: &f.pss,
            helm_source: f.helm_source.as_deref(),
            notes: &f.notes,
        },
        suppressions: f.suppression.iter().map(suppression).collect(),
    }
}

fn region(f: &Finding) -> Region {
    let pos = &f.location.position;
    let text = f.file.text.as_str();
    let start = pos.offset as usize;
    let end = start + pos.length as usize;
    // Offsets are exact only when they fall on character boundaries of this very text.
    let chars = (end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end))
        .then(|| (&text[..start], &text[start..end]))
        .filter(|(before, inside)| !before.chars().chain(inside.chars()).any(|c| c > '\u{FFFF}'))
        .map(|(before, inside)| (before.chars().count(), inside.chars().count()));
    Region {
        start_line: pos.line,
        start_column: pos.column,
        end_line: Some(pos.end_line),
        end_column: Some(pos.end_column),
        char_offset: chars.map(|(offset, _)| offset),
        char_length: chars.map(|(_, length)| length),
    }
}

fn suppression(s: &Suppression) -> SarifSuppression<'_> {
    SarifSuppression {
        kind: match s.kind {
            SuppressionKind::Annotation | SuppressionKind::Comment => "inSource",
            SuppressionKind::Baseline => "external",
        },
        status: "accepted",
        justification: s.reason.as_deref(),
        properties: SuppressionProperties {
            bulkhead: s.kind,
            source: &s.source,
            until: s.until.as_deref(),
        },
    }
}

fn notification(e: &LoadError) -> Notification {
    Notification {
        level: match e.severity {
            ErrorSeverity::Error => "error",
            ErrorSeverity::Warning => "warning",
        },
        message: Text {
            text: e.message.clone(),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact_location(&e.path),
                region: e.line.map(|line| Region {
                    start_line: line,
                    start_column: e.column.unwrap_or(1),
                    end_line: None,
                    end_column: None,
                    char_offset: None,
                    char_length: None,
                }),
            },
            logical_locations: Vec::new(),
        }],
    }
}

/// The real file behind a node fact's rendered document: `stat:/etc/x` and `x509:/etc/x#2`
/// are `/etc/x`; `/proc/1/cmdline` (argv rendered one word per line) is itself. `None` for
/// documents whose lines are a file's own lines.
fn rendered_fact(path: &str) -> Option<&str> {
    if let Some(real) = path.strip_prefix("stat:") {
        return Some(real);
    }
    if let Some(real) = path.strip_prefix("x509:") {
        return Some(real.rsplit_once('#').map_or(real, |(file, _)| file));
    }
    let is_cmdline = path
        .strip_prefix("/proc/")
        .and_then(|rest| rest.strip_suffix("/cmdline"));
    is_cmdline
        .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .map(|_| path)
}

/// A path as the user named it, as a SARIF artifact location: relative paths under
/// `%SRCROOT%`, absolute ones as `file://` URIs, standard input by description only.
fn artifact_location(path: &str) -> ArtifactLocation {
    if path == "-" {
        return ArtifactLocation {
            uri: None,
            uri_base_id: None,
            description: Some(Text {
                text: "standard input".into(),
            }),
        };
    }
    let path = path.replace('\\', "/");
    let drive = path.len() >= 2
        && path.as_bytes()[0].is_ascii_alphabetic()
        && path.as_bytes()[1] == b':'
        && path[2..].starts_with('/');
    if path.starts_with('/') || drive {
        let (prefix, rest) = if drive {
            (format!("file:///{}", &path[..2]), &path[2..])
        } else {
            ("file://".to_string(), path.as_str())
        };
        return ArtifactLocation {
            uri: Some(prefix + &percent_encode(rest)),
            uri_base_id: None,
            description: None,
        };
    }
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    ArtifactLocation {
        uri: Some(percent_encode(relative)),
        uri_base_id: Some("%SRCROOT%"),
        description: None,
    }
}

/// Percent-encodes everything but the characters a URI path may hold literally. `:` is
/// encoded too, so that a relative reference never reads as a scheme.
pub fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        let rel = artifact_location("./deploy/my app/a:b#1.yaml");
        assert_eq!(rel.uri.as_deref(), Some("deploy/my%20app/a%3Ab%231.yaml"));
        assert_eq!(rel.uri_base_id, Some("%SRCROOT%"));
        let abs = artifact_location("/srv/ré po/x.yaml");
        assert_eq!(abs.uri.as_deref(), Some("file:///srv/r%C3%A9%20po/x.yaml"));
        assert_eq!(abs.uri_base_id, None);
        let win = artifact_location("C:\\work\\x.yaml");
        assert_eq!(win.uri.as_deref(), Some("file:///C:/work/x.yaml"));
        let stdin = artifact_location("-");
        assert_eq!(
            rendered_fact("stat:/etc/kubernetes/admin.conf"),
            Some("/etc/kubernetes/admin.conf")
        );
        assert_eq!(
            rendered_fact("x509:/etc/pki/ca.crt#2"),
            Some("/etc/pki/ca.crt")
        );
        assert_eq!(rendered_fact("/proc/42/cmdline"), Some("/proc/42/cmdline"));
        assert_eq!(rendered_fact("/proc/self/cmdline.yaml"), None);
        assert_eq!(rendered_fact("deploy/pod.yaml"), None);
        assert!(stdin.uri.is_none() && stdin.description.is_some());
    }

    #[test]
    fn prose_is_unwrapped_and_lists_are_kept() {
        assert_eq!(
            unwrap_paragraphs("one\ntwo\n\n- a\n- b\n\n1. x\n2. y"),
            "one two\n\n- a\n- b\n\n1. x\n2. y"
        );
    }

    #[test]
    fn sections_are_cut_at_the_next_heading() {
        let doc =
            "## What it checks\nA thing.\n\nMore.\n\n## Why it matters\nBecause.\n## Example\nx";
        assert_eq!(section(doc, "What it checks"), "A thing.\n\nMore.");
        assert_eq!(section(doc, "Why it matters"), "Because.");
        assert_eq!(section(doc, "References"), "");
    }
}
