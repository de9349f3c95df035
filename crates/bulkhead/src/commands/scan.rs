//! `bulkhead scan`: the engine's scan of files, directories, globs or standard input, then
//! the reports.

use bulkhead_engine::{settings, Baseline, ConfigChoice, Flags, Request, Sources};
use bulkhead_model::{Input, Limits};

use super::{cluster, report, snapshot, EXIT_ERROR};
use crate::cli::ScanArgs;

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
    let formats = report::formats(&args.report)?;
    let settings = settings::resolve(&flags(args), &config_choice(args), &args.paths)?;
    let baseline = args
        .baseline
        .as_deref()
        .or(settings.baseline.as_deref())
        .map(Baseline::read)
        .transpose()?;
    let mut limits = Limits::default();
    if let Some(max) = args.max_document_bytes {
        limits.max_document_bytes = max;
    }
    let sources = match &args.snapshot {
        Some(path) if args.cluster.wanted() => {
            let snapshot = cluster::read(&args.cluster, &args.namespaces.namespaces)?;
            snapshot::write_atomically(path, &snapshot.text)?;
            Sources::Inputs(vec![Input::Text {
                name: path.display().to_string(),
                text: snapshot.text,
            }])
        }
        Some(_) => return Err("--snapshot writes what --cluster read: add --cluster".into()),
        None => cluster::sources(&args.paths, &args.cluster, &args.namespaces.namespaces)?,
    };
    let outcome = bulkhead_engine::run(Request {
        sources,
        settings: &settings,
        limits,
        baseline: baseline.as_ref(),
        write_baseline: args.write_baseline.clone(),
    })?;
    let result = report::result(&outcome, &settings, args.show_suppressed, None);
    report::write(&result, &formats, &args.report)?;
    let code = report::exit_code(&result, args.report.exit_zero);
    // The process ends right after this; freeing a large inventory one node at a time would
    // only delay the exit.
    std::mem::forget(outcome);
    Ok(code)
}

/// The engine's flags: the reporting flags plus those only `scan` has.
fn flags(args: &ScanArgs) -> Flags {
    Flags {
        pss_version: args.pss_version.clone(),
        pss_level: args.pss_level.clone(),
        kubernetes_version: args.kubernetes_version.clone(),
        allowed_registries: args.allowed_registries.clone(),
        rules_dirs: args.rules.clone(),
        ..report::flags(&args.report)
    }
}

fn config_choice(args: &ScanArgs) -> ConfigChoice {
    match (&args.config, args.no_config) {
        (Some(path), _) => ConfigChoice::File(path.clone()),
        (None, true) => ConfigChoice::Ignore,
        (None, false) => ConfigChoice::Nearest,
    }
}
