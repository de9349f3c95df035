//! IPv4/IPv6 CIDR blocks for `ipBlock`, without a dependency.

use std::fmt;
use std::net::IpAddr;

/// An address block: the address as a 128-bit number (IPv4 mapped), its family and prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    v6: bool,
    bits: u128,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = text.trim().split_once('/')?;
        let addr: IpAddr = addr.parse().ok()?;
        let prefix: u8 = prefix.parse().ok()?;
        let (v6, bits, max) = match addr {
            IpAddr::V4(a) => (false, u128::from(u32::from(a)), 32),
            IpAddr::V6(a) => (true, u128::from(a), 128),
        };
        (prefix <= max).then_some(Cidr { v6, bits, prefix })
    }

    fn width(&self) -> u8 {
        if self.v6 {
            128
        } else {
            32
        }
    }

    fn mask(&self) -> u128 {
        let host = u32::from(self.width() - self.prefix);
        let all = if self.v6 {
            u128::MAX
        } else {
            u128::from(u32::MAX)
        };
        if host >= 128 {
            0
        } else {
            all & !((1u128 << host) - 1)
        }
    }

    pub fn contains_ip(&self, ip: IpAddr) -> bool {
        let (v6, bits) = match ip {
            IpAddr::V4(a) => (false, u128::from(u32::from(a))),
            IpAddr::V6(a) => (true, u128::from(a)),
        };
        v6 == self.v6 && bits & self.mask() == self.bits & self.mask()
    }

    /// Whether the block covers every address of its family (`0.0.0.0/0`, `::/0`).
    pub fn is_everything(&self) -> bool {
        self.prefix == 0
    }

    /// The whole address space of one family.
    pub fn everything(v6: bool) -> Cidr {
        Cidr {
            v6,
            bits: 0,
            prefix: 0,
        }
    }

    pub fn is_v6(&self) -> bool {
        self.v6
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// The block with its host bits cleared (`10.1.2.3/8` is `10.0.0.0/8`).
    pub fn network(&self) -> Cidr {
        Cidr {
            bits: self.bits & self.mask(),
            ..*self
        }
    }

    /// Whether every address of `other` is in this block.
    pub fn contains(&self, other: &Cidr) -> bool {
        self.v6 == other.v6
            && self.prefix <= other.prefix
            && other.bits & self.mask() == self.bits & self.mask()
    }

    /// Whether the two blocks share an address (for CIDRs: one contains the other).
    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// The number of addresses as a power of two: `2^host_bits`.
    pub fn host_bits(&self) -> u8 {
        self.width() - self.prefix
    }

    /// The key blocks sort by: family, address, then larger blocks first.
    pub fn sort_key(&self) -> (bool, u128, u8) {
        (self.v6, self.bits & self.mask(), self.prefix)
    }

    /// A single address as a block (`/32` or `/128`).
    pub fn of_ip(ip: IpAddr) -> Cidr {
        match ip {
            IpAddr::V4(a) => Cidr {
                v6: false,
                bits: u128::from(u32::from(a)),
                prefix: 32,
            },
            IpAddr::V6(a) => Cidr {
                v6: true,
                bits: u128::from(a),
                prefix: 128,
            },
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let addr: IpAddr = if self.v6 {
            IpAddr::V6(self.bits.into())
        } else {
            IpAddr::V4((self.bits as u32).into())
        };
        write!(f, "{addr}/{}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains_ip("10.1.2.3".parse().unwrap()));
        assert!(!c.contains_ip("11.0.0.1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains_ip("1.2.3.4".parse().unwrap()));
        assert!(!Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains_ip("::1".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.5/32")
            .unwrap()
            .contains_ip("10.0.0.5".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
    }
}
