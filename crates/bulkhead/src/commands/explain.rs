//! `bulkhead explain ID`: a check's documentation, from its doc comment.

use bulkhead_checks::find_check;

use super::{EXIT_ERROR, EXIT_OK};
use crate::cli::ExplainArgs;

pub fn run(args: &ExplainArgs) -> u8 {
    let Some(check) = find_check(&args.check) else {
        eprintln!(
            "bulkhead: error: no check is named {:?} (see `bulkhead checks`)",
            args.check
        );
        return EXIT_ERROR;
    };
    print!("{}", bulkhead_checks::docs::markdown(check));
    EXIT_OK
}
