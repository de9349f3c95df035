//! `bulkhead fix`: the fixes of the findings in some files, written in place or shown as a
//! unified diff.

use std::io::Write;

use bulkhead_engine::{settings, ConfigChoice, Flags};
use bulkhead_fix::{Defaults, Options};
use clap::Args;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

#[derive(Args, Debug)]
pub struct FixArgs {
    /// Files, directories or globs to fix (kustomizations and charts as their files).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Print a unified diff of the fixes instead of writing them (exit 1 when there are some).
    #[arg(long)]
    pub diff: bool,

    /// Fix only these checks: ids, id prefixes, slugs or families (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub select: Vec<String>,

    /// Do not fix these checks.
    #[arg(long, value_delimiter = ',', value_name = "CHECKS")]
    pub ignore: Vec<String>,

    /// Also apply the unsafe fixes (readOnlyRootFilesystem, drop ALL, runAsNonRoot, …): they
    /// may stop a workload from working, so review them.
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,

    /// The request written for a container without one: `cpu=100m` (repeat per resource).
    #[arg(long = "default-request", value_name = "RESOURCE=AMOUNT")]
    pub default_requests: Vec<String>,

    /// The limit written for a container without one: `memory=256Mi` (repeat per resource).
    #[arg(long = "default-limit", value_name = "RESOURCE=AMOUNT")]
    pub default_limits: Vec<String>,

    /// Configuration file [default: the nearest .bulkhead.yaml at or above the first path].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<std::path::PathBuf>,

    /// Do not read any .bulkhead.yaml.
    #[arg(long)]
    pub no_config: bool,
}

pub fn run(args: &FixArgs) -> u8 {
    match fix(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn amounts(flag: &str, values: &[String]) -> Result<Vec<(String, String)>, String> {
    values
        .iter()
        .map(|v| match v.split_once('=') {
            Some((k, a)) if !k.is_empty() && !a.is_empty() => Ok((k.to_string(), a.to_string())),
            _ => Err(format!(
                "{flag} {v:?}: expected RESOURCE=AMOUNT, e.g. memory=256Mi"
            )),
        })
        .collect()
}

fn fix(args: &FixArgs) -> Result<u8, String> {
    let flags = Flags {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        ..Flags::default()
    };
    let choice = match (&args.config, args.no_config) {
        (Some(path), _) => ConfigChoice::File(path.clone()),
        (None, true) => ConfigChoice::Ignore,
        (None, false) => ConfigChoice::Nearest,
    };
    let settings = settings::resolve(&flags, &choice, &args.paths)?;
    let options = Options {
        unsafe_fixes: args.unsafe_fixes,
        defaults: Defaults {
            requests: amounts("--default-request", &args.default_requests)?,
            limits: amounts("--default-limit", &args.default_limits)?,
        },
        only_line: None,
    };
    let outcome = bulkhead_fix::plan(&args.paths, &settings, &options)?;
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let report = |e: std::io::Error| format!("cannot write: {e}");
    if args.diff {
        for file in &outcome.files {
            write!(stdout, "{}", bulkhead_fix::diff(file)).map_err(report)?;
        }
    } else {
        bulkhead_fix::write(&outcome.files)?;
    }
    // What was done goes beside the diff, so the diff stays a clean patch.
    let mut log: Box<dyn Write> = if args.diff {
        Box::new(&mut stderr)
    } else {
        Box::new(&mut stdout)
    };
    let verb = if args.diff { "would fix" } else { "fixed" };
    for file in &outcome.files {
        for a in &file.applied {
            writeln!(
                log,
                "{}:{}:{}: {verb} {} ({}{})",
                file.path,
                a.line,
                a.column,
                a.check,
                a.title,
                if a.safety == bulkhead_fix::Safety::Unsafe {
                    ", unsafe"
                } else {
                    ""
                }
            )
            .map_err(report)?;
        }
    }
    for n in &outcome.not_fixed {
        writeln!(
            log,
            "{}:{}:{}: {} not fixed: {}",
            n.path, n.line, n.column, n.check, n.reason
        )
        .map_err(report)?;
    }
    for e in &outcome.errors {
        let at = match (e.line, e.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            _ => String::new(),
        };
        let level = match e.severity {
            bulkhead_model::ErrorSeverity::Error => "error",
            bulkhead_model::ErrorSeverity::Warning => "warning",
        };
        writeln!(log, "{}{at}: {level}: {}", e.path, e.message).map_err(report)?;
    }
    let fixed: usize = outcome.files.iter().map(|f| f.applied.len()).sum();
    writeln!(
        log,
        "{} {fixed} finding{} in {} file{}; {} not fixed.",
        if args.diff { "Would fix" } else { "Fixed" },
        if fixed == 1 { "" } else { "s" },
        outcome.files.len(),
        if outcome.files.len() == 1 { "" } else { "s" },
        outcome.not_fixed.len()
    )
    .map_err(report)?;
    let failed = outcome
        .errors
        .iter()
        .any(|e| e.severity == bulkhead_model::ErrorSeverity::Error);
    Ok(if failed {
        EXIT_ERROR
    } else if args.diff && fixed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
