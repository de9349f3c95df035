//! The JSON report: a versioned public contract, documented in `docs/json-report.md`.
//! Change it only by adding fields; anything else bumps [`SCHEMA_VERSION`].

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use bulkhead_checks::frameworks::{Evidence, FrameworkReport, Scope, Status};
use bulkhead_checks::policy::{Suppression, SuppressionKind};
use bulkhead_checks::{Compliance, Finding};
use bulkhead_model::{Location, ObjectRef};

use crate::json_text as text;
use crate::summary::{FrameworkCounts, Summary};
use crate::ScanResult;

pub const SCHEMA_VERSION: u32 = 1;

/// The framework's verdicts. A control's `findings` are indexes into the report's own
/// `findings` list (which omits suppressed findings unless `--show-suppressed`; failing
/// findings are never suppressed, so every index resolves).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFramework<'a> {
    id: &'static str,
    name: &'static str,
    version: &'static str,
    /// Percentage of the scored controls that pass (manual ones never count); null when
    /// none was scored.
    score: Option<f64>,
    counts: FrameworkCounts,
    controls: Vec<JsonControl<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonControl<'a> {
    id: &'a str,
    title: &'a str,
    automated: bool,
    /// The framework marks it manual: never `pass`, never scored.
    manual: bool,
    scope: Scope,
    #[serde(skip_serializing_if = "Option::is_none")]
    guidance: Option<&'a str>,
    status: Status,
    checks: &'a [&'static str],
    findings: Vec<usize>,
    /// For a manual control related checks exist for: what they did in this scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a Evidence>,
}

