//! `bulkhead rbac`: who can do something, what a subject can do, and the shortest paths from
//! each identity (or a compromised workload) to cluster-admin.

use std::io::{self, Write};

use bulkhead_model::{discover, load_inputs, ErrorSeverity, Inventory, Limits, Location};
use bulkhead_rbac::{to_dot, Evidence, Grant, Path, QueryOptions, Rbac, Request, Subject};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::cluster::ClusterArgs;
use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

#[derive(Args, Debug)]
pub struct RbacArgs {
    #[command(subcommand)]
    pub command: RbacCommand,
}

#[derive(Subcommand, Debug)]
pub enum RbacCommand {
    /// Subjects allowed to do VERB on RESOURCE, with the binding, role and rule that grant it.
    WhoCan(WhoCanArgs),
    /// Everything a subject (sa:NS:NAME, user:NAME, group:NAME) may do, per namespace.
    WhatCan(WhatCanArgs),
    /// Shortest escalation paths to cluster-admin, each step with its evidence. Exits 1 when
    /// a path exists.
    Paths(PathsArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Dot,
}

#[derive(Args, Debug)]
pub struct Common {
    /// Output format (`dot` only for `paths`).
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Include built-in default bindings of built-in subjects (`system:*`, kube-system).
    #[arg(long)]
    pub include_defaults: bool,
}

#[derive(Args, Debug)]
pub struct WhoCanArgs {
    /// A verb: get, list, create, impersonate, ...
    pub verb: String,
    /// A resource (`secrets`, `pods/exec`, `deployments.apps`) or a non-resource URL
    /// (`/metrics`).
    pub resource: String,
    /// Files, directories, globs, or `-` for standard input.
    #[arg(required_unless_present_any = crate::cli::CLUSTER_FLAGS, value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// The namespace of the request; without it, the request is cluster-wide.
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// The name of the object (for rules with resourceNames).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct WhatCanArgs {
    /// sa:NAMESPACE:NAME, user:NAME or group:NAME.
    pub subject: String,
    /// Files, directories, globs, or `-` for standard input.
    #[arg(required_unless_present_any = crate::cli::CLUSTER_FLAGS, value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct PathsArgs {
    /// Files, directories, globs, or `-` for standard input.
    #[arg(required_unless_present_any = crate::cli::CLUSTER_FLAGS, value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Start from one node: pod:NS/NAME (any workload), sa:NS:NAME, user:NAME, group:NAME.
    #[arg(long)]
    pub from: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: &RbacArgs) -> u8 {
    let result = match &args.command {
        RbacCommand::WhoCan(a) => who_can(a),
        RbacCommand::WhatCan(a) => what_can(a),
        RbacCommand::Paths(a) => paths(a),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

/// Loads inputs exactly as `scan` does (or reads the live cluster); load errors go to
/// standard error.
pub(crate) fn load(paths: &[String], cluster: &ClusterArgs) -> Result<Inventory, String> {
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
    let mut fatal = false;
    for e in discovery.errors.iter().chain(&loaded.errors) {
        eprintln!("bulkhead: {}: {}", e.path, e.message);
        fatal |= e.severity == ErrorSeverity::Error;
    }
    if fatal && loaded.objects.is_empty() {
        return Err("no input could be read".into());
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

fn options(common: &Common) -> QueryOptions {
    QueryOptions {
        include_defaults: common.include_defaults,
    }
}

fn emit(text: &str) {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    // A closed pipe is not an error worth reporting.
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

fn json_out(value: &serde_json::Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    emit(&(text + "\n"));
    Ok(())
}

fn no_dot(format: OutputFormat) -> Result<(), String> {
    if format == OutputFormat::Dot {
        return Err("--format dot is only available for `bulkhead rbac paths`".into());
    }
    Ok(())
}

fn at(location: &Location) -> String {
    format!(
        "{}:{}:{}",
        location.path, location.position.line, location.position.column
    )
}

fn evidence_lines(e: &Evidence, indent: &str) -> String {
    let mut out = format!(
        "{indent}{} → {}  at {}\n",
        e.binding,
        e.role,
        at(&e.binding_location)
    );
    if let (Some(index), Some(rule)) = (e.rule_index, &e.rule) {
        let holder = match &e.rule_role {
            Some(r) if *r != e.role => format!(" of {r}"),
            _ => String::new(),
        };
        let place = e
            .rule_location
            .as_ref()
            .map_or_else(|| "built-in".to_string(), at);
        out.push_str(&format!(
            "{indent}  rule {index}{holder}: {rule}  at {place}\n"
        ));
    }
    out
}

fn grant_text(g: &Grant) -> String {
    let mut out = format!("  {}", g.subject);
    if g.subject_missing {
        out.push_str("  (service account not found in the inputs)");
    }
    out.push('\n');
    out.push_str(&evidence_lines(&g.evidence, "      "));
    if let Some(partial) = &g.partial {
        out.push_str(&format!("      partial: {partial}\n"));
    }
    for note in &g.notes {
        out.push_str(&format!("      note: {note}\n"));
    }
    out
}

fn who_can(args: &WhoCanArgs) -> Result<u8, String> {
    no_dot(args.common.format)?;
    let request = Request::parse(
        &args.verb,
        &args.resource,
        args.namespace.as_deref(),
        args.name.as_deref(),
    )?;
    let inventory = load(&args.paths, &args.cluster)?;
    let rbac = Rbac::load(&inventory);
    let grants = rbac.who_can(&request, options(&args.common));
    if args.common.format == OutputFormat::Json {
        json_out(&json!({ "request": request, "grants": grants }))?;
        return Ok(EXIT_OK);
    }
    let scope = match &request.namespace {
        Some(ns) => format!("in namespace {ns}"),
        None => "cluster-wide".to_string(),
    };
    let name = args
        .name
        .as_ref()
        .map_or(String::new(), |n| format!(" named {n}"));
    let complete = grants.iter().filter(|g| g.partial.is_none()).count();
    let mut out = format!(
        "who can {} {}{name} {scope}: {complete} grant(s)",
        args.verb, args.resource
    );
    let partial = grants.len() - complete;
    if partial > 0 {
        out.push_str(&format!(", {partial} partial"));
    }
    out.push('\n');
    for g in &grants {
        out.push_str(&grant_text(g));
    }
    emit(&out);
    Ok(EXIT_OK)
}

fn what_can(args: &WhatCanArgs) -> Result<u8, String> {
    no_dot(args.common.format)?;
    let subject = Subject::parse(&args.subject)?;
    let inventory = load(&args.paths, &args.cluster)?;
    let rbac = Rbac::load(&inventory);
    let answer = rbac.what_can(&subject, options(&args.common));
    if args.common.format == OutputFormat::Json {
        json_out(&serde_json::to_value(&answer).map_err(|e| e.to_string())?)?;
        return Ok(EXIT_OK);
    }
    let mut out = format!("what {subject} can do\n");
    for note in &answer.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    if answer.scopes.is_empty() {
        out.push_str("  nothing: no binding grants it anything\n");
    }
    for (scope, grants) in &answer.scopes {
        let title = if scope == "*" {
            "cluster-wide (all namespaces, cluster-scoped resources, non-resource URLs)".to_string()
        } else {
            format!("namespace {scope}")
        };
        out.push_str(&format!("{title}:\n"));
        for g in grants {
            match (&g.evidence.rule, g.evidence.rule_index) {
                (Some(rule), Some(_)) => out.push_str(&format!("  {rule}\n")),
                _ => out.push_str("  ? (role not found)\n"),
            }
            out.push_str(&evidence_lines(&g.evidence, "      "));
            if let Some(partial) = &g.partial {
                out.push_str(&format!("      partial: {partial}\n"));
            }
            for note in &g.notes {
                out.push_str(&format!("      note: {note}\n"));
            }
        }
    }
    emit(&out);
    Ok(EXIT_OK)
}

fn paths(args: &PathsArgs) -> Result<u8, String> {
    let inventory = load(&args.paths, &args.cluster)?;
    let rbac = Rbac::load(&inventory);
    let opts = options(&args.common);
    let graph = rbac.graph(opts);
    let (found, reachable, note): (Vec<Path>, Option<Vec<String>>, Option<String>) = match &args
        .from
    {
        Some(from) => {
            let start = graph.find_id(from).ok_or_else(|| {
                    format!("{from}: no such workload or identity in the inputs (use pod:NS/NAME, sa:NS:NAME, user:NAME or group:NAME)")
                })?;
            (
                graph.path_from(start).into_iter().collect(),
                Some(graph.reachable_from(start)),
                graph.note(start).map(str::to_string),
            )
        }
        None => (graph.paths_to_admin(opts), None, None),
    };
    match args.common.format {
        OutputFormat::Json => json_out(&json!({
            "from": args.from,
            "paths": found,
            "reachable": reachable,
            "note": note,
        }))?,
        OutputFormat::Dot => emit(&to_dot(&found)),
        OutputFormat::Text => emit(&paths_text(
            &found,
            args.from.as_deref(),
            reachable.as_deref(),
            note.as_deref(),
        )),
    }
    Ok(if found.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

fn paths_text(
    paths: &[Path],
    from: Option<&str>,
    reachable: Option<&[String]>,
    note: Option<&str>,
) -> String {
    let mut out = String::new();
    if paths.is_empty() {
        match from {
            Some(from) => {
                out.push_str(&format!("no path from {from} to cluster-admin\n"));
                if let Some(note) = note {
                    out.push_str(&format!("  note: {note}\n"));
                }
                let reached = reachable.unwrap_or(&[]);
                if !reached.is_empty() {
                    out.push_str(&format!("  it reaches: {}\n", reached.join(", ")));
                }
            }
            None => out.push_str("no identity can reach cluster-admin\n"),
        }
        return out;
    }
    if from.is_none() {
        out.push_str(&format!(
            "{} identit{} can reach cluster-admin\n",
            paths.len(),
            if paths.len() == 1 { "y" } else { "ies" }
        ));
    }
    for path in paths {
        out.push_str(&format!(
            "\n{} → cluster-admin in {} step{}\n",
            path.from,
            path.steps.len(),
            if path.steps.len() == 1 { "" } else { "s" }
        ));
        for (i, step) in path.steps.iter().enumerate() {
            out.push_str(&format!(
                "  {}. {} → {}: {}\n",
                i + 1,
                step.from,
                step.to,
                step.action
            ));
            if let Some(e) = &step.evidence {
                out.push_str(&evidence_lines(e, "       "));
            }
            if let Some(location) = &step.location {
                out.push_str(&format!("       at {}\n", at(location)));
            }
            if step.builtin {
                out.push_str("       built in: the API server's bootstrap policy creates this binding in every cluster\n");
            }
        }
    }
    out
}
