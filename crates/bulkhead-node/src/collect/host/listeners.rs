//! Listening TCP sockets from `/proc/net/tcp` and `tcp6`, and UDP sockets that receive from
//! anyone from `/proc/net/udp` and `udp6`, each with the processes that hold it (found
//! through `/proc/<pid>/fd/*`, whose links read `socket:[inode]`).

use std::collections::BTreeMap;

use bulkhead_model::Object;

use super::fact;
use crate::collect::fs::{describe, NodeFs, ReadFailure};
use crate::host::proc_net::{self, Protocol};
use crate::render::quote;

/// The socket tables, by the name of their `Listeners` object.
const TABLES: &[(&str, &str, Protocol)] = &[
    ("tcp", "/proc/net/tcp", Protocol::Tcp),
    ("tcp6", "/proc/net/tcp6", Protocol::Tcp),
    ("udp", "/proc/net/udp", Protocol::Udp),
    ("udp6", "/proc/net/udp6", Protocol::Udp),
];

/// One `Listeners` object per table that exists (`tcp`, `tcp6`, `udp`, `udp6`); UDP tables
/// say `protocol: udp` (a table without it is TCP).
pub(crate) fn listeners(fs: &mut NodeFs, found: &mut Vec<String>) -> Vec<Object> {
    let mut tables = Vec::new();
    for &(name, path, protocol) in TABLES {
        match fs.read_bytes(path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let (listeners, bad) = proc_net::parse_table(&text, protocol);
                for line in bad {
                    fs.warning(
                        path,
                        format!(
                            "{path} line {}: {}; that socket is not judged",
                            line.line, line.reason
                        ),
                    );
                }
                tables.push((name, path, protocol, listeners));
            }
            Err(ReadFailure::Missing) => {}
            Err(ReadFailure::Other(reason)) => fs.error(
                path,
                format!("cannot read {path}: {reason}; listening services are not evaluated"),
            ),
        }
    }
    if tables.is_empty() {
        return Vec::new();
    }
    let owners = socket_owners(fs);
    let mut objects = Vec::new();
    let (mut tcp, mut udp) = (None, None);
    for (name, path, protocol, listeners) in tables {
        let count = match protocol {
            Protocol::Tcp => tcp.get_or_insert(0),
            Protocol::Udp => udp.get_or_insert(0),
        };
        *count += listeners.len();
        let mut spec = String::new();
        if listeners.is_empty() {
            spec.push_str("  sockets: []\n");
        } else {
            spec.push_str("  sockets:\n");
        }
        for l in &listeners {
            spec.push_str(&format!(
                "  - address: {}\n    port: {}\n    uid: {}\n    inode: {}\n",
                quote(&l.address),
                l.port,
                l.uid,
                l.inode
            ));
            let processes: Vec<String> = owners
                .get(&l.inode)
                .map(|o| o.iter().map(|p| quote(p)).collect())
                .unwrap_or_default();
            spec.push_str(&format!("    processes: [{}]\n", processes.join(", ")));
        }
        if protocol == Protocol::Udp {
            spec.push_str("  protocol: udp\n");
        }
        objects.extend(fact(fs, path, "Listeners", name, &spec));
    }
    if let Some(count) = tcp {
        found.push(format!(
            "listening TCP sockets: {count} in /proc/net/tcp and tcp6"
        ));
    }
    if let Some(count) = udp {
        found.push(format!(
            "receiving UDP sockets: {count} in /proc/net/udp and udp6"
        ));
    }
    objects
}

/// Socket inode → `dockerd (pid 812)` for every process whose descriptors could be read.
fn socket_owners(fs: &mut NodeFs) -> BTreeMap<u64, Vec<String>> {
    let mut owners: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let mut denied = 0usize;
    let pids: Vec<u32> = fs
        .list("/proc")
        .into_iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    for pid in pids {
        let dir = fs.host_path(&format!("/proc/{pid}/fd"));
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                denied += 1;
                continue;
            }
            Err(_) => continue,
        };
        let mut inodes = Vec::new();
        for entry in entries.flatten().take(65_536) {
            let Ok(target) = std::fs::read_link(entry.path()) else {
                continue;
            };
            let target = target.to_string_lossy();
            if let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse::<u64>().ok())
            {
                inodes.push(inode);
            }
        }
        if inodes.is_empty() {
            continue;
        }
        let name = match fs.read_bytes(&format!("/proc/{pid}/comm")) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
            Err(_) => "?".to_string(),
        };
        for inode in inodes {
            let owner = format!("{name} (pid {pid})");
            let list = owners.entry(inode).or_default();
            if !list.contains(&owner) {
                list.push(owner);
            }
        }
    }
    if denied > 0 {
        let reason = describe(&std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        fs.warning(
            "/proc",
            format!("the open files of {denied} processes cannot be listed ({reason}); the owners of their listening sockets are unknown"),
        );
    }
    owners
}
