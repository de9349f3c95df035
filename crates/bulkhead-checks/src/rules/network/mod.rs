//! Network policy, reachability and exposure.

pub mod allow_all_rule;
pub mod common;
pub mod egress_blocks_dns;
pub mod ingress_plain_http_allowed;
pub mod ingress_wildcard_host;
pub mod ingress_without_tls;
pub mod istio_mtls_not_strict;
pub mod linkerd_default_allow;
pub mod load_balancer_source_ranges;
pub mod missing_default_deny_egress;
pub mod missing_default_deny_ingress;
pub mod node_port_service;
pub mod peer_depends_on_unknown_namespace;
pub mod peer_matches_nothing;
pub mod policy_selects_nothing;
pub mod route_exposed_workload;
pub mod service_external_ips;
pub mod sidecar_injection_without_strict_mtls;
pub mod split_peer_selectors;
pub mod ssh_port;
pub mod workload_not_selected;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &missing_default_deny_ingress::MISSING_DEFAULT_DENY_INGRESS,
    &missing_default_deny_egress::MISSING_DEFAULT_DENY_EGRESS,
    &policy_selects_nothing::POLICY_SELECTS_NOTHING,
    &allow_all_rule::ALLOW_ALL_RULE,
    &split_peer_selectors::SPLIT_PEER_SELECTORS,
    &egress_blocks_dns::EGRESS_BLOCKS_DNS,
    &service_external_ips::SERVICE_EXTERNAL_IPS,
    &load_balancer_source_ranges::LOAD_BALANCER_SOURCE_RANGES,
    &ingress_wildcard_host::INGRESS_WILDCARD_HOST,
    &istio_mtls_not_strict::ISTIO_MTLS_NOT_STRICT,
    &sidecar_injection_without_strict_mtls::SIDECAR_INJECTION_WITHOUT_STRICT_MTLS,
    &workload_not_selected::WORKLOAD_NOT_SELECTED,
    &ingress_without_tls::INGRESS_WITHOUT_TLS,
    &ingress_plain_http_allowed::INGRESS_PLAIN_HTTP_ALLOWED,
    &linkerd_default_allow::LINKERD_DEFAULT_ALLOW,
    &peer_matches_nothing::PEER_MATCHES_NOTHING,
    &node_port_service::NODE_PORT_SERVICE,
    &ssh_port::SSH_PORT,
    &route_exposed_workload::ROUTE_EXPOSED_WORKLOAD,
    &peer_depends_on_unknown_namespace::PEER_DEPENDS_ON_UNKNOWN_NAMESPACE,
];
