//! `bulkhead netpol`: reachability matrix, explanations, exposure and diffs of the
//! NetworkPolicy set in the inputs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;

use bulkhead_model::{discover, load_inputs, Inventory, Limits};
use bulkhead_netpol::exposure::exposures;
use bulkhead_netpol::{ConnSet, Network, Options, Protocol};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::cluster::ClusterArgs;
use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

#[derive(Args, Debug)]
pub struct NetpolArgs {
    #[command(subcommand)]
    pub command: NetpolCommand,
}

#[derive(Subcommand, Debug)]
pub enum NetpolCommand {
    /// Workload-to-workload reachability.
    Matrix(MatrixArgs),
    /// Whether one workload can reach another, by which rule, or why not
    /// (exit 0 allowed, 1 denied).
    Explain(ExplainArgs),
    /// What is reachable from outside the cluster, and through what.
    Exposure(ExposureArgs),
    /// Connections added and removed between two versions of the manifests.
    Diff(DiffArgs),
}

/// Behaviours NetworkPolicy leaves to the network plugin.
#[derive(Args, Debug, Clone)]
pub struct SemanticsArgs {
    /// Let ipBlock peers match pod IPs (from Pods' status.podIP); off by default.
    #[arg(long)]
    pub ipblock_matches_pods: bool,
    /// Subject a workload's traffic to itself to its policies (allowed by default).
    #[arg(long)]
    pub no_self_traffic: bool,
    /// Let policies isolate hostNetwork pods (by default they are not isolated).
    #[arg(long)]
    pub isolate_host_network: bool,
}

