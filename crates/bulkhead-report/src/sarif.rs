//! The SARIF 2.1.0 report (in progress).

use std::io::{self, Write};

use crate::ScanResult;

pub fn render(_result: &ScanResult<'_>, _out: &mut dyn Write) -> io::Result<()> {
    Err(io::Error::other("the sarif format is not available yet"))
}
