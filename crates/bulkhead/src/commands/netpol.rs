//! `bulkhead netpol`: reachability matrix, explanations, exposure and diffs of the
//! NetworkPolicy set in the inputs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;

use bulkhead_model::{discover, load_inputs, Inventory, Limits};
use bulkhead_netpol::exposure::{exposures, public_egress};
use bulkhead_netpol::{Cidr, ConnSet, Direction, Network, Options, Protocol, Uncertainty};
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
    /// (exit 0 allowed or possibly allowed, 1 denied).
    Explain(ExplainArgs),
    /// What is reachable from outside the cluster, and through what; what each workload may
    /// send to public addresses.
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
    /// The source: a workload, `namespace/name` (or `namespace/Kind/name`), or an address or
    /// CIDR outside the cluster (`203.0.113.7`, `10.0.0.0/8`).
    pub src: String,
    /// The destination, `namespace/name[:PORT]`, `ADDRESS[:PORT]` or `CIDR[:PORT]`
    /// (`[IPv6]:PORT` with a port).
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
    let mut loaded = load_inputs(&discovery.inputs, &Limits::default());
    // Each path is one `kubectl apply`: repeated objects are resolved within it.
    bulkhead_model::identity::assign_roots(&mut loaded.objects, paths);
    for e in discovery.errors.iter().chain(&loaded.errors) {
        eprintln!("bulkhead: warning: {}: {}", e.path, e.message);
    }
    if discovery.inputs.is_empty() {
        return Err(format!("no input found in {}", paths.join(" ")));
    }
    let inventory = Inventory::new(loaded.objects);
    for e in inventory.duplicate_warnings() {
        eprintln!(
            "bulkhead: warning: {}:{}: {}",
            e.path,
            e.line.unwrap_or(1),
            e.message
        );
    }
    Ok(inventory)
}

/// Builds the network and says on stderr what parts of the policies it could not model
/// (invalid peers, Cilium fields outside L3/L4), so that nothing is left out silently.
fn build<'a>(inventory: &'a Inventory, semantics: &SemanticsArgs) -> Network<'a> {
    let network = Network::build(inventory, semantics.options());
    for policy in &network.policies {
        let mut problems = policy.problems.clone();
        problems.sort();
        problems.dedup();
        for problem in problems {
            let name = if policy.namespace.is_empty() {
                policy.name.clone()
            } else {
                format!("{}/{}", policy.namespace, policy.name)
            };
            eprintln!(
                "bulkhead: note: {}: {} {name} {}: {problem}",
                policy.object.origin.file.path, policy.object.kind, policy.spec_path
            );
        }
    }
    network
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

/// A cell's text with what else may be allowed depending on unknown namespace labels.
fn cell_with(
    conns: &ConnSet,
    unsure: Option<&Uncertainty>,
    probe: Option<(Protocol, u16)>,
) -> String {
    match unsure {
        Some(u) if !same_cell(conns, &u.possible, probe) => format!(
            "{}; possibly {} ({})",
            cell(conns, probe),
            cell(&u.possible, probe),
            depends(u)
        ),
        _ => cell(conns, probe),
    }
}

/// Whether two connection sets look the same in a cell.
fn same_cell(a: &ConnSet, b: &ConnSet, probe: Option<(Protocol, u16)>) -> bool {
    match probe {
        Some((p, port)) => a.contains(p, port) == b.contains(p, port),
        None => a == b,
    }
}

fn depends(u: &Uncertainty) -> String {
    format!(
        "depends on the labels of namespace {}",
        u.namespaces.join(", ")
    )
}

