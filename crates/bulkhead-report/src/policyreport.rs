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
//! No report object exceeds [`MAX_REPORT_BYTES`] (1 MiB) serialized, in YAML or in JSON:
//! the API server refuses objects over about 1.5 MiB (etcd's limit), and a large cluster's
//! namespace easily holds more findings than that. A report that would be larger is split
//! into numbered parts, `bulkhead`, `bulkhead-2`, `bulkhead-3`, ... (labelled with
//! `bulkhead.dev/part` and `bulkhead.dev/parts`), each with its own summary; every result
//! is in exactly one part. Each report carries the SHA-256 of its content without the
//! timestamps (`bulkhead.dev/content-sha256`), so a writer can leave alone a report whose
//! findings did not change.
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
use serde_json::Value;
use sha2::{Digest, Sha256};

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
    for report in reports_at(result, at, MAX_REPORT_BYTES) {
        out.write_all(b"---\n")?;
        out.write_all(report.yaml().as_bytes())?;
    }
    Ok(())
}

/// The largest a report may be, serialized as YAML or as JSON.
pub const MAX_REPORT_BYTES: usize = 1 << 20;
/// The label naming a report's part (1, 2, ...) and the one giving how many parts there are.
pub const PART_LABEL: &str = "bulkhead.dev/part";
pub const PARTS_LABEL: &str = "bulkhead.dev/parts";
/// The label every report Bulkhead writes carries (with the value `bulkhead`).
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// The annotation with the SHA-256 of a report's content, timestamps left out.
pub const CONTENT_HASH_ANNOTATION: &str = "bulkhead.dev/content-sha256";

/// One report object: a namespace's `PolicyReport` (or a numbered part of it) or the
/// cluster's `ClusterPolicyReport`.
pub struct Report {
    /// `PolicyReport` or `ClusterPolicyReport`.
    pub kind: &'static str,
    pub namespace: Option<String>,
    pub name: String,
    /// SHA-256 (hex) of the content without timestamps: equal when the findings are.
    pub content_hash: String,
    /// How many results the report holds.
    pub results: usize,
    document: Yaml,
}

impl Report {
    /// The report as one YAML document (without the `---` that precedes it in a stream).
    pub fn yaml(&self) -> String {
        let mut out = String::new();
        write_body(&self.document, &mut out);
        out
    }

    /// The report as a JSON object, for the API server.
    pub fn json(&self) -> Value {
        to_json(&self.document)
    }
}

/// The reports of a scan stamped with `at`: the cluster's first, then each namespace's, in
/// name order, each split into parts of at most `max_bytes` serialized.
pub fn reports_at(result: &ScanResult<'_>, at: SystemTime, max_bytes: usize) -> Vec<Report> {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let stamp = Timestamp {
        seconds: since.as_secs() as i64,
        nanos: i64::from(since.subsec_nanos()),
    };
    let mut cluster = Vec::new();
    let mut namespaced: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
    for f in result.findings {
        let entry = finding_result(f);
        match f.object.namespace.as_deref().filter(|ns| !ns.is_empty()) {
            Some(ns) => namespaced.entry(ns).or_default().push(entry),
            None => cluster.push(entry),
        }
    }
    cluster.extend(result.errors.iter().map(input_result));
    let mut reports = split("ClusterPolicyReport", None, cluster, &stamp, max_bytes);
    for (ns, results) in namespaced {
        reports.extend(split("PolicyReport", Some(ns), results, &stamp, max_bytes));
    }
    reports
}

