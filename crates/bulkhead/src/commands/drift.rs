//! `bulkhead drift`: the desired state (manifests) against what runs (live snapshots, or any
//! second set of objects). The comparison is `bulkhead_drift::compare`; this module reads
//! both sides and writes the report.

use bulkhead_drift::{compare, render, Options};
use bulkhead_model::{discover, load_inputs, load_text, ErrorSeverity, Limits, LoadError, Object};
use clap::{Args, ValueEnum};

use super::cluster::ClusterArgs;
use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  bulkhead drift deploy/ --cluster                   manifests against the live cluster
  bulkhead drift deploy/ --against cluster.yaml      manifests against a snapshot
  bulkhead drift git.yaml live.yaml                  two files: desired, then live
  kubectl get deploy,svc,role,rolebinding,netpol -A -o yaml | bulkhead drift deploy/ --against -")]
pub struct DriftArgs {
    /// The desired state: files, directories, globs, or `-`. Without --against, exactly two
    /// paths: the desired side, then the live side.
    #[arg(required = true, value_name = "DESIRED")]
    pub desired: Vec<String>,

    /// The live state: snapshots (`kubectl get -o yaml` output, one object per document or a
    /// List), files, directories, globs, or `-`. Takes every path after it.
    #[arg(long, value_name = "LIVE", num_args = 1.., conflicts_with_all = ["cluster", "context", "kubeconfig"])]
    pub against: Vec<String>,

    /// The namespace manifests without one were applied to (as `kubectl apply -n`).
    #[arg(long, short = 'n', value_name = "NAMESPACE", default_value = "default")]
    pub namespace: String,

    /// Leave this namespace out on both sides (repeatable): `kube-system`, say, whose objects
    /// the cluster's installer manages.
    #[arg(long = "exclude-namespace", value_name = "NAMESPACE")]
    pub exclude_namespaces: Vec<String>,

    /// Also list unmanaged objects and unapplied manifests of kinds that are not
    /// security-relevant (ConfigMaps, ...); they never make the exit status 1.
    #[arg(long)]
    pub all_kinds: bool,

    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DriftFormat,

    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// Exit with 0 even when security-relevant drift is found (input errors still give 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// The live side is the cluster (`--cluster`, `--context`, `--kubeconfig`): every path
    /// is then desired.
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DriftFormat {
    Text,
    /// The contract in docs/drift.md.
    Json,
}

/// Where the live side comes from. A live cluster becomes one more variant, read into a
/// snapshot and loaded like a file.
enum LiveSide<'a> {
    Paths(&'a [String]),
    /// The cluster the connection flags name, read into a snapshot.
    Cluster,
}

pub fn run(args: &DriftArgs) -> u8 {
    match drift(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

/// Which paths are desired and where the live side comes from.
fn sides(args: &DriftArgs) -> Result<(&[String], LiveSide<'_>), String> {
    if args.cluster.wanted() {
        return Ok((args.desired.as_slice(), LiveSide::Cluster));
    }
    let (desired, live) = if args.against.is_empty() {
        match args.desired.as_slice() {
            [desired, live] => (std::slice::from_ref(desired), std::slice::from_ref(live)),
            _ => {
                return Err(
                    "give the live side with --against, or exactly two paths: DESIRED LIVE".into(),
                )
            }
        }
    } else {
        (args.desired.as_slice(), args.against.as_slice())
    };
    if desired.iter().chain(live).filter(|p| *p == "-").count() > 1 {
        return Err("standard input (`-`) can be only one side".into());
    }
    Ok((desired, LiveSide::Paths(live)))
}

fn drift(args: &DriftArgs) -> Result<u8, String> {
    let (desired_paths, live) = sides(args)?;
    let mut failed = false;
    let desired = load("desired", desired_paths, &mut failed)?;
    let live = match live {
        LiveSide::Paths(paths) => load("live", paths, &mut failed)?,
        LiveSide::Cluster => {
            let snapshot = super::cluster::read(&args.cluster, &[])?;
            let loaded = load_text(&snapshot.name, &snapshot.text, &Limits::default());
            report_errors("live", &loaded.errors, &mut failed);
            loaded.objects
        }
    };
    let report = compare(
        &desired,
        &live,
        &Options {
            default_namespace: args.namespace.clone(),
            all_kinds: args.all_kinds,
            excluded_namespaces: args.exclude_namespaces.clone(),
        },
    );
    let text = match args.format {
        DriftFormat::Text => render::text(&report),
        DriftFormat::Json => render::json(&report),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => {
            use std::io::Write as _;
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    Ok(if failed {
        EXIT_ERROR
    } else if report.summary.security_drift && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// Loads one side. Unreadable inputs are reported on stderr and set `failed`: a side read
/// only in part would show its missing objects as drift.
fn load(side: &str, paths: &[String], failed: &mut bool) -> Result<Vec<Object>, String> {
    let discovery = discover(paths);
    if discovery.inputs.is_empty() && discovery.errors.is_empty() {
        return Err(format!(
            "no input found for the {side} side in {}",
            paths.join(" ")
        ));
    }
    let loaded = load_inputs(&discovery.inputs, &Limits::default());
    let errors: Vec<LoadError> = discovery.errors.into_iter().chain(loaded.errors).collect();
    report_errors(side, &errors, failed);
    Ok(loaded.objects)
}

/// Input problems on stderr; an error (not a warning) marks the side as read only in part.
fn report_errors(side: &str, errors: &[LoadError], failed: &mut bool) {
    for e in errors {
        let place = match (e.line, e.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", e.path),
            _ => e.path.clone(),
        };
        let level = match e.severity {
            ErrorSeverity::Error => {
                *failed = true;
                "error"
            }
            ErrorSeverity::Warning => "warning",
        };
        eprintln!("bulkhead: {level}: {side} side: {place}: {}", e.message);
    }
}
