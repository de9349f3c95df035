//! What `audit-log` and `audit-webhook` share: the flags turned into a detector and a writer.

use std::io::Write;

use bulkhead_audit::cidr::{default_ranges, Cidr};
use bulkhead_audit::output::{Format, Writer};
use bulkhead_audit::time::parse_duration_micros;
use bulkhead_audit::{Detector, DetectorOptions, RequestChecks, RuleOptions, RuleSet, Stats};
use bulkhead_checks::Severity;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::cli::AuditDetectArgs;

/// The detector the flags describe (without time bounds).
pub fn detector(
    args: &AuditDetectArgs,
    since: Option<i64>,
    until: Option<i64>,
) -> Result<Detector, String> {
    let rules = RuleSet::builtin(&rule_options(args)?)?;
    let ranges = if args.cluster_cidrs.is_empty() {
        default_ranges()
    } else {
        args.cluster_cidrs
            .iter()
            .map(|c| c.parse::<Cidr>())
            .collect::<Result<_, _>>()?
    };
    let requests = if args.no_request_checks {
        None
    } else {
        Some(RequestChecks::new(
            &[],
            &[],
            args.request_check_severity.parse()?,
        )?)
    };
    Ok(Detector::new(
        rules,
        DetectorOptions {
            requests,
            ranges,
            since,
            until,
        },
    ))
}

fn rule_options(args: &AuditDetectArgs) -> Result<RuleOptions, String> {
    let mut options = RuleOptions::default();
    for list in &args.lists {
        let (name, items) = list
            .split_once('=')
            .ok_or_else(|| format!("--list {list:?}: expected NAME=a,b,c"))?;
        let items = items
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        options.lists.push((name.trim().to_string(), items));
    }
    for window in &args.windows {
        let (id, rest) = window
            .split_once('=')
            .ok_or_else(|| format!("--window {window:?}: expected ID=DURATION[,THRESHOLD]"))?;
        let (duration, threshold) = match rest.split_once(',') {
            Some((d, t)) => (d, Some(t)),
            None => (rest, None),
        };
        let duration =
            parse_duration_micros(duration).map_err(|e| format!("--window {window:?}: {e}"))?;
        let threshold = threshold
            .map(|t| {
                t.trim()
                    .parse::<usize>()
                    .map_err(|_| format!("--window {window:?}: the threshold is a whole number"))
            })
            .transpose()?;
        options
            .windows
            .push((id.trim().to_string(), Some(duration), threshold));
    }
    Ok(options)
}

/// The alert writer: standard output or the `-o` file, unreadable input on standard error.
pub fn writer(
    args: &AuditDetectArgs,
) -> Result<Writer<Box<dyn Write + Send>, std::io::Stderr>, String> {
    let format: Format = args.format.parse()?;
    let out: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None => Box::new(std::io::LineWriter::new(std::io::stdout())),
    };
    Ok(Writer::new(format, out, std::io::stderr()))
}

pub fn fail_on(args: &AuditDetectArgs) -> Result<Severity, String> {
    args.fail_on.parse()
}

/// 2 when input could not be read, else 1 when an alert reached the threshold, else 0.
pub fn exit_code(stats: &Stats, input_errors: usize, threshold: Severity, exit_zero: bool) -> u8 {
    if exit_zero {
        EXIT_OK
    } else if input_errors > 0 || stats.unreadable > 0 {
        EXIT_ERROR
    } else if stats.worst.is_some_and(|w| w >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
