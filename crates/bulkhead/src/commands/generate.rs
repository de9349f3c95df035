//! `bulkhead completions SHELL` and `bulkhead man`: generated from the command-line
//! definition itself, so they can never describe flags that do not exist.

use std::io::{self, Write};

use clap::CommandFactory;

use super::{EXIT_ERROR, EXIT_OK};
use crate::cli::{Cli, CompletionsArgs};

pub fn completions(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let name = command.get_name().to_string();
    clap_complete::generate(args.shell, &mut command, name, &mut io::stdout());
    EXIT_OK
}

pub fn man() -> u8 {
    let mut page = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut page) {
        eprintln!("bulkhead: error: cannot render the manual page: {e}");
        return EXIT_ERROR;
    }
    // A closed pipe (`bulkhead man | head`) is not an error worth reporting.
    let _ = io::stdout().write_all(&page);
    EXIT_OK
}