/// The parts of one report: results packed in order, each part within `max_bytes`.
fn split(
    kind: &'static str,
    namespace: Option<&str>,
    results: Vec<Entry>,
    stamp: &Timestamp,
    max_bytes: usize,
) -> Vec<Report> {
    // What a part holds besides its results, at its largest: the longest name, the labels,
    // the hash, a summary with the largest counts.
    let frame = {
        let empty = report(
            kind,
            namespace,
            "bulkhead-99999",
            (99_999, 99_999),
            &"0".repeat(64),
            Vec::new(),
        );
        let yaml = {
            let mut s = String::new();
            write_body(&empty, &mut s);
            s.len()
        };
        let json = serde_json::to_string(&to_json(&empty)).map_or(0, |s| s.len());
        yaml.max(json) + 5 * 8 + 16
    };
    let budget = max_bytes.saturating_sub(frame);
    let mut parts: Vec<Vec<Yaml>> = vec![Vec::new()];
    let mut used = 0;
    // Sizes are measured with the widest timestamp, so that where a report splits depends on
    // its findings only, never on the time of the scan (parts would change with it).
    let widest = Timestamp {
        seconds: 99_999_999_999,
        nanos: 999_999_999,
    };
    for entry in results {
        let size = serialized_size(&entry.clone().stamped(&widest));
        let item = entry.stamped(stamp);
        if used + size > budget && !parts.last().is_some_and(Vec::is_empty) {
            parts.push(Vec::new());
            used = 0;
        }
        used += size;
        if let Some(part) = parts.last_mut() {
            part.push(item);
        }
    }
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, results)| {
            let name = if i == 0 {
                REPORT_NAME.to_string()
            } else {
                format!("{REPORT_NAME}-{}", i + 1)
            };
            let content_hash = content_hash(kind, namespace, &name, &results);
            let len = results.len();
            Report {
                kind,
                namespace: namespace.map(str::to_string),
                document: report(
                    kind,
                    namespace,
                    &name,
                    (i + 1, count),
                    &content_hash,
                    results,
                ),
                name,
                content_hash,
                results: len,
            }
        })
        .collect()
}

/// The bytes a result adds to its report: as an item of the `results` sequence in YAML, or
/// as an element of the JSON array with its comma, whichever is larger.
fn serialized_size(item: &Yaml) -> usize {
    let mut yaml = String::new();
    write_seq(std::slice::from_ref(item), 2, &mut yaml);
    let json = serde_json::to_string(&to_json(item)).map_or(0, |s| s.len() + 1);
    yaml.len().max(json)
}

