//! What each check costs on a corpus: the shared per-scan models first (network, RBAC, the
//! RBAC graph, command lines, kubelets), then every built-in check alone on one thread, so
//! that a speed pass knows where the checks' time goes before changing anything.
//!
//! `cargo run --release -p bulkhead-checks --example check_costs -- DIR [TOP]` prints one line
//! per model and per check (the TOP most expensive, default 30) with milliseconds and the
//! number of findings, then the total.

use std::time::Instant;

use bulkhead_checks::{all_checks, Context, Options, Reads, Run, Sink};
use bulkhead_model::{discover, load_inputs, Inventory, Limits};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| ".".to_string());
    let top: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(30);
    let discovery = discover(std::slice::from_ref(&dir));
    let loaded = load_inputs(&discovery.inputs, &Limits::default());
    let inventory = Inventory::new(loaded.objects);
    let options = Options::default();
    let cx = Context::new(&inventory, &options);

    let timed = |name: &str, f: &dyn Fn()| {
        let started = Instant::now();
        f();
        println!("{:>9.1} ms  model {name}", ms(started));
    };
    timed("network", &|| {
        cx.network();
    });
    timed("rbac", &|| {
        cx.rbac();
    });
    timed("rbac graph", &|| {
        cx.rbac_graph();
    });
    timed("command lines", &|| {
        cx.every_command_line();
    });
    timed("kubelets", &|| {
        cx.kubelets();
    });

    let mut costs = Vec::new();
    let everything = Instant::now();
    for check in all_checks() {
        let mut out = Vec::new();
        let started = Instant::now();
        match check.run {
            Run::Object(f) => {
                for object in inventory.objects() {
                    let reads = match check.reads {
                        Reads::Everything => true,
                        Reads::Kinds(kinds) => kinds.contains(&object.kind.as_str()),
                        Reads::PodSpecs => cx.pod_spec(object).is_some(),
                    };
                    if reads {
                        f(&cx, object, &mut Sink::new(check, &mut out));
                    }
                }
            }
            Run::Inventory(f) => f(&cx, &mut Sink::new(check, &mut out)),
        }
        costs.push((
            started.elapsed().as_secs_f64() * 1000.0,
            check.id,
            out.len(),
        ));
    }
    let total = ms(everything);
    costs.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, id, findings) in costs.iter().take(top) {
        println!("{ms:>9.1} ms  {id}  {findings} findings");
    }
    println!(
        "{total:>9.1} ms  all {} checks over {} objects",
        costs.len(),
        inventory.len()
    );
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
