//! The `bulkhead` command: argument parsing and wiring of the library crates, nothing else.

mod cli;
mod commands;
mod config;
mod settings;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let code = match cli.command {
        cli::Command::Scan(args) => commands::scan::run(&args),
        cli::Command::Checks(args) => commands::checks::run(&args),
        cli::Command::Explain(args) => commands::explain::run(&args),
        cli::Command::Frameworks(args) => commands::frameworks::run(&args),
        cli::Command::Rbac(args) => commands::rbac::run(&args),
        cli::Command::Netpol(args) => commands::netpol::run(&args),
        cli::Command::Node(args) => commands::node::run(&args),
    };
    ExitCode::from(code)
}
