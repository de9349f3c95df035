//! One module per subcommand.

pub mod admission;
pub mod attack_paths;
pub mod audit;
pub mod audit_log;
pub mod audit_webhook;
pub mod checks;
pub mod cluster;
pub mod drift;
pub mod explain;
pub mod fix;
pub mod frameworks;
pub mod generate;
pub mod history;
pub mod init;
pub mod netpol;
pub mod node;
pub mod policyreports;
pub mod rbac;
pub mod report;
pub mod scan;
pub mod scan_progress;
pub mod serve;
pub mod snapshot;

/// Exit codes, as documented in the README.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;
