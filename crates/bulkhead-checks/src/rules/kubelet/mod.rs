//! Kubelet and kube-proxy: every setting resolved with its real precedence (defaults, the
//! `--config` file, `--config-dir` drop-ins, flags) and reported where it was decided.

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[];
