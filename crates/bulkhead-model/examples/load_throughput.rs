//! Loading as a scan does it — discovery, reading, parsing with spans, objects, the
//! inventory — timed inside the process, for `bench/targets.sh` to turn into MB/s per core
//! (run it with `RAYON_NUM_THREADS=1`). `BULKHEAD_YAML_READER=general` measures the general
//! parser alone.
//!
//! Prints one line: `bytes B files F objects N errors E ms T`.
//!
//! It runs on the `bulkhead` binary's allocator with the binary's settings (the same source
//! file, `crates/bulkhead/src/allocator.rs`), so that it measures what a scan pays: with the
//! system allocator the same load spent a tenth of its time in glibc's malloc and its arena
//! growth.

use std::time::Instant;

use bulkhead_model::{discover, load_inputs, Inventory, Limits};

#[path = "../../bulkhead/src/allocator.rs"]
mod allocator;

fn main() {
    allocator::tune();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = Instant::now();
    let discovery = discover(&args);
    let loaded = load_inputs(&discovery.inputs, &Limits::default());
    let stats = loaded.stats.clone();
    let errors = loaded.errors.len();
    let inventory = Inventory::new(loaded.objects);
    let elapsed = started.elapsed();
    println!(
        "bytes {} files {} objects {} errors {} ms {:.1}",
        stats.bytes,
        stats.files,
        inventory.len(),
        errors,
        elapsed.as_secs_f64() * 1000.0
    );
    // Freeing the trees is not part of loading (a scan never frees them either).
    std::mem::forget(inventory);
}