fn matrix(args: &MatrixArgs) -> Result<u8, String> {
    let inventory = load(&args.paths, &args.cluster)?;
    let network = build(&inventory, &args.semantics);
    let probe = args.port.map(|p| (args.protocol, p));
    let n = network.workloads.len();
    let ids: Vec<String> = network.workloads.iter().map(|w| w.id()).collect();
    if args.format == MatrixFormat::Summary {
        let started = std::time::Instant::now();
        let m = network.matrix();
        let (mut all, mut none, mut partial, mut unsure) = (0u64, 0u64, 0u64, 0u64);
        for (sc, s) in network.classes.iter().enumerate() {
            for (dc, d) in network.classes.iter().enumerate() {
                let c = m.get(sc, dc);
                let pairs = (s.workloads.len() * d.workloads.len()) as u64;
                if let Some(u) = network.class_uncertainty(sc, dc) {
                    let selves = if sc == dc && network.options.allow_self {
                        s.workloads.len() as u64
                    } else {
                        0
                    };
                    if !same_cell(c, &u.possible, probe) {
                        unsure += pairs - selves;
                    }
                }
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
        let grouping = grouping_summary(&network);
        return Ok(print(&(format!(
            "workloads: {n}\nnamespaces: {}\npolicies: {}\nequivalence classes: {}\npairs: {}\n  allowed: {all}\n  denied: {none}\n  partly allowed: {partial}\n  depending on unknown namespace labels: {unsure}\ndistinct connection sets: {}\nexternal address ranges: {}\nmatrix time: {:.3}s\n",
            network.namespaces.len(),
            network.policies.len(),
            network.classes.len(),
            (n as u64) * (n as u64),
            m.table.len(),
            network.externals.len(),
            started.elapsed().as_secs_f64()
        ) + &grouping)));
    }
    // Workloads first, then the external address ranges; nothing is said between two
    // external ranges (`None`).
    let total = n + network.externals.len();
    let mut ids = ids;
    ids.extend(network.externals.iter().map(|e| e.id()));
    let cells: Vec<Vec<Option<ConnSet>>> = (0..total)
        .map(|s| {
            (0..total)
                .map(|d| match (s < n, d < n) {
                    (true, true) => Some(network.connections(s, d)),
                    (true, false) => Some(network.to_external(s, d - n)),
                    (false, true) => Some(network.from_external(s - n, d)),
                    (false, false) => None,
                })
                .collect()
        })
        .collect();
    // What else may be allowed depending on labels of namespaces the inputs do not define.
    let unsure: Vec<Vec<Option<Uncertainty>>> = (0..total)
        .map(|s| {
            (0..total)
                .map(|d| {
                    (s < n && d < n)
                        .then(|| network.uncertainty(s, d))
                        .flatten()
                })
                .collect()
        })
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
                    None => "reachability (. all ports, X none, ~ some, ? depends on unknown namespace labels: listed below)".into(),
                }
            );
            let _ = writeln!(
                out,
                "{:width$}  {}",
                "",
                (0..total)
                    .map(|j| format!("{:>3}", j + 1))
                    .collect::<String>()
            );
            let mut partial = Vec::new();
            for (i, row) in cells.iter().enumerate() {
                let marks: String = row
                    .iter()
                    .enumerate()
                    .map(|(j, c)| {
                        let Some(c) = c else {
                            return format!("{:>3}", "-");
                        };
                        if let Some(u) = unsure[i][j]
                            .as_ref()
                            .filter(|u| !same_cell(c, &u.possible, probe))
                        {
                            partial.push(format!(
                                "{} -> {}: {}",
                                ids[i],
                                ids[j],
                                cell_with(c, Some(u), probe)
                            ));
                            return format!("{:>3}", "?");
                        }
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
                    let Some(c) = c else { continue };
                    let text = cell_with(c, unsure[i][j].as_ref(), probe);
                    let _ = writeln!(out, "{},{},\"{text}\"", ids[i], ids[j]);
                }
            }
        }
        MatrixFormat::Md => {
            let _ = writeln!(out, "| from \\ to | {} |", ids.join(" | "));
            let _ = writeln!(out, "|---|{}", "---|".repeat(total));
            for (i, row) in cells.iter().enumerate() {
                let r: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(j, c)| match c {
                        Some(c) => cell_with(c, unsure[i][j].as_ref(), probe),
                        None => "-".into(),
                    })
                    .collect();
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
                    let Some(c) = c else { continue };
                    let allowed = match probe {
                        Some((p, port)) => json!(c.contains(p, port)),
                        None => json!(c.to_string()),
                    };
                    let mut entry =
                        json!({"source": ids[i], "destination": ids[j], "allowed": allowed});
                    if let Some(u) = unsure[i][j]
                        .as_ref()
                        .filter(|u| !same_cell(c, &u.possible, probe))
                    {
                        entry["possiblyAllowed"] = match probe {
                            Some((p, port)) => json!(u.possible.contains(p, port)),
                            None => json!(u.possible.to_string()),
                        };
                        entry["dependsOnNamespaces"] = json!(u.namespaces);
                    }
                    connections.push(entry);
                }
            }
            let doc = json!({
                "port": probe.map(|(p, port)| json!({"protocol": p.name(), "port": port})),
                "workloads": workloads,
                "externals": network.externals.iter().map(|e| json!({
                    "id": e.id(), "public": e.is_public(),
                })).collect::<Vec<_>>(),
                "connections": connections,
            });
            out = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
        }
        MatrixFormat::Dot => {
            let _ = writeln!(out, "digraph reachability {{\n  rankdir=LR;");
            for (i, id) in ids.iter().enumerate() {
                let shape = if i < n { "" } else { " [shape=box]" };
                let _ = writeln!(out, "  \"{id}\"{shape};");
            }
            for (i, row) in cells.iter().enumerate() {
                for (j, c) in row.iter().enumerate() {
                    let Some(c) = c.as_ref().filter(|_| i != j) else {
                        continue;
                    };
                    if let Some(u) = unsure[i][j]
                        .as_ref()
                        .filter(|u| !same_cell(c, &u.possible, probe))
                    {
                        let _ = writeln!(
                            out,
                            "  \"{}\" -> \"{}\" [label=\"{}\", style=dashed];",
                            ids[i],
                            ids[j],
                            cell_with(c, Some(u), probe)
                        );
                        continue;
                    }
                    if c.is_empty() {
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

/// How many lines of a summary list are printed before "and N more".
const SUMMARY_LIST: usize = 20;

/// How Pods whose controller is absent from the inputs were counted: grouped under that
/// owner's name, or standing for themselves (with why).
fn grouping_summary(network: &Network<'_>) -> String {
    let grouped: Vec<_> = network
        .workloads
        .iter()
        .filter(|w| !w.pods.is_empty())
        .collect();
    let alone: Vec<_> = network
        .workloads
        .iter()
        .filter(|w| w.pods.is_empty() && w.grouping.is_some())
        .collect();
    if grouped.is_empty() && alone.is_empty() {
        return String::new();
    }
    let pods: usize = grouped.iter().map(|w| w.pods.len()).sum();
    let mut out = format!(
        "pods grouped under an absent owner: {pods} pods in {} workloads\n",
        grouped.len()
    );
    for w in grouped.iter().take(SUMMARY_LIST) {
        let _ = writeln!(
            out,
            "  {}: {} ({} pod{})",
            w.id(),
            w.grouping.as_deref().unwrap_or_default(),
            w.pods.len(),
            if w.pods.len() == 1 { "" } else { "s" }
        );
    }
    if grouped.len() > SUMMARY_LIST {
        let _ = writeln!(out, "  ... and {} more", grouped.len() - SUMMARY_LIST);
    }
    let _ = writeln!(
        out,
        "pods standing for themselves instead of an absent owner: {}",
        alone.len()
    );
    for w in alone.iter().take(SUMMARY_LIST) {
        let _ = writeln!(
            out,
            "  {}: {}",
            w.id(),
            w.grouping.as_deref().unwrap_or_default()
        );
    }
    if alone.len() > SUMMARY_LIST {
        let _ = writeln!(out, "  ... and {} more", alone.len() - SUMMARY_LIST);
    }
    out
}

fn find(network: &Network<'_>, reference: &str) -> Result<usize, String> {
    network.find_workload(reference).ok_or_else(|| {
        format!("no workload {reference} in the inputs (name workloads as namespace/name)")
    })
}

/// One end of a connection to explain: a workload, or addresses outside the cluster.
enum End {
    Workload(usize),
    /// An address or block as written, and the external ranges it touches.
    Addresses(String, Vec<usize>),
}

fn end(network: &Network<'_>, reference: &str) -> Result<End, String> {
    let block = match reference.parse::<std::net::IpAddr>() {
        Ok(ip) => Some(Cidr::of_ip(ip)),
        Err(_) => Cidr::parse(reference),
    };
    match block {
        Some(b) => Ok(End::Addresses(
            reference.to_string(),
            network.externals_overlapping(&b),
        )),
        None => find(network, reference).map(End::Workload),
    }
}

/// Splits `DEST[:PORT]`, where DEST may be an IPv6 address (`[2001:db8::1]:443` with a port).
fn split_port(dst: &str) -> Result<(&str, Option<u16>), String> {
    let bad = |p: &str| format!("bad port {p:?} in {dst}");
    if let Some(rest) = dst.strip_prefix('[') {
        let (addr, tail) = rest
            .split_once(']')
            .ok_or_else(|| format!("missing ] in {dst}"))?;
        return match tail.strip_prefix(':') {
            Some(p) => Ok((addr, Some(p.parse().map_err(|_| bad(p))?))),
            None if tail.is_empty() => Ok((addr, None)),
            None => Err(format!("unexpected {tail:?} after ] in {dst}")),
        };
    }
    if dst.parse::<std::net::IpAddr>().is_ok() || (dst.contains("::") && Cidr::parse(dst).is_some())
    {
        return Ok((dst, None));
    }
    match dst.rsplit_once(':') {
        Some((d, p)) => Ok((d, Some(p.parse().map_err(|_| bad(p))?))),
        None => Ok((dst, None)),
    }
}

fn explain(args: &ExplainArgs) -> Result<u8, String> {
    let inventory = load(&args.paths, &args.cluster)?;
    let network = build(&inventory, &args.semantics);
    let (dst, port) = split_port(&args.dst)?;
    let probe = port.map(|p| (args.protocol, p));
    let (workload, addresses, direction) = match (end(&network, &args.src)?, end(&network, dst)?) {
        (End::Workload(s), End::Workload(d)) => {
            let (allowed, text) = network.explain(s, d, probe);
            print(&text);
            // Possibly allowed (depending on labels of namespaces the inputs do not define)
            // is not denied: exit 1 only when no labelling of those namespaces allows it.
            let wanted = match probe {
                Some((p, n)) => ConnSet::port(p, n),
                None => ConnSet::all(),
            };
            let possibly = network
                .uncertainty(s, d)
                .is_some_and(|u| !u.possible.intersect(&wanted).is_empty());
            return Ok(if allowed || possibly {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            });
        }
        (End::Workload(w), End::Addresses(text, ranges)) => (w, (text, ranges), Direction::Egress),
        (End::Addresses(text, ranges), End::Workload(w)) => (w, (text, ranges), Direction::Ingress),
        (End::Addresses(..), End::Addresses(..)) => {
            return Err("one end of the connection must be a workload".into())
        }
    };
    let (text, ranges) = addresses;
    let mut all = true;
    let mut out = String::new();
    for &r in &ranges {
        let id = network.externals[r].id();
        // An address, or a block inside one range, is named with the range it is in.
        let label = if ranges.len() == 1 && text != id {
            format!("{text} (in {id})")
        } else {
            id
        };
        let (allowed, explanation) =
            network.explain_external(workload, r, &label, direction, probe);
        all &= allowed;
        out.push_str(&explanation);
    }
    print(&out);
    Ok(if all { EXIT_OK } else { EXIT_FINDINGS })
}

fn exposure(args: &ExposureArgs) -> Result<u8, String> {
    let inventory = load(&args.paths, &args.cluster)?;
    let network = build(&inventory, &args.semantics);
    let list = exposures(&network, inventory.objects());
    let egress = public_egress(&network);
    let out = match args.format {
        ListFormat::Json => {
            serde_json::to_string_pretty(&json!({ "exposures": list, "publicEgress": egress }))
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
            for w in &egress {
                if w.ranges.is_empty() {
                    let _ = writeln!(out, "no public egress  {}", w.workload);
                }
                for r in &w.ranges {
                    let _ = writeln!(
                        out,
                        "PUBLIC EGRESS  {} -> {}: {}",
                        w.workload, r.range, r.allowed
                    );
                }
            }
            out
        }
    };
    Ok(print(&out))
}

/// Every workload pair, and every workload with every external range, in both directions.
fn all_pairs(network: &Network<'_>) -> BTreeMap<(String, String), ConnSet> {
    let n = network.workloads.len();
    let mut out = BTreeMap::new();
    for s in 0..n {
        let id = network.workloads[s].id();
        for d in 0..n {
            out.insert(
                (id.clone(), network.workloads[d].id()),
                network.connections(s, d),
            );
        }
        for (e, range) in network.externals.iter().enumerate() {
            out.insert((id.clone(), range.id()), network.to_external(s, e));
            out.insert((range.id(), id.clone()), network.from_external(e, s));
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
