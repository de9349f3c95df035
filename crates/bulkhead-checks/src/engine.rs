//! Running checks over an inventory: object checks in parallel, then inventory checks, with a
//! deterministic output order.

use rayon::prelude::*;

use bulkhead_model::Inventory;

use crate::check::{Check, Context, Options, Run};
use crate::sink::{Finding, Sink};

/// Runs `checks` and returns their findings sorted by file, position, check and message.
pub fn run_checks(
    inventory: &Inventory,
    checks: &[&'static Check],
    options: &Options,
) -> Vec<Finding> {
    run_checks_observed(inventory, checks, options, &|_| {})
}

/// [`run_checks`], calling `done(n)` as objects are checked (from any thread; the inventory's
/// length in all): a progress bar's hook.
pub fn run_checks_observed(
    inventory: &Inventory,
    checks: &[&'static Check],
    options: &Options,
    done: &(dyn Fn(usize) + Sync),
) -> Vec<Finding> {
    let cx = Context::new(inventory, options);
    let object_checks: Vec<_> = checks
        .iter()
        .filter_map(|c| match c.run {
            Run::Object(f) => Some((*c, f)),
            Run::Inventory(_) => None,
        })
        .collect();
    // The findings of a run of objects per parallel task (not one list per object, whose
    // spare capacity adds up), then each inventory check's, moved once into a vector of exactly
    // the right size: growing one vector as they arrived copied every finding again.
    let per_task: Vec<Vec<Finding>> = inventory
        .objects()
        .par_iter()
        .fold(Vec::new, |mut out, object| {
            for (check, f) in &object_checks {
                f(&cx, object, &mut Sink::new(check, &mut out));
            }
            done(1);
            out
        })
        .collect();
    let per_inventory_check: Vec<Vec<Finding>> = checks
        .par_iter()
        .map(|check| {
            let mut out = Vec::new();
            if let Run::Inventory(f) = check.run {
                f(&cx, &mut Sink::new(check, &mut out));
            }
            out
        })
        .collect();
    let total = per_task
        .iter()
        .chain(&per_inventory_check)
        .map(Vec::len)
        .sum();
    let mut findings = Vec::with_capacity(total);
    for list in per_task.into_iter().chain(per_inventory_check) {
        findings.extend(list);
    }
    sort_in_scan_order(&mut findings);
    findings
}

/// The order of a scan's findings: by file, position, check, message and field, so that a
/// parallel run gives the same report every time.
pub(crate) fn sort_in_scan_order(findings: &mut [Finding]) {
    findings.sort_unstable_by(|a, b| {
        (
            &a.location.path,
            a.location.span.start,
            a.check.id,
            &a.message,
            &a.location.pointer,
        )
            .cmp(&(
                &b.location.path,
                b.location.span.start,
                b.check.id,
                &b.message,
                &b.location.pointer,
            ))
    });
}
