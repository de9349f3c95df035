//! `bulkhead history`: the scans a history store holds (a trend table), what changed
//! between two scans, and a framework's score over time. `scan --store` and `serve` write
//! the store; this only reads it.

use std::path::Path;

use bulkhead_history::{ScanSummary, Store, TrackedFinding};
use bulkhead_model::calendar::rfc3339;
use clap::{Args, Subcommand};

use super::{EXIT_ERROR, EXIT_OK};

#[derive(Args, Debug)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: Option<HistoryCommand>,

    /// The history store: a SQLite file, or a `postgres://user:password@host/database` URL.
    #[arg(long, global = true, value_name = "URL", default_value = bulkhead_history::DEFAULT_STORE)]
    pub store: String,

    /// Only the scans of this cluster (the name `scan --store-cluster` or `serve` filed them under).
    #[arg(long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,

    /// How many of the latest scans the trend table shows.
    #[arg(long, value_name = "N", default_value = "20")]
    pub limit: usize,
}

#[derive(Subcommand, Debug)]
pub enum HistoryCommand {
    /// Findings new in scan B, resolved since scan A, and still open (by fingerprint).
    Diff {
        /// The earlier scan's id (see `bulkhead history`).
        a: i64,
        /// The later scan's id.
        b: i64,
        /// Also list the findings still open.
        #[arg(long)]
        all: bool,
    },
    /// A framework's compliance score in every scan that recorded it, oldest first.
    Score {
        /// A framework id (`cis-1.12`, `pss-restricted`, ...; see `bulkhead frameworks`).
        framework: String,
    },
}

pub fn run(args: &HistoryArgs) -> u8 {
    match history(args) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("bulkhead: error: {message}");
            EXIT_ERROR
        }
    }
}

fn history(args: &HistoryArgs) -> Result<(), String> {
    let mut store = open_existing(&args.store)?;
    let cluster = args.cluster.as_deref();
    let text = match &args.command {
        None => trend(
            &store
                .scans(cluster, args.limit)
                .map_err(|e| e.to_string())?,
        ),
        Some(HistoryCommand::Diff { a, b, all }) => {
            let changes = store.changes(*a, *b).map_err(|e| e.to_string())?;
            let scan = |store: &mut Store, id: i64| {
                store.scan(id).map_err(|e| e.to_string()).map(|s| {
                    s.map(|s| format!("scan {id} ({}, {})", s.cluster, when(s.started_ms)))
                })
            };
            let (from, to) = (scan(&mut store, *a)?, scan(&mut store, *b)?);
            let mut out = format!(
                "{} -> {}: {} new, {} resolved, {} still open\n",
                from.unwrap_or_default(),
                to.unwrap_or_default(),
                changes.new.len(),
                changes.resolved.len(),
                changes.still_open.len()
            );
            section(&mut out, "New", &changes.new);
            section(&mut out, "Resolved", &changes.resolved);
            if *all {
                section(&mut out, "Still open", &changes.still_open);
            }
            out
        }
        Some(HistoryCommand::Score { framework }) => {
            bulkhead_engine::frameworks::resolve(framework)?;
            let points = store
                .score_trend(framework, cluster)
                .map_err(|e| e.to_string())?;
            if points.is_empty() {
                format!(
                    "no scan in {} recorded a score for {framework}\n",
                    store.location()
                )
            } else {
                let mut rows = vec![row([
                    "SCAN",
                    "STARTED",
                    "CLUSTER",
                    "SCORE",
                    "PASSED",
                    "FAILED",
                    "NOT EVALUATED",
                ])];
                for p in &points {
                    rows.push(row([
                        &p.scan_id.to_string(),
                        &when(p.started_ms),
                        &p.cluster,
                        &p.score.map_or("-".to_string(), |s| format!("{s:.1}%")),
                        &p.passed.to_string(),
                        &p.failed.to_string(),
                        &p.not_evaluated.to_string(),
                    ]));
                }
                format!("{framework}\n{}", table(&rows, &[0, 3, 4, 5, 6]))
            }
        }
    };
    print!("{text}");
    Ok(())
}

