//! `bulkhead node`: read a node (or a copy of one under `--root`) into objects, run the node
//! families' checks over them, and report like `scan` does.

use std::path::Path;
use std::time::Instant;

use bulkhead_engine::{settings, Request, Sources};
use bulkhead_model::Loaded;
use bulkhead_node::{collect, CollectOptions, Collected};
use bulkhead_report::NodeContext;

use super::{report, EXIT_ERROR};
use crate::cli::NodeArgs;

pub fn run(args: &NodeArgs) -> u8 {
    match node(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn node(args: &NodeArgs) -> Result<u8, String> {
    let started = Instant::now();
    let formats = report::formats(&args.report)?;
    let settings = settings::resolve_node(&report::flags(&args.report))?;
    if !args.root.is_dir() {
        return Err(format!(
            "--root {}: not a directory that can be read",
            args.root.display()
        ));
    }
    let on_this_node = is_filesystem_root(&args.root);

    let Collected {
        objects,
        errors,
        stats,
        found,
    } = collect(&CollectOptions {
        root: args.root.clone(),
        // Running a program to ask its version only makes sense for this node's own
        // programs: under `--root` they may be another machine's, or another architecture's.
        probe_versions: on_this_node && !args.no_version_probe,
    });
    let sources = Sources::Loaded(Loaded {
        objects,
        errors,
        stats,
    });
    let mut outcome = bulkhead_engine::run(Request::new(sources, &settings))?;
    // The node's reading is part of the audit's time.
    outcome.elapsed = started.elapsed();

    let mut notes = Vec::new();
    if on_this_node && !is_root_user() {
        notes.push(
            "not running as root: files only root can read (private keys, kubeconfigs, \
             the kubelet's configuration) may be unreadable; what they decide shows as not \
             evaluated, never as passed"
                .to_string(),
        );
    }
    let context = NodeContext {
        root: args.root.display().to_string(),
        found,
        notes,
    };
    let result = report::result(&outcome, &settings, false, Some(&context));
    report::write(&result, &formats, &args.report)?;
    Ok(report::exit_code(&result, args.report.exit_zero))
}

/// Whether `root` is this machine's `/` (also when written `//` or `/etc/..`).
fn is_filesystem_root(root: &Path) -> bool {
    root.canonicalize().is_ok_and(|p| p == Path::new("/"))
}

/// Whether this process runs as root: `/proc/self` belongs to the process's effective user.
/// Without `/proc` (not Linux), it says yes, so that no note is made up.
#[cfg(unix)]
fn is_root_user() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map_or(true, |m| m.uid() == 0)
}

#[cfg(not(unix))]
fn is_root_user() -> bool {
    true
}
