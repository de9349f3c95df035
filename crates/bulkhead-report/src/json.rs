//! The JSON report: a versioned public contract, documented in `docs/json-report.md`.
//! Change it only by adding fields; anything else bumps [`SCHEMA_VERSION`].

use std::io::{self, Write};

use serde::Serialize;

use bulkhead_checks::frameworks::{Evidence, FrameworkReport, Scope, Status};
use bulkhead_checks::policy::Suppression;
use bulkhead_checks::{Compliance, Finding, Severity};
use bulkhead_model::{LoadError, Location, ObjectRef};

use crate::summary::{FrameworkCounts, Summary};
use crate::{NodeContext, ScanResult};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    schema_version: u32,
    tool: Tool,
    summary: Summary,
    errors: &'a [LoadError],
    findings: Findings<'a, 'a>,
    /// Present with `--framework`.
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: Option<JsonFramework<'a>>,
    /// Present for `bulkhead node`.
    #[serde(skip_serializing_if = "Option::is_none")]
    node: Option<&'a NodeContext>,
}

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

/// The check's compliance ids, with the Pod Security entries of this very finding.
#[derive(Serialize)]
struct JsonCompliance<'a> {
    cis: &'static [&'static str],
    pss: &'a [String],
    nsa: &'static [&'static str],
    mitre: &'static [&'static str],
}

impl<'a> JsonCompliance<'a> {
    fn of(f: &'a Finding) -> Self {
        let c: &'static Compliance = &f.check.compliance;
        JsonCompliance {
            cis: c.cis,
            pss: &f.pss,
            nsa: c.nsa,
            mitre: c.mitre,
        }
    }
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
        JsonFinding {
            check: f.check.id,
            name: f.check.slug,
            severity: f.severity,
            message: &f.message,
            object: &f.object,
            location: &f.location,
            helm_source: f.helm_source.as_deref(),
            compliance: JsonCompliance::of(f),
            remediation: f.check.remediation,
            fingerprint: &f.fingerprint,
            suppression: f.suppression.as_ref(),
            notes: &f.notes,
        }
    }
}

/// The listed findings, written one by one as the report is written: a report of hundreds of
/// thousands of findings never holds a second copy of them.
struct Findings<'r, 'a>(&'r ScanResult<'a>);

impl Serialize for Findings<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.listed().map(JsonFinding::from))
    }
}

pub fn render(result: &ScanResult<'_>, out: &mut dyn Write) -> io::Result<()> {
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "bulkhead",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary::of(result),
        errors: result.errors,
        findings: Findings(result),
        framework: result.framework.map(|f| JsonFramework::of(f, result)),
        node: result.node,
    };
    // serde_json writes a report in many small pieces: through a buffer of a known type they
    // are plain copies, not one dynamic call each into the caller's writer.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &report)?;
    writeln!(buffered)?;
    buffered.flush()
}
