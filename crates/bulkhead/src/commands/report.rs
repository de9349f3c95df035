//! The reporting path `scan` and `node` share: the formats and where each goes, the flags
//! the engine reads, the exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

use bulkhead_engine::{Flags, Outcome, Settings};
use bulkhead_model::{ErrorSeverity, LoadError};
use bulkhead_report::sarif::{self, UploadLimits};
use bulkhead_report::{render, Format, Hidden, NodeContext, ScanResult, Summary};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::cli::{ColorChoice, ReportArgs, SarifLimit};

/// The report formats asked for, checked against the `--output` files before anything is
/// read: a usage error must not cost a whole scan.
pub fn formats(args: &ReportArgs) -> Result<Vec<Format>, String> {
    let mut formats = args
        .formats
        .iter()
        .map(|f| f.parse::<Format>())
        .collect::<Result<Vec<_>, _>>()?;
    if args.statistics {
        // The table takes the place of the report on standard output.
        let stdout = formats.len().saturating_sub(args.outputs.len());
        match formats.first_mut() {
            Some(first) if stdout == 1 => *first = Format::Statistics,
            _ => formats.insert(0, Format::Statistics),
        }
    }
    if args.outputs.len() > formats.len() {
        return Err("more --output files than --format values".into());
    }
    if formats.len() - args.outputs.len() > 1 {
        return Err(
            "only one report can go to standard output; give an --output for each other --format"
                .into(),
        );
    }
    Ok(formats)
}

/// The engine's flags from the reporting flags every command shares.
pub fn flags(args: &ReportArgs) -> Flags {
    Flags {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.clone(),
        cert_expiry_days: args.cert_expiry_days,
        framework: args.framework.clone(),
        min_severity: args.min_severity.clone(),
        severities: args.severities.clone(),
        ..Flags::default()
    }
}

/// What the reporters read of an outcome.
pub fn result<'a>(
    outcome: &'a Outcome,
    settings: &'a Settings,
    show_suppressed: bool,
    node: Option<&'a NodeContext>,
) -> ScanResult<'a> {
    ScanResult {
        findings: &outcome.findings,
        errors: &outcome.errors,
        stats: &outcome.stats,
        objects: outcome.inventory.len(),
        checks: &settings.checks,
        elapsed: outcome.elapsed,
        fail_on: settings.fail_on,
        show_suppressed,
        config: settings.config_path.as_deref(),
        framework: outcome.framework.as_ref(),
        node,
        hidden: settings.shown.is_active().then(|| Hidden {
            count: outcome.hidden,
            filter: settings.shown.describe(),
        }),
    }
}

/// Writes every report: with one output fewer than formats, the first format goes to
/// standard output.
pub fn write(result: &ScanResult<'_>, formats: &[Format], args: &ReportArgs) -> Result<(), String> {
    let skip = formats.len() - args.outputs.len();
    let limits = sarif_limits(args);
    for (i, format) in formats.iter().enumerate() {
        match i.checked_sub(skip).and_then(|o| args.outputs.get(o)) {
            Some(path) => {
                let file = File::create(path).map_err(|e| format!("cannot write {path}: {e}"))?;
                let mut out = BufWriter::new(file);
                render_one(result, *format, false, limits, &mut out)
                    .and_then(|_| out.flush())
                    .map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            None => {
                let stdout = io::stdout();
                let color = use_color(args.color, stdout.is_terminal());
                let mut out = BufWriter::new(stdout.lock());
                // A closed pipe (`bulkhead scan . | head`) is not an error worth reporting.
                let _ =
                    render_one(result, *format, color, limits, &mut out).and_then(|_| out.flush());
            }
        }
    }
    Ok(())
}

/// One report; a SARIF log within upload limits says on standard error what it left out.
fn render_one(
    result: &ScanResult<'_>,
    format: Format,
    color: bool,
    limits: Option<UploadLimits>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match (format, limits) {
        (Format::Sarif, Some(limits)) => {
            let kept = sarif::render_within(result, limits, out)?;
            if kept.kept < kept.total {
                eprintln!(
                    "bulkhead: SARIF: kept the {} most severe of {} results ({} keeps at most \
                     {} per run and {} MB compressed); the rest are left out, the JSON report \
                     has them all",
                    kept.kept,
                    kept.total,
                    limits.name,
                    limits.results_per_run,
                    limits.gzip_bytes / 1_000_000
                );
            }
            Ok(())
        }
        _ => render(result, format, color, out),
    }
}

/// `--sarif-limit`, else GitHub's limits inside GitHub Actions.
fn sarif_limits(args: &ReportArgs) -> Option<UploadLimits> {
    let github = match args.sarif_limit {
        Some(limit) => limit == SarifLimit::Github,
        None => std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true"),
    };
    github.then_some(UploadLimits::GITHUB)
}

/// 2 when an input could not be evaluated, 1 when a finding is at or above the threshold,
/// else 0; always 0 with `--exit-zero`.
pub fn exit_code(result: &ScanResult<'_>, exit_zero: bool) -> u8 {
    let unreadable =
        |errors: &[LoadError]| errors.iter().any(|e| e.severity == ErrorSeverity::Error);
    if exit_zero {
        EXIT_OK
    } else if unreadable(result.errors) {
        EXIT_ERROR
    } else if Summary::of(result).failing > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
