//! `bulkhead init`: adopt Bulkhead in an existing repository. Writes a commented
//! `.bulkhead.yaml` and, with `--baseline`, a baseline of today's findings, so that CI fails
//! only on new problems from the first day.

use std::path::{Path, PathBuf};

use bulkhead_checks::Severity;
use bulkhead_engine::template::Template;
use bulkhead_engine::{baseline, settings, ConfigChoice, Flags, Request, Sources};
use clap::Args;

use super::{EXIT_ERROR, EXIT_OK};

/// The baseline's file name, beside the configuration.
const BASELINE_FILE: &str = ".bulkhead-baseline.json";

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The repository's directory.
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,

    /// Also record today's findings in `.bulkhead-baseline.json` (named in the configuration),
    /// so that only new findings fail from now on.
    #[arg(long)]
    pub baseline: bool,

    /// The severity at which a finding fails the scan.
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub fail_on: String,

    /// Overwrite an existing configuration.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &InitArgs) -> u8 {
    match init(args) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn init(args: &InitArgs) -> Result<(), String> {
    if !args.dir.is_dir() {
        return Err(format!("{}: not a directory", args.dir.display()));
    }
    let fail_on: Severity = args.fail_on.parse()?;
    let config = args.dir.join(".bulkhead.yaml");
    if config.exists() && !args.force {
        return Err(format!(
            "{} exists; --force overwrites it",
            config.display()
        ));
    }
    let template = Template {
        fail_on,
        baseline: args.baseline.then(|| BASELINE_FILE.to_string()),
    };
    write(&config, &template.render())?;
    println!("wrote {}", config.display());
    if args.baseline {
        let count = take_baseline(&args.dir, &config)?;
        println!(
            "wrote {} with {count} findings: they are counted, never failed",
            args.dir.join(BASELINE_FILE).display()
        );
    }
    println!(
        "`bulkhead scan {}` now uses it{}",
        args.dir.display(),
        if args.baseline {
            " and fails only on new findings"
        } else {
            ""
        }
    );
    Ok(())
}

/// Scans the repository with the new configuration (its exclusions and selection apply)
/// and writes every finding's fingerprint.
fn take_baseline(dir: &Path, config: &Path) -> Result<usize, String> {
    let settings = settings::resolve(
        &Flags::default(),
        &ConfigChoice::File(config.to_path_buf()),
        &[],
    )?;
    let outcome = bulkhead_engine::run(Request::new(
        Sources::Paths(vec![dir.display().to_string()]),
        &settings,
    ))?;
    baseline::write(&dir.join(BASELINE_FILE), &outcome.findings)?;
    Ok(outcome
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .count())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
