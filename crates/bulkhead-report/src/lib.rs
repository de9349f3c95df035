//! Renderers for scan results. Each format is one module behind [`render`]; the scan itself
//! knows nothing of them.

pub mod concise;
pub mod grouped;
pub mod html;
pub mod json;
mod json_text;
pub mod junit;
pub mod markdown;
pub mod policyreport;
pub mod ranking;
pub mod sarif;
pub mod snippet;
pub mod statistics;
pub mod summary;
pub mod text;

use std::io::{self, Write};
use std::str::FromStr;

use bulkhead_checks::frameworks::FrameworkReport;
use bulkhead_checks::{Check, Finding, Severity};
use bulkhead_model::{LoadError, LoadStats};

pub use summary::Summary;

/// Everything a report needs to say about one scan.
pub struct ScanResult<'a> {
    pub findings: &'a [Finding],
    pub errors: &'a [LoadError],
    pub stats: &'a LoadStats,
    pub objects: usize,
    /// The checks that ran (after selection and configuration).
    pub checks: &'a [&'static Check],
    pub elapsed: std::time::Duration,
    pub fail_on: Severity,
    /// Whether suppressed and baselined findings are listed (they are always counted).
    pub show_suppressed: bool,
    /// The configuration file the scan used.
    pub config: Option<&'a str>,
    /// The framework asked for with `--framework`, evaluated over the findings.
    pub framework: Option<&'a FrameworkReport>,
    /// Present for `bulkhead node`: what was read from the node.
    pub node: Option<&'a NodeContext>,
    /// Findings a severity filter left out (never listed, never failed, always counted).
    pub hidden: Option<Hidden>,
}

/// What a severity filter hid: how many findings, and the filter as the user wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hidden {
    pub count: usize,
    /// `--min-severity medium`.
    pub filter: String,
}

/// What `bulkhead node` read, said before the findings: a finding-free report of a node must
/// still show which components and files were judged.
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeContext {
    /// The directory read as the node's root (`/`, `/host`, or a copy).
    pub root: String,
    /// One line per component or file found and where (`kube-apiserver: static Pod
    /// /etc/kubernetes/manifests/kube-apiserver.yaml`).
    pub found: Vec<String>,
    /// Caveats about the reading itself (not running as root, say).
    pub notes: Vec<String>,
}

impl ScanResult<'_> {
    /// The findings a report lists: the unsuppressed ones, or all with `--show-suppressed`.
    pub fn listed(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| self.show_suppressed || f.suppression.is_none())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Full diagnostics: location, snippet with carets, help, compliance ids.
    Text,
    /// One line per finding, `path:line:col: ID [severity] message`, as editors and grep expect.
    Concise,
    /// Findings grouped by file and object, with counts per object.
    Grouped,
    /// A table of checks by count, severity and name (`--statistics`).
    Statistics,
    Json,
    Sarif,
    Junit,
    Markdown,
    Html,
    PolicyReport,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "concise" => Ok(Format::Concise),
            "grouped" => Ok(Format::Grouped),
            "statistics" => Ok(Format::Statistics),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" => Ok(Format::Junit),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            "policyreport" => Ok(Format::PolicyReport),
            other => Err(format!(
                "unknown format {other:?} (text, concise, grouped, statistics, json, sarif, junit, markdown, html, policyreport)"
            )),
        }
    }
}

/// Writes `result` in `format`. `color` applies to text only.
pub fn render(
    result: &ScanResult<'_>,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(result, color, out),
        Format::Concise => concise::render(result, color, out),
        Format::Grouped => grouped::render(result, color, out),
        Format::Statistics => statistics::render(result, color, out),
        Format::Json => json::render(result, out),
        Format::Sarif => sarif::render(result, out),
        Format::Junit => junit::render(result, out),
        Format::Markdown => markdown::render(result, out),
        Format::Html => html::render(result, out),
        Format::PolicyReport => policyreport::render(result, out),
    }
}
