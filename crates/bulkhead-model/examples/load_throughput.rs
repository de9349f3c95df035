//! Loading as a scan does it — discovery, reading, parsing with spans, objects, the
//! inventory — timed inside the process, for `bench/targets.sh` to turn into MB/s per core
//! (run it with `RAYON_NUM_THREADS=1`). `BULKHEAD_YAML_READER=general` measures the general
//! parser alone.
//!
//! Prints one line: `bytes B files F objects N errors E ms T`.
//!
//! It runs on mimalloc with freed memory returned at once, as the `bulkhead` binary does
//! (`crates/bulkhead/src/main.rs`), so that it measures what a scan pays: with the system
//! allocator the same load spent a tenth of its time in glibc's malloc and its arena growth.

use std::time::Instant;

use bulkhead_model::{discover, load_inputs, Inventory, Limits};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` (mimalloc v3), set to 0 as the binary sets it.
const MI_OPTION_PURGE_DELAY: std::os::raw::c_int = 15;

extern "C" {
    fn mi_option_set(option: std::os::raw::c_int, value: std::os::raw::c_long);
}

fn main() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a documented integer option of the linked mimalloc; any value is valid.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
    }
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
