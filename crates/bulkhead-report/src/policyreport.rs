//! The PolicyReport report: `wgpolicyk8s.io/v1alpha2` objects, the format of the Kubernetes
//! Policy working group that Kyverno, Policy Reporter and other tools read.
//!
//! The output is a YAML stream with `---` before each document, which `kubectl apply -f` and
//! `kubectl create -f` accept once the PolicyReport CRDs are installed:
//!
//! - one `PolicyReport` named `bulkhead` in each namespace that has findings;
//! - one `ClusterPolicyReport` named `bulkhead`, always: the findings of objects without a
//!   namespace (cluster-scoped kinds, and namespaced ones that the manifest leaves to
//!   `kubectl -n`), and the input problems. On a clean scan it is the only document, empty,
//!   so that applying it replaces an older report and the stream is never empty.
//!
//! Each finding is a result: `policy` the check's slug, `rule` its id, `result: fail`, or
//! `skip` for a suppressed or baselined finding (they are always included, as the summary
//! always counts them, with properties saying why), `severity`, `category` the family, the
//! message, the object as the one resource, `properties` (location `path:line:col`, pointer,
//! fingerprint, compliance ids, fix), `source: bulkhead` and the time of the scan.
//! An input problem is a result of policy `input`: `error` when the input could not be
//! evaluated, `warn` when it was but is suspect. `summary` counts the results; `pass` is 0,
//! as a scan reports what fails, not each check that passed on each object.
//!
//! The YAML is written by a small emitter: block style, keys in a fixed order, strings
//! plain only when no YAML 1.1 reader could take them for anything else, double-quoted with
//! escapes otherwise.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use bulkhead_checks::policy::SuppressionKind;
use bulkhead_checks::Finding;
use bulkhead_model::{ErrorSeverity, LoadError};

use crate::ScanResult;

pub const API_VERSION: &str = "wgpolicyk8s.io/v1alpha2";
/// The name of every report Bulkhead writes, one per namespace plus the cluster's.
pub const REPORT_NAME: &str = "bulkhead";

/// Writes the reports, stamped with the current time.
pub fn render(result: &ScanResult<'_>, out: &mut dyn Write) -> io::Result<()> {
    render_at(result, SystemTime::now(), out)
}

/// Writes the reports, stamped with `at`.
pub fn render_at(result: &ScanResult<'_>, at: SystemTime, out: &mut dyn Write) -> io::Result<()> {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let stamp = Timestamp {
        seconds: since.as_secs() as i64,
        nanos: i64::from(since.subsec_nanos()),
    };
    let mut cluster = Vec::new();
    let mut namespaced: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
    for f in result.findings {
        let entry = finding_result(f, &stamp);
        match f.object.namespace.as_deref().filter(|ns| !ns.is_empty()) {
            Some(ns) => namespaced.entry(ns).or_default().push(entry),
            None => cluster.push(entry),
        }
    }
    cluster.extend(result.errors.iter().map(|e| input_result(e, &stamp)));
    let mut yaml = String::new();
    write_document(&report("ClusterPolicyReport", None, cluster), &mut yaml);
    for (ns, results) in namespaced {
        write_document(&report("PolicyReport", Some(ns), results), &mut yaml);
    }
    out.write_all(yaml.as_bytes())
}

struct Timestamp {
    seconds: i64,
    nanos: i64,
}

/// One result with its outcome, for the summary.
struct Entry {
    outcome: &'static str,
    yaml: Yaml,
}

fn report(kind: &str, namespace: Option<&str>, results: Vec<Entry>) -> Yaml {
    let count = |outcome: &str| results.iter().filter(|r| r.outcome == outcome).count() as i64;
    let summary = Yaml::map([
        ("pass", Yaml::Int(count("pass"))),
        ("fail", Yaml::Int(count("fail"))),
        ("warn", Yaml::Int(count("warn"))),
        ("error", Yaml::Int(count("error"))),
        ("skip", Yaml::Int(count("skip"))),
    ]);
    let mut metadata = vec![("name", Yaml::str(REPORT_NAME))];
    if let Some(ns) = namespace {
        metadata.push(("namespace", Yaml::str(ns)));
    }
    metadata.push((
        "labels",
        Yaml::map([("app.kubernetes.io/managed-by", Yaml::str("bulkhead"))]),
    ));
    Yaml::map([
        ("apiVersion", Yaml::str(API_VERSION)),
        ("kind", Yaml::str(kind)),
        ("metadata", Yaml::map(metadata)),
        (
            "results",
            Yaml::Seq(results.into_iter().map(|r| r.yaml).collect()),
        ),
        ("summary", summary),
    ])
}

