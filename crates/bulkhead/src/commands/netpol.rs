//! `bulkhead netpol` (in progress).

use clap::Args;

use super::EXIT_ERROR;

#[derive(Args, Debug)]
pub struct NetpolArgs {
    /// Files, directories, globs, or `-` for standard input.
    pub paths: Vec<String>,
}

pub fn run(_args: &NetpolArgs) -> u8 {
    eprintln!("bulkhead: error: `bulkhead netpol` is not available yet");
    EXIT_ERROR
}
