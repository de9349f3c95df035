//! Bulkhead's automatic fixes: `bulkhead fix` turns findings into the smallest text edits
//! that resolve them.
//!
//! A fix ([`fixes`]) says what to change at the finding's field path; [`edit`] writes it in
//! the style of the surrounding text (block or flow, indentation, quoting, JSON) and keeps
//! every other byte, comments and key order included; [`run`] repeats scan → edit until
//! nothing is left to fix, checks that the result still loads, and writes atomically. Fixes
//! are safe (applied by default) or unsafe (they may change how a workload behaves:
//! `--unsafe`).

pub mod edit;
pub mod fixes;
pub mod run;
pub mod yaml;

pub use fixes::{Change, Defaults, Fix, Safety, FIXES};
pub use run::{diff, plan, plan_texts, write, Applied, FileFix, NotFixed, Options, Outcome};
