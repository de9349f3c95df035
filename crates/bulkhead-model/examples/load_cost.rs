//! Loads manifests as a scan does, and with `--validate` also checks them against the API
//! schema, for `bench/load-cost.sh` to time the difference. Prints what was read.

use std::time::Instant;

use bulkhead_model::{discover, load_inputs, schema, Limits};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let validate = args.iter().any(|a| a == "--validate");
    args.retain(|a| a != "--validate");
    let started = Instant::now();
    let discovery = discover(&args);
    let mut loaded = load_inputs(&discovery.inputs, &Limits::default());
    let loaded_at = started.elapsed();
    let violations = if validate {
        schema::validate(&mut loaded.objects, None).len()
    } else {
        0
    };
    println!(
        "files {} objects {} load-errors {} violations {} load {:.1} ms validate {:.1} ms",
        loaded.stats.files,
        loaded.objects.len(),
        loaded.errors.len(),
        violations,
        loaded_at.as_secs_f64() * 1000.0,
        (started.elapsed() - loaded_at).as_secs_f64() * 1000.0
    );
}
