//! An RPM package header as the package database stores it, from arbitrary bytes: the parser
//! checks every count and offset against the blob, so it returns an error, never panics or
//! reads outside the input.

#![no_main]

use bulkhead_node::host::rpm_header;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(package) = rpm_header::package(data) {
        assert!(!package.full_version().is_empty());
    }
});