impl SemanticsArgs {
    fn options(&self) -> Options {
        Options {
            ipblock_matches_pods: self.ipblock_matches_pods,
            allow_self: !self.no_self_traffic,
            isolate_host_network: self.isolate_host_network,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    Text,
    Csv,
    Md,
    Json,
    Dot,
    /// Counts only (for very large inputs).
    Summary,
}

#[derive(Args, Debug)]
pub struct MatrixArgs {
    /// Files, directories, globs, or `-` for standard input.
    #[arg(required_unless_present_any = crate::cli::CLUSTER_FLAGS)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: MatrixFormat,
    /// Show reachability on this port only.
    #[arg(long)]
    pub port: Option<u16>,
    /// The protocol of --port.
    #[arg(long, default_value = "TCP", value_parser = parse_protocol)]
    pub protocol: Protocol,
    #[command(flatten)]
    pub semantics: SemanticsArgs,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The source workload, `namespace/name` (or `namespace/Kind/name`).
    pub src: String,
    /// The destination workload, `namespace/name[:PORT]`.
    pub dst: String,
    /// Files, directories, globs, or `-` for standard input.
    #[arg(required_unless_present_any = crate::cli::CLUSTER_FLAGS)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// The protocol of the port.
    #[arg(long, default_value = "TCP", value_parser = parse_protocol)]
    pub protocol: Protocol,
    #[command(flatten)]
    pub semantics: SemanticsArgs,
}

#[derive(Args, Debug)]
pub struct ExposureArgs {
    /// Files, directories, globs, or `-` for standard input.
    #[arg(required_unless_present_any = crate::cli::CLUSTER_FLAGS)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub semantics: SemanticsArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The old manifests (file or directory).
    pub old: String,
    /// The new manifests (file or directory).
    pub new: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub semantics: SemanticsArgs,
}

fn parse_protocol(text: &str) -> Result<Protocol, String> {
    Protocol::parse(&text.to_ascii_uppercase()).ok_or_else(|| format!("unknown protocol {text}"))
}

pub fn run(args: &NetpolArgs) -> u8 {
    let result = match &args.command {
        NetpolCommand::Matrix(a) => matrix(a),
        NetpolCommand::Explain(a) => explain(a),
        NetpolCommand::Exposure(a) => exposure(a),
        NetpolCommand::Diff(a) => diff(a),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

/// Loads the inputs (or reads the live cluster); load errors are reported on stderr and the
/// rest goes on.
fn load(paths: &[String], cluster: &ClusterArgs) -> Result<Inventory, String> {
    if let Some((inventory, errors)) = super::cluster::inventory(paths, cluster)? {
        for e in &errors {
            eprintln!("bulkhead: warning: {}: {}", e.path, e.message);
        }
        return Ok(inventory);
    }
    let discovery = discover(paths);
    let loaded = load_inputs(&discovery.inputs, &Limits::default());
    for e in discovery.errors.iter().chain(&loaded.errors) {
        eprintln!("bulkhead: warning: {}: {}", e.path, e.message);
    }
    if discovery.inputs.is_empty() {
        return Err(format!("no input found in {}", paths.join(" ")));
    }
    Ok(Inventory::new(loaded.objects))
}

fn print(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes());
    EXIT_OK
}

/// A cell's text: the connections, or `.`/`X` for one port.
fn cell(conns: &ConnSet, probe: Option<(Protocol, u16)>) -> String {
    match probe {
        Some((protocol, port)) => if conns.contains(protocol, port) {
            "."
        } else {
            "X"
        }
        .into(),
        None => conns.to_string(),
    }
}

fn matrix(args: &MatrixArgs) -> Result<u8, String> {
    let inventory = load(&args.paths, &args.cluster)?;
    let network = Network::build(&inventory, args.semantics.options());
    let probe = args.port.map(|p| (args.protocol, p));
    let n = network.workloads.len();
    let ids: Vec<String> = network.workloads.iter().map(|w| w.id()).collect();
    if args.format == MatrixFormat::Summary {
        let started = std::time::Instant::now();
        let m = network.matrix();
        let (mut all, mut none, mut partial) = (0u64, 0u64, 0u64);
        for (sc, s) in network.classes.iter().enumerate() {
            for (dc, d) in network.classes.iter().enumerate() {
                let c = m.get(sc, dc);
                let pairs = (s.workloads.len() * d.workloads.len()) as u64;
                let allowed = match probe {
                    Some((p, port)) => {
                        if c.contains(p, port) {
                            1
                        } else {
                            0
                        }
                    }
                    None if c.is_all() => 1,
                    None if c.is_empty() => 0,
                    None => 2,
                };
                match allowed {
                    1 => all += pairs,
                    0 => none += pairs,
                    _ => partial += pairs,
                }
            }
        }
        return Ok(print(&format!(
            "workloads: {n}\nnamespaces: {}\npolicies: {}\nequivalence classes: {}\npairs: {}\n  allowed: {all}\n  denied: {none}\n  partly allowed: {partial}\ndistinct connection sets: {}\nmatrix time: {:.3}s\n",
            network.namespaces.len(),
            network.policies.len(),
            network.classes.len(),
            (n as u64) * (n as u64),
            m.table.len(),
            started.elapsed().as_secs_f64()
        )));
    }
    let cells: Vec<Vec<ConnSet>> = (0..n)
        .map(|s| (0..n).map(|d| network.connections(s, d)).collect())
        .collect();
    let mut out = String::new();
    match args.format {
        MatrixFormat::Text => {
            let width = ids.iter().map(String::len).max().unwrap_or(0);
            let _ = writeln!(
                out,
                "{}",
                match probe {
                    Some((p, port)) =>
                        format!("reachability on {} {port} (. allowed, X denied)", p.name()),
                    None => "reachability (. all ports, X none, ~ some: listed below)".into(),
                }
            );
            let _ = writeln!(
                out,
                "{:width$}  {}",
                "",
                (0..n).map(|j| format!("{:>3}", j + 1)).collect::<String>()
            );
            let mut partial = Vec::new();
            for (i, row) in cells.iter().enumerate() {
                let marks: String = row
                    .iter()
                    .enumerate()
                    .map(|(j, c)| {
                        let m = match probe {
                            Some(_) => cell(c, probe),
                            None if c.is_all() => ".".into(),
                            None if c.is_empty() => "X".into(),
                            None => {
                                partial.push(format!("{} -> {}: {c}", ids[i], ids[j]));
                                "~".into()
                            }
                        };
                        format!("{m:>3}")
                    })
                    .collect();
                let _ = writeln!(out, "{:>width$}  {marks}  {:>3}", ids[i], i + 1);
            }
            for p in partial {
                let _ = writeln!(out, "{p}");
            }
        }
        MatrixFormat::Csv => {
            let _ = writeln!(out, "source,destination,allowed");
            for (i, row) in cells.iter().enumerate() {
                for (j, c) in row.iter().enumerate() {
                    let _ = writeln!(out, "{},{},\"{}\"", ids[i], ids[j], cell(c, probe));
                }
            }
        }
        MatrixFormat::Md => {
            let _ = writeln!(out, "| from \\ to | {} |", ids.join(" | "));
            let _ = writeln!(out, "|---|{}", "---|".repeat(n));
            for (i, row) in cells.iter().enumerate() {
                let r: Vec<String> = row.iter().map(|c| cell(c, probe)).collect();
                let _ = writeln!(out, "| {} | {} |", ids[i], r.join(" | "));
            }
        }
        MatrixFormat::Json => {
            let workloads: Vec<_> = network
                .workloads
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let names = |d| {
                        network
                            .isolated_by(i, d)
                            .iter()
                            .map(|&p| network.policies[p].id())
                            .collect::<Vec<_>>()
                    };
                    json!({
                        "id": w.id(), "kind": w.kind, "namespace": w.namespace, "name": w.name,
                        "ingressIsolatedBy": names(bulkhead_netpol::Direction::Ingress),
                        "egressIsolatedBy": names(bulkhead_netpol::Direction::Egress),
                    })
                })
                .collect();
            let mut connections = Vec::new();
            for (i, row) in cells.iter().enumerate() {
                for (j, c) in row.iter().enumerate() {
                    let allowed = match probe {
                        Some((p, port)) => json!(c.contains(p, port)),
                        None => json!(c.to_string()),
                    };
                    connections
                        .push(json!({"source": ids[i], "destination": ids[j], "allowed": allowed}));
                }
            }
            let doc = json!({
                "port": probe.map(|(p, port)| json!({"protocol": p.name(), "port": port})),
                "workloads": workloads,
                "connections": connections,
            });
            out = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
        }
        MatrixFormat::Dot => {
            let _ = writeln!(out, "digraph reachability {{\n  rankdir=LR;");
            for id in &ids {
                let _ = writeln!(out, "  \"{id}\";");
            }
            for (i, row) in cells.iter().enumerate() {
                for (j, c) in row.iter().enumerate() {
                    if i == j || c.is_empty() {
                        continue;
                    }
                    if let Some((p, port)) = probe {
                        if !c.contains(p, port) {
                            continue;
                        }
                    }
                    let _ = writeln!(out, "  \"{}\" -> \"{}\" [label=\"{c}\"];", ids[i], ids[j]);
                }
            }
            out.push_str("}\n");
        }
        MatrixFormat::Summary => unreachable!("handled above"),
    }
    Ok(print(&out))
}

fn find(network: &Network<'_>, reference: &str) -> Result<usize, String> {
    network.find_workload(reference).ok_or_else(|| {
        format!("no workload {reference} in the inputs (name workloads as namespace/name)")
    })
}

fn explain(args: &ExplainArgs) -> Result<u8, String> {
    let inventory = load(&args.paths, &args.cluster)?;
    let network = Network::build(&inventory, args.semantics.options());
    let (dst, port) = match args.dst.rsplit_once(':') {
        Some((d, p)) => (
            d,
            Some(
                p.parse::<u16>()
                    .map_err(|_| format!("bad port {p:?} in {}", args.dst))?,
            ),
        ),
        None => (args.dst.as_str(), None),
    };
    let s = find(&network, &args.src)?;
    let d = find(&network, dst)?;
    let (allowed, text) = network.explain(s, d, port.map(|p| (args.protocol, p)));
    print(&text);
    Ok(if allowed { EXIT_OK } else { EXIT_FINDINGS })
}

fn exposure(args: &ExposureArgs) -> Result<u8, String> {
    let inventory = load(&args.paths, &args.cluster)?;
    let network = Network::build(&inventory, args.semantics.options());
    let list = exposures(&network, inventory.objects());
    let out = match args.format {
        ListFormat::Json => {
            serde_json::to_string_pretty(&json!({ "exposures": list }))
                .map_err(|e| e.to_string())?
                + "\n"
        }
        ListFormat::Text => {
            let mut out = String::new();
            if list.is_empty() {
                out.push_str("nothing is exposed outside the cluster\n");
            }
            for e in &list {
                let _ = writeln!(
                    out,
                    "{}  {} -> {}  ports: {}  allowed by policy: {}",
                    if e.reachable { "EXPOSED " } else { "blocked " },
                    e.through,
                    e.workload,
                    e.ports,
                    e.allowed
                );
            }
            out
        }
    };
    Ok(print(&out))
}

fn all_pairs(network: &Network<'_>) -> BTreeMap<(String, String), ConnSet> {
    let n = network.workloads.len();
    let mut out = BTreeMap::new();
    for s in 0..n {
        for d in 0..n {
            out.insert(
                (network.workloads[s].id(), network.workloads[d].id()),
                network.connections(s, d),
            );
        }
    }
    out
}

fn diff(args: &DiffArgs) -> Result<u8, String> {
    let old_inventory = load(std::slice::from_ref(&args.old), &ClusterArgs::default())?;
    let new_inventory = load(std::slice::from_ref(&args.new), &ClusterArgs::default())?;
    let options = args.semantics.options();
    let old = Network::build(&old_inventory, options.clone());
    let new = Network::build(&new_inventory, options);
    let old_ids: BTreeSet<String> = old.workloads.iter().map(|w| w.id()).collect();
    let new_ids: BTreeSet<String> = new.workloads.iter().map(|w| w.id()).collect();
    let old_pairs = all_pairs(&old);
    let new_pairs = all_pairs(&new);
    let mut changes = Vec::new();
    for (pair, after) in &new_pairs {
        let Some(before) = old_pairs.get(pair) else {
            continue;
        };
        let added = after.minus(before);
        let removed = before.minus(after);
        if !added.is_empty() || !removed.is_empty() {
            changes.push((pair.clone(), added, removed));
        }
    }
    let added_workloads: Vec<&String> = new_ids.difference(&old_ids).collect();
    let removed_workloads: Vec<&String> = old_ids.difference(&new_ids).collect();
    let out = match args.format {
        ListFormat::Json => {
            let list: Vec<_> = changes
                .iter()
                .map(|((s, d), a, r)| {
                    json!({"source": s, "destination": d,
                        "added": (!a.is_empty()).then(|| a.to_string()),
                        "removed": (!r.is_empty()).then(|| r.to_string())})
                })
                .collect();
            serde_json::to_string_pretty(&json!({
                "addedWorkloads": added_workloads,
                "removedWorkloads": removed_workloads,
                "changes": list,
            }))
            .map_err(|e| e.to_string())?
                + "\n"
        }
        ListFormat::Text => {
            let mut out = String::new();
            for w in &added_workloads {
                let _ = writeln!(out, "new workload {w}");
            }
            for w in &removed_workloads {
                let _ = writeln!(out, "removed workload {w}");
            }
            for ((s, d), a, r) in &changes {
                if !a.is_empty() {
                    let _ = writeln!(out, "+ {s} -> {d}: {a}");
                }
                if !r.is_empty() {
                    let _ = writeln!(out, "- {s} -> {d}: {r}");
                }
            }
            if out.is_empty() {
                out.push_str("no change in reachability\n");
            }
            out
        }
    };
    Ok(print(&out))
}
