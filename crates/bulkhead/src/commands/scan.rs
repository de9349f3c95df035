//! `bulkhead scan`: discover inputs, load them, run the checks, apply the policy
//! (configuration, suppressions, baseline), write the reports.

use std::time::Instant;

use bulkhead_checks::policy::baseline::BaselineFile;
use bulkhead_checks::policy::{inline, Suppression, SuppressionKind};
use bulkhead_model::{discover, load_inputs, Input, Inventory, Limits};
use bulkhead_report::ScanResult;

use super::{report, EXIT_ERROR};
use crate::cli::ScanArgs;
use crate::settings;

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
    let formats = report::formats(&args.report)?;
    let settings = settings::resolve(args)?;
    let framework = report::framework(&settings)?;
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
    let mut findings = report::check(&inventory, &settings);
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

    let framework_report = report::judge(framework, &settings, &inventory, &errors, &findings);
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
        node: None,
    };
    report::write(&result, &formats, &args.report)?;
    let code = report::exit_code(&result, args.report.exit_zero);
    // The process ends right after this; freeing a large inventory one node at a time would
    // only delay the exit.
    std::mem::forget(findings);
    std::mem::forget(inventory);
    Ok(code)
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