/// The hash of what a report says, without the time it was said.
fn content_hash(kind: &str, namespace: Option<&str>, name: &str, results: &[Yaml]) -> String {
    let mut hasher = Sha256::new();
    for part in [kind, namespace.unwrap_or(""), name] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    for item in results {
        let mut text = String::new();
        if let Yaml::Map(entries) = item {
            for (key, value) in entries.iter().filter(|(k, _)| *k != "timestamp") {
                text.push_str(key);
                text.push('\0');
                write_inline_json(value, &mut text);
                text.push('\0');
            }
        }
        hasher.update(text.as_bytes());
        hasher.update([1u8]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write_inline_json(value: &Yaml, out: &mut String) {
    out.push_str(&serde_json::to_string(&to_json(value)).unwrap_or_default());
}

struct Timestamp {
    seconds: i64,
    nanos: i64,
}

/// One result with its outcome, for the summary; the timestamp comes last, when the
/// result goes into a report.
#[derive(Clone)]
struct Entry {
    fields: Vec<(&'static str, Yaml)>,
}

impl Entry {
    fn stamped(mut self, stamp: &Timestamp) -> Yaml {
        self.fields.push(("timestamp", timestamp(stamp)));
        Yaml::Map(self.fields)
    }
}

/// A result's outcome (`fail`, `skip`, `error`, `warn`), read back for the summary.
fn outcome(result: &Yaml) -> &str {
    match result {
        Yaml::Map(entries) => entries
            .iter()
            .find(|(k, _)| *k == "result")
            .and_then(|(_, v)| match v {
                Yaml::Str(s) => Some(s.as_str()),
                _ => None,
            })
            .unwrap_or(""),
        _ => "",
    }
}

fn report(
    kind: &str,
    namespace: Option<&str>,
    name: &str,
    (part, parts): (usize, usize),
    content_hash: &str,
    results: Vec<Yaml>,
) -> Yaml {
    let count = |wanted: &str| results.iter().filter(|r| outcome(r) == wanted).count() as i64;
    let summary = Yaml::map([
        ("pass", Yaml::Int(count("pass"))),
        ("fail", Yaml::Int(count("fail"))),
        ("warn", Yaml::Int(count("warn"))),
        ("error", Yaml::Int(count("error"))),
        ("skip", Yaml::Int(count("skip"))),
    ]);
    let mut metadata = vec![("name", Yaml::str(name))];
    if let Some(ns) = namespace {
        metadata.push(("namespace", Yaml::str(ns)));
    }
    metadata.push((
        "labels",
        Yaml::map([
            (MANAGED_BY_LABEL, Yaml::str("bulkhead")),
            (PART_LABEL, Yaml::Str(part.to_string())),
            (PARTS_LABEL, Yaml::Str(parts.to_string())),
        ]),
    ));
    metadata.push((
        "annotations",
        Yaml::map([(CONTENT_HASH_ANNOTATION, Yaml::str(content_hash))]),
    ));
    Yaml::map([
        ("apiVersion", Yaml::str(API_VERSION)),
        ("kind", Yaml::str(kind)),
        ("metadata", Yaml::map(metadata)),
        ("results", Yaml::Seq(results)),
        ("summary", summary),
    ])
}

/// Strings a user or an input controls (messages, notes, reasons) are cut at this many
/// bytes, so that one result always fits in a report.
const MAX_TEXT_BYTES: usize = 32 * 1024;

fn capped(text: &str) -> Yaml {
    if text.len() <= MAX_TEXT_BYTES {
        return Yaml::str(text);
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Yaml::Str(format!(
        "{}... (cut at {MAX_TEXT_BYTES} bytes)",
        &text[..end]
    ))
}

fn finding_result(f: &Finding) -> Entry {
    let pos = &f.location.position;
    let mut properties = vec![
        (
            "location",
            format!("{}:{}:{}", f.location.path, pos.line, pos.column),
        ),
        ("pointer", f.location.pointer.clone()),
        ("fingerprint", f.fingerprint.to_string()),
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
        fields: vec![
            ("policy", Yaml::str(f.check.slug)),
            ("rule", Yaml::str(f.check.id)),
            ("result", Yaml::str(outcome)),
            ("severity", Yaml::str(f.severity.as_str())),
            ("category", Yaml::str(f.check.family.name())),
            ("message", capped(&f.message)),
            ("resources", Yaml::Seq(vec![Yaml::map(resource)])),
            (
                "properties",
                Yaml::map(properties.into_iter().map(|(k, v)| (k, capped(&v)))),
            ),
            ("source", Yaml::str("bulkhead")),
        ],
    }
}

fn input_result(e: &LoadError) -> Entry {
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
        fields: vec![
            ("policy", Yaml::str("input")),
            ("rule", Yaml::str("input")),
            ("result", Yaml::str(outcome)),
            ("category", Yaml::str("input")),
            ("message", capped(&e.message)),
            ("properties", Yaml::map([("location", capped(&location))])),
            ("source", Yaml::str("bulkhead")),
        ],
    }
}

fn timestamp(stamp: &Timestamp) -> Yaml {
    Yaml::map([
        ("seconds", Yaml::Int(stamp.seconds)),
        ("nanos", Yaml::Int(stamp.nanos)),
    ])
}

/// The little of YAML these documents need.
#[derive(Clone)]
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

/// The same value as JSON: strings stay strings, integers numbers.
fn to_json(value: &Yaml) -> Value {
    match value {
        Yaml::Str(s) => Value::String(s.clone()),
        Yaml::Int(n) => Value::from(*n),
        Yaml::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_string(), to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
fn write_document(doc: &Yaml, out: &mut String) {
    out.push_str("---\n");
    write_body(doc, out);
}

/// One document's content, without the `---` that precedes it in a stream.
fn write_body(doc: &Yaml, out: &mut String) {
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
