//! The long-running servers keep SIGPIPE ignored: a client that closes its connection while
//! an answer is written must cost that connection, never the process. (With the default
//! action, which the filters restore so `bulkhead checks | head` ends quietly, the admission
//! webhook died within a second of load from a client that closes connections.)

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Bit of SIGPIPE (13) in the `SigIgn` mask of /proc/PID/status.
const SIGPIPE_BIT: u64 = 1 << (13 - 1);

fn ignored_signals(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .expect("a SigIgn line");
    u64::from_str_radix(line.trim(), 16).unwrap()
}

#[test]
fn the_admission_webhook_ignores_sigpipe() {
    let tls =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bulkhead-server/tests/fixtures/tls");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulkhead"))
        .args(["admission", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(tls.join("server.crt"))
        .arg("--tls-key")
        .arg(tls.join("server.key"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut started = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut started)
        .unwrap();
    assert!(
        started.contains("admission webhook on https://"),
        "{started}"
    );
    let mask = ignored_signals(child.id());
    child.kill().unwrap();
    child.wait().unwrap();
    assert_ne!(mask & SIGPIPE_BIT, 0, "SigIgn {mask:x}");
}
