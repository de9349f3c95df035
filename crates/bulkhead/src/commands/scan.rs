//! `bulkhead scan`: discover inputs, load them, run the checks, write the reports.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Instant;

use bulkhead_checks::{run_checks, select_checks, Options, Severity};
use bulkhead_model::{discover, load_inputs, ErrorSeverity, Inventory, Limits};
use bulkhead_report::{render, Format, ScanResult, Summary};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::cli::{ColorChoice, ScanArgs};

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
    let fail_on: Severity = args.fail_on.parse()?;
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
    let checks = select_checks(&args.select, &args.ignore)?;
    let options = Options {
        pss_version: args.pss_version.parse()?,
        kubernetes_version: args
            .kubernetes_version
            .as_deref()
            .map(parse_kubernetes_version)
            .transpose()?,
        allowed_registries: args.allowed_registries.clone(),
    };
    let mut limits = Limits::default();
    if let Some(max) = args.max_document_bytes {
        limits.max_document_bytes = max;
    }

    let discovery = discover(&args.paths);
    let mut loaded = load_inputs(&discovery.inputs, &limits);
    let mut errors = discovery.errors;
    errors.append(&mut loaded.errors);
    let inventory = Inventory::new(loaded.objects);
    let findings = run_checks(&inventory, &checks, &options);

    let result = ScanResult {
        findings: &findings,
        errors: &errors,
        stats: &loaded.stats,
        objects: inventory.len(),
        checks_run: checks.len(),
        elapsed: started.elapsed(),
        fail_on,
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

/// `1.32`, `v1.32` or `1.32.4` → (1, 32).
fn parse_kubernetes_version(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("invalid --kubernetes-version {text:?} (expected e.g. 1.32)");
    let mut parts = text.trim_start_matches('v').split('.');
    let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    Ok((major, minor))
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
