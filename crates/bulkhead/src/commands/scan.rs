//! `bulkhead scan`: discover inputs, load them, run the checks, apply the policy
//! (configuration, suppressions, baseline), write the reports.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Instant;

use bulkhead_checks::policy::baseline::BaselineFile;
use bulkhead_checks::policy::{inline, Suppression, SuppressionKind};
use bulkhead_checks::pss::Level;
use bulkhead_checks::rules::workload::PSS_CHECKS;
use bulkhead_checks::{run_checks, Finding};
use bulkhead_model::{discover, load_inputs, ErrorSeverity, Input, Inventory, Limits};
use bulkhead_report::{render, Format, ScanResult, Summary};

use super::{frameworks, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::cli::{ColorChoice, ScanArgs};
use crate::settings::{self, Settings};

pub fn run(args: &ScanArgs) -> u8 {
    match scan(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn scan(args: &ScanArgs) -> Result<u8, String> {
    let started = Instant::now();
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
    let settings = settings::resolve(args)?;
    let framework = settings
        .framework
        .as_deref()
        .map(frameworks::resolve)
        .transpose()?;
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;
    let mut limits = Limits::default();
    if let Some(max) = args.max_document_bytes {
        limits.max_document_bytes = max;
    }

    let mut discovery = discover(&args.paths);
    discovery.inputs.retain(|input| match input {
        Input::File(_) => !settings.exclude_paths.is_match(input.display()),
        _ => true,
    });
    let mut loaded = load_inputs(&discovery.inputs, &limits);
    let mut errors = discovery.errors;
    errors.append(&mut loaded.errors);
    loaded.objects.retain(|o| {
        !settings.exclude_kinds.contains(&o.kind)
            && !o
                .namespace
                .as_ref()
                .is_some_and(|ns| settings.exclude_namespaces.contains(ns))
    });
    let inventory = Inventory::new(loaded.objects);
    errors.extend(inline::validate(&inventory));
    let mut findings = run_checks(&inventory, &settings.checks, &settings.options);
    apply_policy(&mut findings, &settings);
    if let Some(path) = &args.write_baseline {
        let json = serde_json::to_string_pretty(&BaselineFile::of(&findings))
            .map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some((path, baseline)) = &baseline {
        let known = baseline.fingerprints();
        for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
            if known.contains(f.fingerprint.as_str()) {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::Baseline,
                    reason: None,
                    until: None,
                    source: path.clone(),
                });
            }
        }
    }

    let framework_report =
        framework.map(|f| frameworks::evaluate(f, &inventory, &findings, &settings));
    let result = ScanResult {
        findings: &findings,
        errors: &errors,
        stats: &loaded.stats,
        objects: inventory.len(),
        checks: &settings.checks,
        elapsed: started.elapsed(),
        fail_on: settings.fail_on,
        show_suppressed: args.show_suppressed,
        config: settings.config_path.as_deref(),
        framework: framework_report.as_ref(),
    };
    // With one output fewer than formats, the first format goes to standard output.
    let skip = formats.len() - args.outputs.len();
    for (i, format) in formats.iter().enumerate() {
        match i.checked_sub(skip).and_then(|o| args.outputs.get(o)) {
            Some(path) => {
                let file = File::create(path).map_err(|e| format!("cannot write {path}: {e}"))?;
                let mut out = BufWriter::new(file);
                render(&result, *format, false, &mut out)
                    .and_then(|_| out.flush())
                    .map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            None => {
                let stdout = io::stdout();
                let color = use_color(args.color, stdout.is_terminal());
                let mut out = BufWriter::new(stdout.lock());
                // A closed pipe (`bulkhead scan . | head`) is not an error worth reporting.
                let _ = render(&result, *format, color, &mut out).and_then(|_| out.flush());
            }
        }
    }

    let summary = Summary::of(&result);
    let unreadable = errors.iter().any(|e| e.severity == ErrorSeverity::Error);
    // The process ends right after this; freeing a large inventory one node at a time would
    // only delay the exit.
    std::mem::forget(findings);
    std::mem::forget(inventory);
    Ok(if args.exit_zero {
        EXIT_OK
    } else if unreadable {
        EXIT_ERROR
    } else if summary.failing > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
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

fn read_baseline(path: &std::path::Path) -> Result<(String, BaselineFile), String> {
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read baseline {shown}: {e}"))?;
    let file: BaselineFile =
        serde_json::from_str(&text).map_err(|e| format!("invalid baseline {shown}: {e}"))?;
    if file.baseline_version != 1 {
        return Err(format!(
            "baseline {shown} has version {}, expected 1",
            file.baseline_version
        ));
    }
    Ok((shown, file))
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