impl<'a> JsonFramework<'a> {
    fn of(report: &'a FrameworkReport, result: &ScanResult<'_>) -> Self {
        // Where each of the scan's findings sits in the emitted list, if it is listed.
        let mut position = vec![None; result.findings.len()];
        let mut listed = result.listed().peekable();
        let mut next = 0;
        for (i, f) in result.findings.iter().enumerate() {
            if listed.peek().is_some_and(|l| std::ptr::eq(*l, f)) {
                position[i] = Some(next);
                next += 1;
                listed.next();
            }
        }
        JsonFramework {
            id: report.id,
            name: report.name,
            version: report.version,
            score: report.score,
            counts: FrameworkCounts::of(report),
            controls: report
                .controls
                .iter()
                .map(|r| JsonControl {
                    id: &r.control.id,
                    title: &r.control.title,
                    automated: r.control.automated,
                    manual: r.control.manual,
                    scope: r.control.scope,
                    guidance: r.control.guidance.as_deref(),
                    status: r.status,
                    checks: &r.checks,
                    findings: r
                        .findings
                        .iter()
                        .filter_map(|&i| position.get(i).copied().flatten())
                        .collect(),
                    evidence: r.evidence.as_ref(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// One finding as the report lists it, written by hand at `depth` (the level of the list's
/// items): the same bytes serde would write for the fields below (see the test module's
/// `reference`), without its per-token calls, so that hundreds of thousands of findings
/// render in a fraction of the time.
fn finding(out: &mut Vec<u8>, depth: usize, f: &Finding) {
    let mut o = text::Object::open(out, depth);
    let inner = o.inner();
    o.string("check", f.check.id);
    o.string("name", f.check.slug);
    o.string("severity", f.severity.as_str());
    o.string("message", &f.message);
    object_ref(o.key("object"), inner, &f.object);
    location(o.key("location"), inner, &f.location);
    if let Some(helm) = &f.helm_source {
        o.string("helmSource", helm);
    }
    compliance(o.key("compliance"), inner, f);
    o.string("remediation", f.check.remediation);
    o.string("fingerprint", &f.fingerprint);
    if let Some(s) = &f.suppression {
        suppression(o.key("suppression"), inner, s);
    }
    if !f.notes.is_empty() {
        text::strings(o.key("notes"), inner, f.notes.iter().map(String::as_str));
    }
    o.close();
}

fn object_ref(out: &mut Vec<u8>, depth: usize, r: &ObjectRef) {
    let mut o = text::Object::open(out, depth);
    o.string("apiVersion", &r.api_version);
    o.string("kind", &r.kind);
    match &r.namespace {
        Some(ns) => o.string("namespace", ns),
        None => o.key("namespace").extend_from_slice(b"null"),
    }
    o.string("name", &r.name);
    o.close();
}

/// [`Location`]'s `Serialize`: path, the position, pointer.
fn location(out: &mut Vec<u8>, depth: usize, l: &Location) {
    let p = &l.position;
    let mut o = text::Object::open(out, depth);
    o.string("path", &l.path);
    o.number("line", p.line.into());
    o.number("column", p.column.into());
    o.number("endLine", p.end_line.into());
    o.number("endColumn", p.end_column.into());
    o.number("offset", p.offset.into());
    o.number("length", p.length.into());
    o.string("pointer", &l.pointer);
    o.close();
}

/// The check's compliance ids, with the Pod Security entries of this very finding.
fn compliance(out: &mut Vec<u8>, depth: usize, f: &Finding) {
    let c: &'static Compliance = &f.check.compliance;
    let mut o = text::Object::open(out, depth);
    let inner = o.inner();
    text::strings(o.key("cis"), inner, c.cis.iter().copied());
    text::strings(o.key("pss"), inner, f.pss.iter().map(String::as_str));
    text::strings(o.key("nsa"), inner, c.nsa.iter().copied());
    text::strings(o.key("mitre"), inner, c.mitre.iter().copied());
    o.close();
}

/// [`Suppression`]'s `Serialize`.
fn suppression(out: &mut Vec<u8>, depth: usize, s: &Suppression) {
    let mut o = text::Object::open(out, depth);
    let kind = match s.kind {
        SuppressionKind::Annotation => "annotation",
        SuppressionKind::Comment => "comment",
        SuppressionKind::Baseline => "baseline",
    };
    o.string("kind", kind);
    if let Some(reason) = &s.reason {
        o.string("reason", reason);
    }
    if let Some(until) = &s.until {
        o.string("until", until);
    }
    o.string("source", &s.source);
    o.close();
}

/// How many findings one task renders, and how many are rendered before they are written: the
/// report's text is never all in memory at once (a 100,000-object scan's is 400 MB).
const CHUNK: usize = 512;
const BATCH: usize = 32 * CHUNK;

/// The `findings` list at depth 1, its items rendered in parallel and written in order.
fn findings(result: &ScanResult<'_>, out: &mut dyn Write) -> io::Result<()> {
    let listed: Vec<&Finding> = result.listed().collect();
    if listed.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (b, batch) in listed.chunks(BATCH).enumerate() {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 1024);
                for f in chunk {
                    buf.extend_from_slice(b",\n    ");
                    finding(&mut buf, 2, f);
                }
                buf
            })
            .collect();
        for (i, part) in parts.iter().enumerate() {
            // Every item is written after a comma but the very first.
            let skip = usize::from(b == 0 && i == 0);
            out.write_all(&part[skip..])?;
        }
    }
    out.write_all(b"\n  ]")
}

pub fn render(result: &ScanResult<'_>, out: &mut dyn Write) -> io::Result<()> {
    let tool = Tool {
        name: "bulkhead",
        version: env!("CARGO_PKG_VERSION"),
    };
    let framework = result.framework.map(|f| JsonFramework::of(f, result));
    // The top level by hand, its parts with serde at their depth, the findings in parallel:
    // the same document `serde_json::to_writer_pretty` wrote for the whole report.
    let mut head = Vec::with_capacity(1 << 16);
    head.extend_from_slice(b"{\n  \"schemaVersion\": ");
    text::number(&mut head, SCHEMA_VERSION.into());
    head.extend_from_slice(b",\n  \"tool\": ");
    text::serialized(&mut head, 1, &tool)?;
    head.extend_from_slice(b",\n  \"summary\": ");
    text::serialized(&mut head, 1, &Summary::of(result))?;
    head.extend_from_slice(b",\n  \"errors\": ");
    text::serialized(&mut head, 1, result.errors)?;
    head.extend_from_slice(b",\n  \"findings\": ");
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    buffered.write_all(&head)?;
    findings(result, &mut buffered)?;
    let mut tail = Vec::new();
    if let Some(framework) = &framework {
        tail.extend_from_slice(b",\n  \"framework\": ");
        text::serialized(&mut tail, 1, framework)?;
    }
    if let Some(node) = result.node {
        tail.extend_from_slice(b",\n  \"node\": ");
        text::serialized(&mut tail, 1, node)?;
    }
    tail.extend_from_slice(b"\n}\n");
    buffered.write_all(&tail)?;
    buffered.flush()
}

#[cfg(test)]
mod tests {
    //! The hand-written report against the serde description of the same document, byte for
    //! byte, on the bundled examples and the report fixture (suppressions of every kind, a
    //! reason and an expiry, notes, a Helm source, names that need escaping).

    use std::path::Path;
    use std::time::Duration;

    use bulkhead_checks::policy::inline;
    use bulkhead_checks::{all_checks, run_checks, Options, Severity};
    use bulkhead_model::{load_inputs, Input, Inventory, Limits, LoadError, LoadStats};

    use crate::NodeContext;

    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Report<'a> {
        schema_version: u32,
        tool: Tool,
        summary: Summary,
        errors: &'a [LoadError],
        findings: Vec<JsonFinding<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        framework: Option<JsonFramework<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        node: Option<&'a NodeContext>,
    }

    #[derive(Serialize)]
    struct JsonCompliance<'a> {
        cis: &'static [&'static str],
        pss: &'a [String],
        nsa: &'static [&'static str],
        mitre: &'static [&'static str],
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct JsonFinding<'a> {
        check: &'static str,
        name: &'static str,
        severity: Severity,
        message: &'a str,
        object: &'a ObjectRef,
        location: &'a Location,
        #[serde(skip_serializing_if = "Option::is_none")]
        helm_source: Option<&'a str>,
        compliance: JsonCompliance<'a>,
        remediation: &'static str,
        fingerprint: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        suppression: Option<&'a Suppression>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        notes: &'a [String],
    }

    impl<'a> From<&'a Finding> for JsonFinding<'a> {
        fn from(f: &'a Finding) -> Self {
            let c = &f.check.compliance;
            JsonFinding {
                check: f.check.id,
                name: f.check.slug,
                severity: f.severity,
                message: &f.message,
                object: &f.object,
                location: &f.location,
                helm_source: f.helm_source.as_deref(),
                compliance: JsonCompliance {
                    cis: c.cis,
                    pss: &f.pss,
                    nsa: c.nsa,
                    mitre: c.mitre,
                },
                remediation: f.check.remediation,
                fingerprint: &f.fingerprint,
                suppression: f.suppression.as_ref(),
                notes: &f.notes,
            }
        }
    }

    /// The whole report through `serde_json::to_writer_pretty`, as it was written before.
    fn reference(result: &ScanResult<'_>) -> String {
        let report = Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "bulkhead",
                version: env!("CARGO_PKG_VERSION"),
            },
            summary: Summary::of(result),
            errors: result.errors,
            findings: result.listed().map(JsonFinding::from).collect(),
            framework: result.framework.map(|f| JsonFramework::of(f, result)),
            node: result.node,
        };
        serde_json::to_string_pretty(&report).unwrap() + "\n"
    }

    fn rendered(result: &ScanResult<'_>) -> String {
        let mut out = Vec::new();
        render(result, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn inputs() -> Vec<Input> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<_> = std::fs::read_dir(root.join("../../examples"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        paths.push(root.join("tests/fixtures/suppressed.yaml"));
        let mut inputs: Vec<Input> = paths
            .iter()
            .map(|p| Input::Text {
                name: p.file_name().unwrap().to_string_lossy().into_owned(),
                text: std::fs::read_to_string(p).unwrap(),
            })
            .collect();
        inputs.push(Input::Text {
            name: "broken \"quoted\".yaml".into(),
            text: "apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n".into(),
        });
        inputs
    }

    fn with_result(
        show_suppressed: bool,
        node: Option<&NodeContext>,
        check: impl Fn(&ScanResult<'_>),
    ) {
        let loaded = load_inputs(&inputs(), &Limits::default());
        let mut errors = loaded.errors;
        let inventory = Inventory::new(loaded.objects);
        errors.extend(inline::validate(&inventory));
        let checks = all_checks();
        let mut findings = run_checks(&inventory, checks, &Options::default());
        assert!(findings.iter().any(|f| f.suppression.is_some()));
        assert!(findings.iter().any(|f| f.helm_source.is_some()));
        // A baselined finding with a reason and an expiry, and one with notes.
        findings[0].suppression = Some(Suppression {
            kind: SuppressionKind::Baseline,
            reason: Some("accepted \"for now\"\n".into()),
            until: Some("2099-01-01".into()),
            source: ".bulkhead-baseline.json".into(),
        });
        findings[1].notes = vec!["expired: tab\there".into(), "second".into()];
        let stats = LoadStats::default();
        let result = ScanResult {
            findings: &findings,
            errors: &errors,
            stats: &stats,
            objects: inventory.len(),
            checks,
            elapsed: Duration::from_millis(12),
            fail_on: Severity::High,
            show_suppressed,
            config: Some("cfg \\ .bulkhead.yaml"),
            framework: None,
            node,
            hidden: None,
        };
        check(&result);
    }

    fn with_findings<'a>(r: &ScanResult<'a>, findings: &'a [Finding]) -> ScanResult<'a> {
        ScanResult {
            findings,
            errors: r.errors,
            stats: r.stats,
            objects: r.objects,
            checks: r.checks,
            elapsed: r.elapsed,
            fail_on: r.fail_on,
            show_suppressed: r.show_suppressed,
            config: r.config,
            framework: r.framework,
            node: r.node,
            hidden: r.hidden.clone(),
        }
    }

    #[test]
    fn the_report_is_byte_for_byte_what_serde_writes() {
        let node = NodeContext {
            root: "/host".into(),
            found: vec!["kubelet: /etc/kubernetes/kubelet.conf".into()],
            notes: Vec::new(),
        };
        for show_suppressed in [false, true] {
            with_result(show_suppressed, None, |result| {
                assert!(result.listed().count() > 50);
                assert_eq!(rendered(result), reference(result));
            });
        }
        with_result(false, Some(&node), |result| {
            assert_eq!(rendered(result), reference(result));
        });
    }

    #[test]
    fn more_findings_than_one_batch_stay_in_order() {
        with_result(true, None, |result| {
            let many: Vec<Finding> = result
                .findings
                .iter()
                .cycle()
                .take(BATCH * 2 + CHUNK + 3)
                .cloned()
                .collect();
            let large = with_findings(result, &many);
            assert_eq!(rendered(&large), reference(&large));
        });
    }

    #[test]
    fn no_findings_is_an_empty_list() {
        with_result(false, None, |result| {
            let none = with_findings(result, &[]);
            let text = rendered(&none);
            assert!(text.contains("\"findings\": []\n"), "{text}");
            assert_eq!(text, reference(&none));
        });
    }
}
