//! `bulkhead rbac` (in progress).

use clap::Args;

use super::EXIT_ERROR;

#[derive(Args, Debug)]
pub struct RbacArgs {
    /// Files, directories, globs, or `-` for standard input.
    pub paths: Vec<String>,
}

pub fn run(_args: &RbacArgs) -> u8 {
    eprintln!("bulkhead: error: `bulkhead rbac` is not available yet");
    EXIT_ERROR
}
