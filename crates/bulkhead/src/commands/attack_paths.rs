//! `bulkhead attack-paths`: the shortest chains from the internet (or a workload, an
//! identity, a node) to cluster-admin, the nodes and the cloud metadata endpoint, each step
//! with its evidence, and the single changes that cut them.

use std::io::{self, Write};

use bulkhead_checks::rules::attack_paths::facts;
use bulkhead_checks::{Context, Options};
use bulkhead_paths::{render, AttackGraph, Start, Target};
use clap::{Args, ValueEnum};

use super::cluster::ClusterArgs;
use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PathsFormat {
    Text,
    Json,
    Dot,
}

#[derive(Args, Debug)]
pub struct AttackPathsArgs {
    /// Files, directories, globs, or `-` for standard input (manifests or snapshots).
    #[arg(required_unless_present_any = crate::cli::CLUSTER_FLAGS, value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Where the attacker starts: internet, pod:NS/NAME, sa:NS:NAME, user:NAME, group:NAME,
    /// node, node:NAME (a node the inputs describe).
    #[arg(long, default_value = "internet")]
    pub from: String,
    /// What the attacker wants (repeatable): cluster-admin, node, cloud-metadata,
    /// secret:NS/NAME, namespace:NS [default: cluster-admin, node, cloud-metadata].
    #[arg(long = "to", value_name = "TARGET")]
    pub to: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: PathsFormat,
}

pub fn run(args: &AttackPathsArgs) -> u8 {
    match attack_paths(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn attack_paths(args: &AttackPathsArgs) -> Result<u8, String> {
    let start = Start::parse(&args.from)?;
    let targets = if args.to.is_empty() {
        Target::defaults()
    } else {
        args.to
            .iter()
            .map(|t| Target::parse(t))
            .collect::<Result<Vec<_>, _>>()?
    };
    let inventory = super::rbac::load(&args.paths, &args.cluster)?;
    let options = Options::default();
    let cx = Context::new(&inventory, &options);
    let facts = facts(&cx);
    let mut graph = AttackGraph::build(&inventory, cx.rbac(), cx.network(), &facts);
    for target in &targets {
        if let Target::Secret { namespace, name } = target {
            graph.add_secret(&inventory, cx.rbac(), namespace, name);
        }
    }
    let found = graph.search(&start, &targets)?;
    let text = match args.format {
        PathsFormat::Text => render::text(&found),
        PathsFormat::Dot => render::dot(&found),
        PathsFormat::Json => {
            let mut value = serde_json::to_value(&found).map_err(|e| e.to_string())?;
            if let Some(map) = value.as_object_mut() {
                map.insert("schemaVersion".into(), 1.into());
            }
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    // A closed pipe is not an error worth reporting.
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    Ok(if found.paths.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}
