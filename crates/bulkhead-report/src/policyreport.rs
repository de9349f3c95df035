//! The PolicyReport report (in progress).

use std::io::{self, Write};

use crate::ScanResult;

pub fn render(_result: &ScanResult<'_>, _out: &mut dyn Write) -> io::Result<()> {
    Err(io::Error::other("the policyreport format is not available yet"))
}
