//! `/proc/net/tcp`, `tcp6`, `udp` and `udp6`: one socket per line, addresses in hexadecimal
//! as the kernel stores them (each 32-bit word in the host's byte order, little-endian on the
//! architectures Kubernetes nodes run: x86-64, arm64), the port in big-endian hexadecimal,
//! the state (`0A` for a listening TCP socket; a UDP socket that receives from anyone is
//! unconnected, state `07` with no remote address), and the socket's inode, which links it to
//! the processes holding it (`/proc/<pid>/fd/* -> socket:[inode]`).

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

/// The protocol of a table, which decides what "listening" means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
}

/// The listening sockets of a `tcp` (IPv4) or `tcp6` table, and the lines that could not be
/// read (the header is skipped).
pub fn parse(text: &str) -> (Vec<Listener>, Vec<BadLine>) {
    parse_table(text, Protocol::Tcp)
}

/// The sockets of a `udp` or `udp6` table that receive from any peer (bound, unconnected),
/// and the lines that could not be read.
pub fn parse_udp(text: &str) -> (Vec<Listener>, Vec<BadLine>) {
    parse_table(text, Protocol::Udp)
}

/// The listening sockets of a table of `protocol`.
pub fn parse_table(text: &str, protocol: Protocol) -> (Vec<Listener>, Vec<BadLine>) {
    let mut listeners = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, protocol) {
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

fn parse_line(line: &str, protocol: Protocol) -> Result<Option<Listener>, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 10 {
        return Err(format!(
            "{} fields where at least 10 are expected",
            fields.len()
        ));
    }
    let listening = match protocol {
        Protocol::Tcp => fields[3] == "0A",
        // Unconnected: the remote port is 0 (`00000000:0000`, or 32 zeros for IPv6).
        Protocol::Udp => fields[3] == "07" && fields[2].ends_with(":0000"),
    };
    if !listening {
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

    const UDP: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n  128: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 18342 2 0000000000000000 0\n  300: 00000000:006F 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 19001 2 0000000000000000 0\n  301: 0A00020F:C351 08080808:0035 01 00000000:00000000 00:00000000 00000000  1000        0 20410 2 0000000000000000 0\n  302: 00000000:12B5 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20411 2 0000000000000000 0\n";

    #[test]
    fn unconnected_udp_sockets_receive_from_anyone() {
        let (listeners, bad) = parse_udp(UDP);
        assert!(bad.is_empty(), "{bad:?}");
        // The resolver stub on 127.0.0.53:53 and rpcbind on 0.0.0.0:111; the connected socket
        // (state 01) and a state UDP never has (0A) are not listeners.
        assert_eq!(listeners.len(), 2);
        assert_eq!(listeners[0].address, "127.0.0.53");
        assert_eq!(listeners[0].port, 53);
        assert_eq!(listeners[0].uid, 101);
        assert!(listeners[0].is_loopback());
        assert_eq!(listeners[1].address, "0.0.0.0");
        assert_eq!(listeners[1].port, 111);
        assert_eq!(listeners[1].inode, 19001);
        // The same lines read as TCP: only the 0A line listens.
        let (tcp, _) = parse(UDP);
        assert_eq!(tcp.len(), 1);
        assert_eq!(tcp[0].port, 4789);
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
