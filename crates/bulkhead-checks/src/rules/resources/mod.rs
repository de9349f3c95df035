//! Resource governance: requests and limits.

pub mod missing_resource_limits;
pub mod missing_resource_requests;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &missing_resource_limits::MISSING_RESOURCE_LIMITS,
    &missing_resource_requests::MISSING_RESOURCE_REQUESTS,
];

use bulkhead_model::{Container, Node};

/// The resource names of `wanted` that `resources.<section>` does not set.
pub(crate) fn missing<'a>(
    container: &Container<'_>,
    section: &str,
    wanted: &[&'a str],
) -> Vec<&'a str> {
    let set = container.get("resources").and_then(|r| r.get(section));
    wanted
        .iter()
        .copied()
        .filter(|name| set.and_then(|s| s.get(name)).is_none_or(Node::is_null))
        .collect()
}
