//! Sets of connections: per protocol, sorted disjoint port intervals.

use std::fmt;

use serde::Serialize;

/// The transport protocols NetworkPolicy ports name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Protocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
    #[serde(rename = "SCTP")]
    Sctp,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::Tcp, Protocol::Udp, Protocol::Sctp];

    pub fn parse(text: &str) -> Option<Protocol> {
        match text {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A set of (protocol, port) pairs. Ports run 1..=65535; intervals are inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConnSet {
    ports: [Vec<(u16, u16)>; 3],
}

impl ConnSet {
    /// No connection at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Every port of every protocol.
    pub fn all() -> Self {
        ConnSet {
            ports: [vec![(1, 65535)], vec![(1, 65535)], vec![(1, 65535)]],
        }
    }

    /// Every port of one protocol.
    pub fn protocol(protocol: Protocol) -> Self {
        Self::range(protocol, 1, 65535)
    }

    pub fn range(protocol: Protocol, from: u16, to: u16) -> Self {
        let mut set = Self::none();
        if from <= to && to >= 1 {
            set.ports[protocol.index()].push((from.max(1), to));
        }
        set
    }

    pub fn port(protocol: Protocol, port: u16) -> Self {
        Self::range(protocol, port, port)
    }

    pub fn is_empty(&self) -> bool {
        self.ports.iter().all(Vec::is_empty)
    }

    pub fn is_all(&self) -> bool {
        *self == Self::all()
    }

    pub fn contains(&self, protocol: Protocol, port: u16) -> bool {
        self.ports[protocol.index()]
            .iter()
            .any(|&(a, b)| a <= port && port <= b)
    }

    /// The intervals of one protocol.
    pub fn intervals(&self, protocol: Protocol) -> &[(u16, u16)] {
        &self.ports[protocol.index()]
    }

    pub fn union_with(&mut self, other: &ConnSet) {
        if other.is_empty() {
            return;
        }
        for p in 0..3 {
            if other.ports[p].is_empty() {
                continue;
            }
            let mut all: Vec<(u16, u16)> = self.ports[p]
                .iter()
                .chain(other.ports[p].iter())
                .copied()
                .collect();
            all.sort_unstable();
            let mut merged: Vec<(u16, u16)> = Vec::with_capacity(all.len());
            for (a, b) in all {
                match merged.last_mut() {
                    Some(last) if u32::from(a) <= u32::from(last.1) + 1 => {
                        last.1 = last.1.max(b);
                    }
                    _ => merged.push((a, b)),
                }
            }
            self.ports[p] = merged;
        }
    }

    pub fn union(&self, other: &ConnSet) -> ConnSet {
        let mut out = self.clone();
        out.union_with(other);
        out
    }

    pub fn intersect(&self, other: &ConnSet) -> ConnSet {
        let mut out = ConnSet::none();
        for p in 0..3 {
            let (xs, ys) = (&self.ports[p], &other.ports[p]);
            let (mut i, mut j) = (0, 0);
            while i < xs.len() && j < ys.len() {
                let a = xs[i].0.max(ys[j].0);
                let b = xs[i].1.min(ys[j].1);
                if a <= b {
                    out.ports[p].push((a, b));
                }
                if xs[i].1 < ys[j].1 {
                    i += 1;
                } else {
                    j += 1;
                }
            }
        }
        out
    }

    /// What `self` has and `other` does not.
    pub fn minus(&self, other: &ConnSet) -> ConnSet {
        let mut out = ConnSet::none();
        for p in 0..3 {
            for &(a, b) in &self.ports[p] {
                let mut start = u32::from(a);
                let end = u32::from(b);
                for &(x, y) in &other.ports[p] {
                    let (x, y) = (u32::from(x), u32::from(y));
                    if y < start || x > end {
                        continue;
                    }
                    if x > start {
                        out.ports[p].push((start as u16, (x - 1) as u16));
                    }
                    start = y + 1;
                }
                if start <= end {
                    out.ports[p].push((start as u16, end as u16));
                }
            }
        }
        out
    }
}

impl fmt::Display for ConnSet {
    /// `all`, `none`, or `TCP 80,443,8000-8080; UDP 53`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("all");
        }
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut parts = Vec::new();
        for protocol in Protocol::ALL {
            let ranges = self.intervals(protocol);
            if ranges.is_empty() {
                continue;
            }
            if ranges == [(1, 65535)] {
                parts.push(format!("{} all", protocol.name()));
                continue;
            }
            let list: Vec<String> = ranges
                .iter()
                .map(|&(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}-{b}")
                    }
                })
                .collect();
            parts.push(format!("{} {}", protocol.name(), list.join(",")));
        }
        f.write_str(&parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_merges_adjacent_intervals() {
        let mut s = ConnSet::range(Protocol::Tcp, 80, 81);
        s.union_with(&ConnSet::port(Protocol::Tcp, 82));
        s.union_with(&ConnSet::port(Protocol::Tcp, 90));
        assert_eq!(s.intervals(Protocol::Tcp), &[(80, 82), (90, 90)]);
        assert_eq!(s.to_string(), "TCP 80-82,90");
    }

    #[test]
    fn intersect_and_minus() {
        let a = ConnSet::protocol(Protocol::Tcp);
        let b = ConnSet::range(Protocol::Tcp, 100, 200).union(&ConnSet::port(Protocol::Udp, 53));
        assert_eq!(a.intersect(&b), ConnSet::range(Protocol::Tcp, 100, 200));
        let m = a.minus(&ConnSet::range(Protocol::Tcp, 100, 200));
        assert_eq!(m.intervals(Protocol::Tcp), &[(1, 99), (201, 65535)]);
        assert!(ConnSet::all().is_all());
        assert_eq!(ConnSet::all().to_string(), "all");
        assert!(!ConnSet::all()
            .minus(&ConnSet::all())
            .contains(Protocol::Udp, 1));
    }
}
