//! `/proc/net/tcp` and `/proc/net/tcp6`: one socket per line, addresses in hexadecimal as the
//! kernel stores them (each 32-bit word in the host's byte order, little-endian on the
//! architectures Kubernetes nodes run: x86-64, arm64), the port in big-endian hexadecimal,
//! state `0A` for a listening socket, and the socket's inode, which links it to the
//! processes holding it (`/proc/<pid>/fd/* -> socket:[inode]`).

use std::net::{Ipv4Addr, Ipv6Addr};

/// A listening TCP socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// `0.0.0.0`, `127.0.0.1`, `::`, `::1`, ...
    pub address: String,
    pub port: u16,
    pub uid: u32,
    pub inode: u64,
}

impl Listener {
    /// Whether the socket accepts connections on every interface.
    pub fn is_wildcard(&self) -> bool {
        self.address == "0.0.0.0" || self.address == "::"
    }

    /// Whether only this machine can reach it.
    pub fn is_loopback(&self) -> bool {
        self.address.starts_with("127.")
            || self.address == "::1"
            || self.address.starts_with("::ffff:127.")
    }
}

/// A line that could not be read, with its 1-based number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub reason: String,
}

/// The listening sockets of a `tcp` (IPv4) or `tcp6` table, and the lines that could not be
/// read (the header is skipped).
pub fn parse(text: &str) -> (Vec<Listener>, Vec<BadLine>) {
    let mut listeners = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(Some(listener)) => listeners.push(listener),
            Ok(None) => {}
            Err(reason) => bad.push(BadLine {
                line: index + 1,
                reason,
            }),
        }
    }
    (listeners, bad)
}

fn parse_line(line: &str) -> Result<Option<Listener>, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 10 {
        return Err(format!(
            "{} fields where at least 10 are expected",
            fields.len()
        ));
    }
    if fields[3] != "0A" {
        return Ok(None);
    }
    let (address, port) = fields[1]
        .split_once(':')
        .ok_or_else(|| format!("local address `{}` has no port", fields[1]))?;
    let port =
        u16::from_str_radix(port, 16).map_err(|_| format!("port `{port}` is not hexadecimal"))?;
    let address = decode_address(address)?;
    let uid = fields[7]
        .parse()
        .map_err(|_| format!("uid `{}` is not a number", fields[7]))?;
    let inode = fields[9]
        .parse()
        .map_err(|_| format!("inode `{}` is not a number", fields[9]))?;
    Ok(Some(Listener {
        address,
        port,
        uid,
        inode,
    }))
}

fn decode_address(hex: &str) -> Result<String, String> {
    let words = |count: usize| -> Result<Vec<u32>, String> {
        (0..count)
            .map(|i| {
                hex.get(i * 8..i * 8 + 8)
                    .and_then(|w| u32::from_str_radix(w, 16).ok())
                    .ok_or_else(|| format!("address `{hex}` is not hexadecimal"))
            })
            .collect()
    };
    match hex.len() {
        8 => {
            let word = words(1)?[0];
            Ok(Ipv4Addr::from(word.swap_bytes()).to_string())
        }
        32 => {
            let mut bytes = [0u8; 16];
            for (i, word) in words(4)?.into_iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
            }
            Ok(Ipv6Addr::from(bytes).to_string())
        }
        n => Err(format!("address `{hex}` has {n} digits, not 8 or 32")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000:0947 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21845 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3301 1 0000000000000000 100 0 0 10 0\n   2: 0A00020F:D2C4 0A000201:01BB 01 00000000:00000000 00:00000000 00000000  1000        0 4410 1 0000000000000000 20 4 30 10 -1\n";

    #[test]
    fn listening_ipv4_sockets_with_address_port_and_inode() {
        let (listeners, bad) = parse(TCP);
        assert!(bad.is_empty());
        assert_eq!(listeners.len(), 2);
        assert_eq!(listeners[0].address, "0.0.0.0");
        assert_eq!(listeners[0].port, 2375);
        assert_eq!(listeners[0].inode, 21845);
        assert!(listeners[0].is_wildcard());
        assert_eq!(listeners[1].address, "127.0.0.1");
        assert_eq!(listeners[1].port, 3306);
        assert!(listeners[1].is_loopback());
    }

    #[test]
    fn ipv6_words_are_in_host_order() {
        let text = "h\n 0: 00000000000000000000000000000000:2710 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 77 1\n 1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 78 1\n";
        let (listeners, bad) = parse(text);
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(listeners[0].address, "::");
        assert_eq!(listeners[0].port, 10000);
        assert_eq!(listeners[1].address, "::1");
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let (listeners, bad) = parse("h\n 0: zz:0050 0:0 0A 0 0 0 0 0 9\nshort\n");
        assert!(listeners.is_empty());
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].line, 2);
        assert_eq!(bad[1].line, 3);
    }
}
