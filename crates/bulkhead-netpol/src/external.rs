//! Addresses outside the cluster, as the policies see them.
//!
//! The external peers of a network are the disjoint address ranges that its `ipBlock`s tell
//! apart: every CIDR and `except` of every policy, plus `0.0.0.0/0` and `::/0`, each minus the
//! largest of those blocks inside it. CIDRs either nest or do not meet, so each range is
//! "a block except some smaller blocks", and every address of one range is treated alike by
//! every rule: a rule's `ipBlock` admits all of the range (the range's block is inside its
//! `cidr` and inside none of its `except`s) or none of it. Ranges whose block is entirely
//! taken by smaller blocks do not exist.

use std::net::IpAddr;

use crate::cidr::Cidr;

/// Blocks that are not reachable over the internet: private (RFC 1918, unique local),
/// carrier-grade NAT, loopback, link-local, "this network", multicast and reserved.
const NON_PUBLIC: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

/// A range of external addresses that no policy can tell apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalPeer {
    pub block: Cidr,
    /// The largest distinguished blocks inside `block`, which belong to other ranges.
    pub except: Vec<Cidr>,
}

impl ExternalPeer {
    /// `0.0.0.0/0 except 10.0.0.0/8`, or just the block.
    pub fn id(&self) -> String {
        if self.except.is_empty() {
            return self.block.to_string();
        }
        let except: Vec<String> = self.except.iter().map(Cidr::to_string).collect();
        format!("{} except {}", self.block, except.join(", "))
    }

    pub fn contains_ip(&self, ip: IpAddr) -> bool {
        self.block.contains_ip(ip) && !self.except.iter().any(|e| e.contains_ip(ip))
    }

    /// Whether the range shares an address with `cidr`.
    pub fn overlaps(&self, cidr: &Cidr) -> bool {
        (self.block.contains(cidr) || cidr.contains(&self.block))
            && !self.except.iter().any(|e| e.contains(cidr))
    }

    /// Whether a policy rule's peers admit this range: every peer when the rule names none,
    /// else an ipBlock that holds it (selector peers never reach outside the cluster).
    pub fn admitted_by_rule(&self, rule: &crate::model::Rule) -> bool {
        match &rule.peers {
            None => true,
            Some(peers) => peers.iter().any(|p| match p {
                crate::model::Peer::IpBlock { cidr, except } => self.admitted_by(cidr, except),
                _ => false,
            }),
        }
    }

    /// Whether an `ipBlock` (`cidr` minus `except`) admits this whole range. By
    /// construction it then admits all of it or none of it.
    pub fn admitted_by(&self, cidr: &Cidr, except: &[Cidr]) -> bool {
        cidr.contains(&self.block) && !except.iter().any(|e| e.contains(&self.block))
    }

    /// Whether the range holds internet (public) addresses: its block is not inside a
    /// private, loopback, link-local, CGNAT, multicast or reserved block.
    pub fn is_public(&self) -> bool {
        !NON_PUBLIC
            .iter()
            .filter_map(|b| Cidr::parse(b))
            .any(|b| b.contains(&self.block))
    }
}

/// Whether the disjoint `children` (all strictly inside `block`) cover all of it.
fn covered(block: &Cidr, children: &[Cidr]) -> bool {
    // Sizes are powers of two below 2^128; a sum that overflows reached 2^128 (all of ::/0).
    let mut sum: u128 = 0;
    for c in children {
        match sum.checked_add(1u128 << c.host_bits().min(127)) {
            Some(s) => sum = s,
            None => return true,
        }
    }
    block.host_bits() < 128 && sum >= 1u128 << block.host_bits()
}

/// The external peers that these blocks (every `cidr` and `except` of the policies) tell
/// apart, ordered by family, address, then size (largest first).
pub fn external_peers(blocks: impl IntoIterator<Item = Cidr>) -> Vec<ExternalPeer> {
    let mut all: Vec<Cidr> = blocks.into_iter().map(|c| c.network()).collect();
    all.push(Cidr::everything(false));
    all.push(Cidr::everything(true));
    all.sort_by_key(Cidr::sort_key);
    all.dedup();
    let mut out = Vec::new();
    for block in &all {
        // The largest distinguished blocks strictly inside this one.
        let inside: Vec<Cidr> = all
            .iter()
            .filter(|c| *c != block && block.contains(c))
            .copied()
            .collect();
        let except: Vec<Cidr> = inside
            .iter()
            .filter(|c| !inside.iter().any(|o| o != *c && o.contains(c)))
            .copied()
            .collect();
        if covered(block, &except) {
            continue;
        }
        out.push(ExternalPeer {
            block: *block,
            except,
        });
    }
    out
}
