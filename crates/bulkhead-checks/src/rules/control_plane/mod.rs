//! Control plane: the flags of the API server, controller manager, scheduler and etcd (read
//! from static Pods, processes or systemd units alike, through `bulkhead_node`), encryption at
//! rest and the audit policy.

pub mod etcd_shared_ca;
pub mod flags;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    // etcd certificate authority
    &etcd_shared_ca::ETCD_SHARED_CA,
];