/// The store, refusing to create an empty SQLite file where none was: a typo in `--store`
/// must not read as "no history".
fn open_existing(store: &str) -> Result<Store, String> {
    let is_url = store.starts_with("postgres://") || store.starts_with("postgresql://");
    let path = store.strip_prefix("sqlite://").unwrap_or(store);
    if !is_url && !Path::new(path).exists() {
        return Err(format!(
            "no history store at {path}: `bulkhead scan --store {path}` or `bulkhead serve` writes one"
        ));
    }
    Store::open(store).map_err(|e| e.to_string())
}

/// The latest scans, newest first, with the change in open findings since the cluster's
/// previous successful scan.
fn trend(scans: &[ScanSummary]) -> String {
    if scans.is_empty() {
        return "no scans recorded\n".into();
    }
    let mut rows = vec![row([
        "SCAN", "STARTED", "CLUSTER", "STATUS", "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO",
        "CHANGE", "OBJECTS", "DURATION",
    ])];
    for (i, s) in scans.iter().enumerate() {
        if !s.is_ok() {
            let reason = s.reason.as_deref().unwrap_or("");
            rows.push(row([
                &s.id.to_string(),
                &when(s.started_ms),
                &s.cluster,
                &format!("failed: {reason}"),
            ]));
            continue;
        }
        let previous = scans[i + 1..]
            .iter()
            .find(|p| p.cluster == s.cluster && p.is_ok());
        let change = previous.map_or(String::new(), |p| {
            format!("{:+}", s.counts.total() - p.counts.total())
        });
        let c = &s.counts;
        rows.push(row([
            &s.id.to_string(),
            &when(s.started_ms),
            &s.cluster,
            "ok",
            &c.critical.to_string(),
            &c.high.to_string(),
            &c.medium.to_string(),
            &c.low.to_string(),
            &c.info.to_string(),
            &change,
            &s.objects.to_string(),
            &format!("{:.1}s", s.duration_ms as f64 / 1000.0),
        ]));
    }
    table(&rows, &[0, 4, 5, 6, 7, 8, 9, 10, 11])
}

fn section(out: &mut String, title: &str, findings: &[TrackedFinding]) {
    if findings.is_empty() {
        return;
    }
    out.push_str(&format!("\n{title} ({}):\n", findings.len()));
    for t in findings {
        let f = &t.finding;
        let object = match &f.namespace {
            Some(ns) => format!("{}/{ns}/{}", f.kind, f.name),
            None => format!("{}/{}", f.kind, f.name),
        };
        let suppressed = if f.suppressed { " (suppressed)" } else { "" };
        out.push_str(&format!(
            "  {} [{}] {object}: {}{suppressed}\n      at {}, first seen in scan {}, last in scan {}\n",
            f.check_id, f.severity, f.message, f.location, t.first_seen_scan, t.last_seen_scan
        ));
    }
}

fn when(ms: i64) -> String {
    rfc3339(ms.div_euclid(1000))
}

fn row<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Aligned columns; the columns in `right` are right-aligned (numbers). A row shorter than
/// the header (a failed scan) lets its last cell run on.
fn table(rows: &[Vec<String>], right: &[usize]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let mut widths = vec![0; columns];
    for r in rows.iter().filter(|r| r.len() == columns) {
        for (i, cell) in r.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i].saturating_sub(cell.chars().count());
            let last = i + 1 == r.len() && r.len() < columns;
            if right.contains(&i) && !last {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if !last {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `scan --store`: records a finished scan, with every framework's score.
pub fn record_scan(
    store: &str,
    cluster: &str,
    outcome: &bulkhead_engine::Outcome,
    settings: &bulkhead_engine::Settings,
    started: std::time::SystemTime,
) -> Result<i64, String> {
    let duration = started.elapsed().unwrap_or_default();
    let mut record =
        bulkhead_history::ScanRecord::from_outcome(outcome, cluster, started, duration);
    record.score_frameworks(outcome, settings);
    let mut store = Store::open(store).map_err(|e| e.to_string())?;
    store.record(&record).map_err(|e| e.to_string())
}

/// `scan --store` when the scan could not run (the cluster could not be read): recorded as
/// failed, with the reason.
pub fn record_failure(
    store: &str,
    cluster: &str,
    started: std::time::SystemTime,
    reason: &str,
) -> Result<i64, String> {
    let record = bulkhead_history::ScanRecord::failed(cluster, started, reason);
    let mut store = Store::open(store).map_err(|e| e.to_string())?;
    store.record(&record).map_err(|e| e.to_string())
}
