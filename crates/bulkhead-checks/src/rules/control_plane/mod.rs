//! Control plane: the flags of the API server, controller manager, scheduler and etcd (read
//! from static Pods, processes or systemd units alike, through `bulkhead_node`), encryption at
//! rest and the audit policy.

pub mod flags;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