fn finding_result(f: &Finding, stamp: &Timestamp) -> Entry {
    let pos = &f.location.position;
    let mut properties = vec![
        (
            "location",
            format!("{}:{}:{}", f.location.path, pos.line, pos.column),
        ),
        ("pointer", f.location.pointer.clone()),
        ("fingerprint", f.fingerprint.clone()),
    ];
    if let Some(template) = &f.helm_source {
        properties.push(("helmSource", template.clone()));
    }
    let c = &f.check.compliance;
    let pss: Vec<&str> = f.pss.iter().map(String::as_str).collect();
    for (name, ids) in [
        ("cis", c.cis),
        ("pss", &pss[..]),
        ("nsa", c.nsa),
        ("mitre", c.mitre),
    ] {
        if !ids.is_empty() {
            properties.push((name, ids.join(", ")));
        }
    }
    properties.push(("remediation", f.check.remediation.to_string()));
    if !f.notes.is_empty() {
        properties.push(("notes", f.notes.join("; ")));
    }
    if let Some(s) = &f.suppression {
        let kind = match s.kind {
            SuppressionKind::Annotation => "annotation",
            SuppressionKind::Comment => "comment",
            SuppressionKind::Baseline => "baseline",
        };
        properties.push(("suppressed", kind.to_string()));
        properties.push(("suppressionSource", s.source.clone()));
        if let Some(reason) = &s.reason {
            properties.push(("suppressionReason", reason.clone()));
        }
        if let Some(until) = &s.until {
            properties.push(("suppressionUntil", until.clone()));
        }
    }
    let mut resource = vec![
        ("apiVersion", Yaml::str(&f.object.api_version)),
        ("kind", Yaml::str(&f.object.kind)),
        ("name", Yaml::str(&f.object.name)),
    ];
    if let Some(ns) = f.object.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        resource.push(("namespace", Yaml::str(ns)));
    }
    let outcome = if f.suppression.is_some() {
        "skip"
    } else {
        "fail"
    };
    Entry {
        outcome,
        yaml: Yaml::map([
            ("policy", Yaml::str(f.check.slug)),
            ("rule", Yaml::str(f.check.id)),
            ("result", Yaml::str(outcome)),
            ("severity", Yaml::str(f.severity.as_str())),
            ("category", Yaml::str(f.check.family.name())),
            ("message", Yaml::str(&f.message)),
            ("resources", Yaml::Seq(vec![Yaml::map(resource)])),
            (
                "properties",
                Yaml::map(properties.into_iter().map(|(k, v)| (k, Yaml::Str(v)))),
            ),
            ("source", Yaml::str("bulkhead")),
            ("timestamp", timestamp(stamp)),
        ]),
    }
}

fn input_result(e: &LoadError, stamp: &Timestamp) -> Entry {
    let location = match (e.line, e.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", e.path),
        (Some(line), None) => format!("{}:{line}", e.path),
        _ => e.path.clone(),
    };
    let outcome = match e.severity {
        ErrorSeverity::Error => "error",
        ErrorSeverity::Warning => "warn",
    };
    Entry {
        outcome,
        yaml: Yaml::map([
            ("policy", Yaml::str("input")),
            ("rule", Yaml::str("input")),
            ("result", Yaml::str(outcome)),
            ("category", Yaml::str("input")),
            ("message", Yaml::str(&e.message)),
            ("properties", Yaml::map([("location", Yaml::Str(location))])),
            ("source", Yaml::str("bulkhead")),
            ("timestamp", timestamp(stamp)),
        ]),
    }
}

fn timestamp(stamp: &Timestamp) -> Yaml {
    Yaml::map([
        ("seconds", Yaml::Int(stamp.seconds)),
        ("nanos", Yaml::Int(stamp.nanos)),
    ])
}

