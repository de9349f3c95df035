//! The allocator and its settings, in one place for the `bulkhead` binary and for the
//! `load_throughput` example of bulkhead-model (which includes this file), so that the
//! loader's benchmark pays exactly what a scan pays.

/// mimalloc instead of the system allocator: a scan, a cluster read and an audit stream
/// allocate and free millions of small values across threads. Measured (docs/benchmarks.md):
/// the audit log 245k → 330k events per CPU-second, a 50,000-object scan 8.9 → 6.1 s, and
/// the cluster read's memory no longer stays in per-thread arenas the scan does not reuse.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mimalloc.h` (v3): how many milliseconds freed memory
/// stays with the process before it is returned to the system. A test below checks that this
/// number still names that option (its default, 1000).
const MI_OPTION_PURGE_DELAY: std::os::raw::c_int = 15;

/// `mi_option_allow_thp` in the same header (v3.3): whether mimalloc asks for transparent huge
/// pages (`madvise(MADV_HUGEPAGE)`) on the memory it maps. Checked by a test like the above.
const MI_OPTION_ALLOW_THP: std::os::raw::c_int = 43;

extern "C" {
    fn mi_option_set(option: std::os::raw::c_int, value: std::os::raw::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::os::raw::c_int) -> std::os::raw::c_long;
}

/// Freed memory goes back to the system after 100 ms instead of mimalloc's second: a large
/// scan frees the parsing's intermediates and the checks' working sets while it still runs,
/// and with the full delay they stayed resident until its end (the 100,000-object scan's peak
/// RSS 1,224 → 1,080 MiB). Returning it at once (a delay of 0) cost page faults for memory
/// that is reused within moments; 100 ms keeps most of the saving for fewer faults
/// (docs/benchmarks.md).
///
/// No transparent huge pages: with them every page mimalloc touches again after a purge was a
/// 2 MiB page the kernel zeroed whole (15 % of a 100,000-object scan's CPU, 30 % of the
/// real-world corpus', in `clear_page_erms`), and the resident set counted whole huge pages.
/// Off, the same scans take less CPU and less memory (docs/benchmarks.md). Disabled for the
/// process as mimalloc itself does when `MIMALLOC_ALLOW_THP=0` is set: the memory it mapped
/// before `main` was already advised.
///
/// `MIMALLOC_PURGE_DELAY` and `MIMALLOC_ALLOW_THP` in the environment still decide when set.
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a documented integer option of the linked mimalloc; any value is valid.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 100) }
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: as above; 0 is a valid value of this boolean option.
        unsafe { mi_option_set(MI_OPTION_ALLOW_THP, 0) }
        disable_transparent_huge_pages();
    }
}

/// No huge pages for this process's memory, whoever advised it.
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer argument and affects only this process; a
    // kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_number_names_mimallocs_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads an integer option of the linked mimalloc.
        let value = unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(
            value, 1000,
            "option {MI_OPTION_PURGE_DELAY} is not purge_delay (default 1000 ms)"
        );
    }

    #[test]
    fn the_allow_thp_option_number_names_mimallocs_allow_thp() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
            return;
        }
        // SAFETY: reads integer options of the linked mimalloc.
        let (before, option, after) = unsafe {
            (
                mi_option_get(MI_OPTION_ALLOW_THP - 1),
                mi_option_get(MI_OPTION_ALLOW_THP),
                mi_option_get(MI_OPTION_ALLOW_THP + 1),
            )
        };
        // Its neighbours' defaults pin the numbering: page_cross_thread_max_reclaim (32)
        // before it, minimal_purge_size (0) after it; allow_thp itself defaults to on.
        assert_eq!(
            (before, option, after),
            (32, 1, 0),
            "option {MI_OPTION_ALLOW_THP} is not allow_thp"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn transparent_huge_pages_are_disabled_for_the_process() {
        disable_transparent_huge_pages();
        // SAFETY: PR_GET_THP_DISABLE takes no argument and returns the process's flag.
        let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(disabled, 1);
    }
}
