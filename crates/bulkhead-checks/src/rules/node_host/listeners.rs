//! The sockets of a `Listeners` fact (`/proc/net/tcp`, `tcp6`, `udp`, `udp6`), as the
//! listener checks read them: address, port, protocol, the processes holding each, and where
//! each field is.

use bulkhead_model::{Node, Object};

use crate::rules::node_host::facts::spec_of;

/// One listening socket.
#[derive(Debug)]
pub struct Socket<'a> {
    pub index: usize,
    pub address: &'a str,
    pub port: u16,
    pub wildcard: bool,
    pub loopback: bool,
    /// A UDP socket that receives from anyone (`protocol: udp` on its table); TCP otherwise.
    pub udp: bool,
    pub processes: Vec<&'a str>,
}

impl Socket<'_> {
    /// The pointer of one of the socket's fields.
    pub fn pointer(&self, field: &str) -> String {
        format!("/spec/sockets/{}/{field}", self.index)
    }

    /// `0.0.0.0:2375 (dockerd (pid 812))`, or `(owner unknown)`; UDP sockets say so
    /// (`UDP 0.0.0.0:111 (rpcbind (pid 1))`).
    pub fn describe(&self) -> String {
        let address = if self.address.contains(':') {
            format!("[{}]:{}", self.address, self.port)
        } else {
            format!("{}:{}", self.address, self.port)
        };
        let address = if self.udp {
            format!("UDP {address}")
        } else {
            address
        };
        if self.processes.is_empty() {
            format!("{address} (owner unknown)")
        } else {
            format!("{address} ({})", self.processes.join(", "))
        }
    }
}

/// Calls `f` with every listening TCP socket of a `Listeners` fact (nothing for any other
/// object): the services the port checks name (the Docker API, etcd, the kubelet) are TCP.
pub fn each_listener<'a>(object: &'a Object, mut f: impl FnMut(&Socket<'a>)) {
    each_socket(object, |socket| {
        if !socket.udp {
            f(socket)
        }
    });
}

/// Calls `f` with every socket of a `Listeners` fact, TCP and UDP.
pub fn each_socket<'a>(object: &'a Object, mut f: impl FnMut(&Socket<'a>)) {
    let Some(spec) = spec_of(object, "Listeners") else {
        return;
    };
    let udp = spec.get("protocol").and_then(Node::as_str) == Some("udp");
    let sockets = spec.get("sockets").map(Node::as_seq).unwrap_or(&[]);
    for (index, socket) in sockets.iter().enumerate() {
        let Some(address) = socket.get("address").and_then(Node::as_str) else {
            continue;
        };
        let Some(port) = socket
            .get("port")
            .and_then(Node::as_i64)
            .and_then(|p| u16::try_from(p).ok())
        else {
            continue;
        };
        let processes = socket
            .get("processes")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .collect();
        f(&Socket {
            index,
            address,
            port,
            wildcard: address == "0.0.0.0" || address == "::",
            loopback: address.starts_with("127.")
                || address == "::1"
                || address.starts_with("::ffff:127."),
            udp,
            processes,
        });
    }
}