/// The little of YAML these documents need.
enum Yaml {
    Str(String),
    Int(i64),
    Seq(Vec<Yaml>),
    Map(Vec<(&'static str, Yaml)>),
}

impl Yaml {
    fn str(s: &str) -> Yaml {
        Yaml::Str(s.to_string())
    }

    fn map(entries: impl IntoIterator<Item = (&'static str, Yaml)>) -> Yaml {
        Yaml::Map(entries.into_iter().collect())
    }
}

fn write_document(doc: &Yaml, out: &mut String) {
    out.push_str("---\n");
    match doc {
        Yaml::Map(entries) => write_map(entries, 0, false, out),
        other => {
            write_inline(other, out);
            out.push('\n');
        }
    }
}

/// A block mapping at `indent`; with `continues_line`, the first key goes right after a
/// sequence's `- `.
fn write_map(entries: &[(&str, Yaml)], indent: usize, continues_line: bool, out: &mut String) {
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 || !continues_line {
            push_indent(indent, out);
        }
        out.push_str(&scalar(key));
        out.push(':');
        match value {
            Yaml::Map(e) if !e.is_empty() => {
                out.push('\n');
                write_map(e, indent + 2, false, out);
            }
            Yaml::Seq(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(items, indent + 2, out);
            }
            other => {
                out.push(' ');
                write_inline(other, out);
                out.push('\n');
            }
        }
    }
}

fn write_seq(items: &[Yaml], indent: usize, out: &mut String) {
    for item in items {
        push_indent(indent, out);
        out.push('-');
        match item {
            Yaml::Map(e) if !e.is_empty() => {
                out.push(' ');
                write_map(e, indent + 2, true, out);
            }
            Yaml::Seq(s) if !s.is_empty() => {
                out.push('\n');
                write_seq(s, indent + 2, out);
            }
            other => {
                out.push(' ');
                write_inline(other, out);
                out.push('\n');
            }
        }
    }
}

/// Scalars and empty collections.
fn write_inline(value: &Yaml, out: &mut String) {
    match value {
        Yaml::Str(s) => out.push_str(&scalar(s)),
        Yaml::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Yaml::Seq(_) => out.push_str("[]"),
        Yaml::Map(_) => out.push_str("{}"),
    }
}

fn push_indent(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A string as a YAML scalar: plain when it starts with a letter or `/`, holds only letters,
/// digits and `._/-`, and is not one of YAML 1.1's booleans or nulls (Kubernetes reads YAML
/// 1.1: `on` and `y` are `true`); double-quoted otherwise.
pub fn scalar(s: &str) -> String {
    const SPECIAL: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && !SPECIAL.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Controls, C1 controls (NEL is a line break in YAML 1.1), the Unicode line and
            // paragraph separators, the byte order mark and the non-characters.
            c if (c as u32) < 0x20
                || ('\u{7F}'..='\u{9F}').contains(&c)
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
                ) =>
            {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_plain_only_when_unambiguous() {
        assert_eq!(scalar("wgpolicyk8s.io/v1alpha2"), "wgpolicyk8s.io/v1alpha2");
        assert_eq!(scalar("BHW001"), "BHW001");
        assert_eq!(scalar("/spec/containers/0"), "/spec/containers/0");
        for quoted in [
            "on", "No", "null", "y", "1.0", "0644", "", "-x", "a b", "a: b", "#x",
        ] {
            assert!(scalar(quoted).starts_with('"'), "{quoted}");
        }
        assert_eq!(
            scalar("say \"hi\"\\\n\u{1b}\u{85}\u{2028}é🚀"),
            "\"say \\\"hi\\\"\\\\\\n\\u001B\\u0085\\u2028é🚀\""
        );
    }

    #[test]
    fn block_style_with_sequences_of_mappings() {
        let doc = Yaml::map([
            ("a", Yaml::str("x")),
            (
                "list",
                Yaml::Seq(vec![
                    Yaml::map([
                        ("k", Yaml::Int(1)),
                        ("m", Yaml::map([("n", Yaml::str("on"))])),
                    ]),
                    Yaml::str("plain"),
                ]),
            ),
            ("empty", Yaml::Seq(vec![])),
            ("none", Yaml::map([])),
        ]);
        let mut out = String::new();
        write_document(&doc, &mut out);
        assert_eq!(
            out,
            "---\na: x\nlist:\n  - k: 1\n    m:\n      \"n\": \"on\"\n  - plain\nempty: []\nnone: {}\n"
        );
    }
}
