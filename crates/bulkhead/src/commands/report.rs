//! The reporting path `scan` and `node` share: the formats and where each goes, the checks
//! and the policy over an inventory, the framework verdicts, the exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

use bulkhead_checks::frameworks::{Framework, FrameworkReport};
use bulkhead_checks::pss::Level;
use bulkhead_checks::rules::workload::PSS_CHECKS;
use bulkhead_checks::{run_checks, Finding};
use bulkhead_model::{ErrorSeverity, Inventory, LoadError};
use bulkhead_report::{render, Format, ScanResult, Summary};

use super::{frameworks, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::cli::{ColorChoice, ReportArgs};
use crate::settings::Settings;

/// The report formats asked for, checked against the `--output` files before anything is
/// read: a usage error must not cost a whole scan.
pub fn formats(args: &ReportArgs) -> Result<Vec<Format>, String> {
    let formats = args
        .formats
        .iter()
        .map(|f| f.parse::<Format>())
        .collect::<Result<Vec<_>, _>>()?;
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

/// Runs the selected checks and applies the settings' policy (Pod Security level, severity
/// overrides). Suppressions written in the objects are applied by the checks' sink.
pub fn check(inventory: &Inventory, settings: &Settings) -> Vec<Finding> {
    let mut findings = run_checks(inventory, &settings.checks, &settings.options);
    apply_policy(&mut findings, settings);
    findings
}

/// The framework the settings name, resolved before anything is read.
pub fn framework(settings: &Settings) -> Result<Option<&'static Framework>, String> {
    settings
        .framework
        .as_deref()
        .map(frameworks::resolve)
        .transpose()
}

/// The framework's verdicts over the findings, when one was asked for. What could not be
/// read (`errors`) is never passed.
pub fn judge(
    framework: Option<&'static Framework>,
    settings: &Settings,
    inventory: &Inventory,
    errors: &[LoadError],
    findings: &[Finding],
) -> Option<FrameworkReport> {
    framework.map(|f| frameworks::evaluate(f, inventory, errors, findings, settings))
}

/// Writes every report: with one output fewer than formats, the first format goes to
/// standard output.
pub fn write(result: &ScanResult<'_>, formats: &[Format], args: &ReportArgs) -> Result<(), String> {
    let skip = formats.len() - args.outputs.len();
    for (i, format) in formats.iter().enumerate() {
        match i.checked_sub(skip).and_then(|o| args.outputs.get(o)) {
            Some(path) => {
                let file = File::create(path).map_err(|e| format!("cannot write {path}: {e}"))?;
                let mut out = BufWriter::new(file);
                render(result, *format, false, &mut out)
                    .and_then(|_| out.flush())
                    .map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            None => {
                let stdout = io::stdout();
                let color = use_color(args.color, stdout.is_terminal());
                let mut out = BufWriter::new(stdout.lock());
                // A closed pipe (`bulkhead scan . | head`) is not an error worth reporting.
                let _ = render(result, *format, color, &mut out).and_then(|_| out.flush());
            }
        }
    }
    Ok(())
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

/// Severity overrides and the Pod Security level from the settings.
fn apply_policy(findings: &mut Vec<Finding>, settings: &Settings) {
    if settings.pss_level == Level::Baseline {
        // Findings of the PSS controls that only the restricted level asks for.
        findings.retain(|f| {
            !PSS_CHECKS.iter().any(|c| c.id == f.check.id)
                || f.pss.iter().any(|e| e.starts_with("baseline:"))
        });
    }
    for f in findings.iter_mut() {
        if let Some((_, severity)) = settings.severity.iter().find(|(id, _)| id == f.check.id) {
            f.severity = *severity;
        }
    }
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
