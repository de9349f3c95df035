//! The `bulkhead` command: argument parsing and wiring of the library crates, nothing else.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    restore_default_sigpipe();
    let cli = cli::Cli::parse();
    let code = match cli.command {
        cli::Command::Scan(args) => commands::scan::run(&args),
        cli::Command::Checks(args) => commands::checks::run(&args),
        cli::Command::Explain(args) => commands::explain::run(&args),
        cli::Command::Frameworks(args) => commands::frameworks::run(&args),
        cli::Command::Rbac(args) => commands::rbac::run(&args),
        cli::Command::Netpol(args) => commands::netpol::run(&args),
        cli::Command::Node(args) => commands::node::run(&args),
        cli::Command::AuditLog(args) => commands::audit_log::run(&args),
        cli::Command::AuditWebhook(args) => commands::audit_webhook::run(&args),
    };
    ExitCode::from(code)
}

/// `bulkhead checks | head` should end quietly when `head` stops reading, like any Unix
/// filter, instead of panicking on the broken pipe: Rust ignores SIGPIPE by default.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
