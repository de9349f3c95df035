//! `bulkhead scan`: the engine's scan of files, directories, globs or standard input, then
//! the reports.

use bulkhead_engine::{settings, Baseline, ConfigChoice, Flags, Progress, Request, Sources};
use bulkhead_model::{Input, Limits};

use super::scan_progress::ScanBar;
use super::{cluster, history, policyreports, report, snapshot, EXIT_ERROR};
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
    let started = std::time::SystemTime::now();
    let formats = report::formats(&args.report)?;
    if args.write_policyreports && !args.cluster.wanted() {
        return Err(
            "--write-policyreports writes into the cluster --cluster reads: add --cluster".into(),
        );
    }
    let mut settings = settings::resolve(&flags(args), &config_choice(args), &args.paths)?;
    settings.render = args.render.options();
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
    let sources = match sources(args) {
        Ok(sources) => sources,
        Err(reason) => {
            // A cluster that could not be read is a failed scan; a usage error is no scan.
            if let (Some(store), true) = (&args.store, args.cluster.wanted()) {
                let cluster = store_cluster(args, None);
                history::record_failure(store, &cluster, started, &reason)?;
            }
            return Err(reason);
        }
    };
    let cluster = store_cluster(args, Some(&sources));
    let bar = ScanBar::new(args.cluster.quiet);
    let outcome = bulkhead_engine::run(Request {
        sources,
        settings: &settings,
        limits,
        baseline: baseline.as_ref(),
        write_baseline: args.write_baseline.clone(),
        progress: bar.as_ref().map(|b| b as &dyn Progress),
    });
    if let Some(bar) = &bar {
        bar.finish();
    }
    let outcome = outcome?;
    let result = report::result(&outcome, &settings, args.show_suppressed, None);
    report::write(&result, &formats, &args.report)?;
    let mut code = report::exit_code(&result, args.report.exit_zero);
    if args.write_policyreports {
        if let Err(message) =
            policyreports::write(&result, &args.cluster, &args.namespaces.namespaces)
        {
            eprintln!("bulkhead: error: {message}");
            code = EXIT_ERROR;
        }
    }
    if let Some(store) = &args.store {
        match history::record_scan(store, &cluster, &outcome, &settings, started) {
            Ok(id) => eprintln!("bulkhead: recorded as scan {id} of {cluster} in the history"),
            Err(message) => {
                eprintln!("bulkhead: error: the scan was not recorded: {message}");
                code = EXIT_ERROR;
            }
        }
    }
    // The process ends right after this; freeing a large inventory one node at a time would
    // only delay the exit.
    std::mem::forget(outcome);
    Ok(code)
}

/// The sources: a live cluster (and its snapshot file), or the paths.
fn sources(args: &ScanArgs) -> Result<Sources, String> {
    Ok(match &args.snapshot {
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
    })
}

/// The name a scan is recorded under: `--store-cluster`, else the context a live read
/// named, else `local` for files.
fn store_cluster(args: &ScanArgs, sources: Option<&Sources>) -> String {
    if let Some(name) = &args.store_cluster {
        return name.clone();
    }
    if !args.cluster.wanted() {
        return "local".into();
    }
    let read = match sources {
        Some(Sources::Inputs(inputs)) => inputs.iter().find_map(|i| match i {
            Input::Text { name, .. } => name.strip_prefix("cluster:").map(str::to_string),
            _ => None,
        }),
        _ => None,
    };
    read.or_else(|| {
        bulkhead_cluster::context_name(&bulkhead_cluster::Target {
            kubeconfig: args.cluster.kubeconfig.clone(),
            context: args.cluster.context.clone(),
        })
    })
    .unwrap_or_else(|| "cluster".into())
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
