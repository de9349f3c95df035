//! Running checks over an inventory: object checks in parallel, then inventory checks, with a
//! deterministic output order.

use rayon::prelude::*;

use std::collections::HashMap;

use bulkhead_model::{Inventory, Object};

use crate::check::{Check, Context, Options, Reads, Run};
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
    let plans = Plans::new(inventory, checks);
    // The findings of a run of objects per parallel task (not one list per object, whose
    // spare capacity adds up), then each inventory check's, moved once into a vector of exactly
    // the right size: growing one vector as they arrived copied every finding again.
    let per_task: Vec<Vec<Finding>> = inventory
        .objects()
        .par_iter()
        .fold(Vec::new, |mut out, object| {
            let plan = plans.of(object);
            let has_pod_spec = plan.asks_pod_spec && cx.pod_spec(object).is_some();
            for step in &plan.steps {
                if !step.needs_pod_spec || has_pod_spec {
                    (step.run)(&cx, object, &mut Sink::new(step.check, &mut out));
                }
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

type ObjectFn = fn(&Context<'_>, &Object, &mut Sink<'_>);

/// One object check to run on an object: on every object of its kind, or only on those with a
/// pod spec.
struct Step {
    check: &'static Check,
    run: ObjectFn,
    needs_pod_spec: bool,
}

/// The object checks that read one kind, in the order given ([`Reads`]).
#[derive(Default)]
struct Plan {
    steps: Vec<Step>,
    /// Whether a step runs only with a pod spec (then the object's is looked up once).
    asks_pod_spec: bool,
}

/// Each kind of the inventory with its plan, worked out once per scan so that an object meets
/// only the checks that read its kind, and no check compares kinds itself for every object.
struct Plans<'a> {
    by_kind: HashMap<&'a str, Plan>,
}

impl<'a> Plans<'a> {
    fn new(inventory: &'a Inventory, checks: &[&'static Check]) -> Self {
        let mut by_kind = HashMap::new();
        for object in inventory.objects() {
            by_kind
                .entry(object.kind.as_str())
                .or_insert_with(|| Plan::for_kind(&object.kind, checks));
        }
        Plans { by_kind }
    }

    fn of(&self, object: &Object) -> &Plan {
        &self.by_kind[object.kind.as_str()]
    }
}

impl Plan {
    fn for_kind(kind: &str, checks: &[&'static Check]) -> Plan {
        let mut plan = Plan::default();
        for &check in checks {
            let Run::Object(run) = check.run else {
                continue;
            };
            let needs_pod_spec = match check.reads {
                Reads::Everything => false,
                Reads::Kinds(kinds) if kinds.contains(&kind) => false,
                Reads::Kinds(_) => continue,
                Reads::PodSpecs => true,
            };
            plan.asks_pod_spec |= needs_pod_spec;
            plan.steps.push(Step {
                check,
                run,
                needs_pod_spec,
            });
        }
        plan
    }
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
