//! Well-known dangerous components and settings.

pub mod args;
pub mod exposed_dashboard;
pub mod git_sync_command_execution;
pub mod ingress_nginx_snippet_annotations;
pub mod tiller;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &exposed_dashboard::EXPOSED_DASHBOARD,
    &tiller::TILLER,
    &ingress_nginx_snippet_annotations::INGRESS_NGINX_SNIPPET_ANNOTATIONS,
    &git_sync_command_execution::GIT_SYNC_COMMAND_EXECUTION,
];
