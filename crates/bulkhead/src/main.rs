//! The `bulkhead` command: argument parsing and wiring of the library crates, nothing else.

mod allocator;
mod cli;
mod commands;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    allocator::tune();
    let cli = parse();
    if !serves(&cli.command) {
        restore_default_sigpipe();
    }
    let code = match cli.command {
        cli::Command::Scan(args) => commands::scan::run(&args),
        cli::Command::Snapshot(args) => commands::snapshot::run(&args),
        cli::Command::Checks(args) => commands::checks::run(&args),
        cli::Command::Explain(args) => commands::explain::run(&args),
        cli::Command::Frameworks(args) => commands::frameworks::run(&args),
        cli::Command::Rbac(args) => commands::rbac::run(&args),
        cli::Command::Netpol(args) => commands::netpol::run(&args),
        cli::Command::Node(args) => commands::node::run(&args),
        cli::Command::Drift(args) => commands::drift::run(&args),
        cli::Command::Init(args) => commands::init::run(&args),
        cli::Command::Completions(args) => commands::generate::completions(&args),
        cli::Command::Man => commands::generate::man(),
        cli::Command::Lsp => match bulkhead_lsp::serve_stdio() {
            Ok(()) => commands::EXIT_OK,
            Err(message) => {
                eprintln!("bulkhead: error: {message}");
                commands::EXIT_ERROR
            }
        },
        cli::Command::AuditLog(args) => commands::audit_log::run(&args),
        cli::Command::AuditWebhook(args) => commands::audit_webhook::run(&args),
        cli::Command::Fix(args) => commands::fix::run(&args),
        cli::Command::History(args) => commands::history::run(&args),
        cli::Command::Serve(args) => commands::serve::run(&args),
        cli::Command::AttackPaths(args) => commands::attack_paths::run(&args),
        cli::Command::Admission(args) => commands::admission::run(&args),
    };
    ExitCode::from(code)
}

/// The arguments; installed as `kubectl-bulkhead`, the binary is a kubectl plugin
/// (`kubectl bulkhead scan …`) and its help and errors say so.
fn parse() -> cli::Cli {
    let invoked = std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()));
    let mut command = cli::Cli::command();
    if invoked.as_deref() == Some("kubectl-bulkhead") {
        command = command.bin_name("kubectl bulkhead");
    }
    let matches = command.get_matches();
    cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The long-running servers: a client that closes its connection while an answer is being
/// written must cost that connection only, never the process (hyper's vectored socket writes
/// raise SIGPIPE on a closed peer; with the default action the webhook died under load).
fn serves(command: &cli::Command) -> bool {
    matches!(
        command,
        cli::Command::Serve(_)
            | cli::Command::Admission(_)
            | cli::Command::AuditWebhook(_)
            | cli::Command::Lsp
    )
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
