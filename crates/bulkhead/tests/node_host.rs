//! End-to-end behaviour of `bulkhead node` below Kubernetes: the host under a kubeadm node
//! (kernel settings, mandatory access control, listening sockets and their processes, the SSH
//! server, automatic updates, containerd and Docker, runtime sockets and versions, the
//! kubelet's client identity, bootstrap tokens), on a hardened and an insecure tree, with
//! every node-host verdict asserted; and that a source that cannot be read leaves its controls
//! not evaluated.

#[allow(dead_code)]
mod node_trees;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-27";

fn node_json(root: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["node", "--root", root.to_str().unwrap(), "-f", "json"];
    args.extend(extra);
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .env("BULKHEAD_TODAY", TODAY)
        .args(&args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code().unwrap())
}

/// (check id, path, line) of every node-host finding (ids BHN040 and up).
fn host_findings(report: &Value) -> BTreeSet<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let id = f["check"].as_str().unwrap_or_default();
            id.starts_with("BHN") && id[3..] >= *"040"
        })
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Framework control id → status.
fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["framework"]["controls"]
        .as_array()
        .expect("a framework in the report")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const SYSCTL_PATHS: &[&str] = &[
    "kernel/kptr_restrict",
    "kernel/dmesg_restrict",
    "kernel/unprivileged_bpf_disabled",
    "kernel/yama/ptrace_scope",
    "kernel/randomize_va_space",
    "fs/protected_hardlinks",
    "fs/protected_symlinks",
    "net/ipv4/conf/all/rp_filter",
    "net/ipv4/conf/default/rp_filter",
    "net/ipv4/conf/all/accept_redirects",
    "net/ipv4/conf/default/accept_redirects",
    "net/ipv4/conf/all/send_redirects",
    "net/ipv4/conf/default/send_redirects",
    "net/ipv6/conf/all/accept_redirects",
    "net/ipv6/conf/default/accept_redirects",
];

const TCP_HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

/// A `/proc/net/tcp` line for a listening IPv4 socket.
fn tcp4(slot: usize, address: [u8; 4], port: u16, inode: u64) -> String {
    let word = u32::from_le_bytes(address);
    format!("   {slot}: {word:08X}:{port:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 {inode} 1 0000000000000000 100 0 0 10 0\n")
}

/// A `/proc/net/tcp6` line for a socket listening on every IPv6 address.
fn tcp6_any(slot: usize, port: u16, inode: u64) -> String {
    format!("   {slot}: 00000000000000000000000000000000:{port:04X} 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 {inode} 1 0000000000000000 100 0 0 10 0\n")
}

const UDP_HEADER: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";

/// A `/proc/net/udp` line for an unconnected (receiving) IPv4 socket.
fn udp4(slot: usize, address: [u8; 4], port: u16, inode: u64) -> String {
    let word = u32::from_le_bytes(address);
    format!("  {slot}: {word:08X}:{port:04X} 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 {inode} 2 0000000000000000 0\n")
}

/// Host pieces common to both trees.
struct Host<'a> {
    tree: &'a node_trees::Tree,
}

impl Host<'_> {
    fn sysctls(&self, values: &[(&str, &str)], release: &str) {
        for path in SYSCTL_PATHS {
            let value = values
                .iter()
                .find(|(p, _)| p == path)
                .map_or("1", |(_, v)| v);
            let value = match (*path, values.iter().any(|(p, _)| p == path)) {
                (_, true) => value,
                (p, false) if p.contains("redirects") => "0",
                ("kernel/randomize_va_space", false) => "2",
                _ => "1",
            };
            self.tree
                .file(&format!("/proc/sys/{path}"), 0o644, &format!("{value}\n"));
        }
        self.tree
            .file("/proc/sys/kernel/osrelease", 0o444, &format!("{release}\n"));
    }

    /// A process `name` with pid `pid` holding the socket `inode`.
    fn process(&self, pid: u32, name: &str, inode: u64) {
        self.tree
            .file(&format!("/proc/{pid}/comm"), 0o444, &format!("{name}\n"));
        let fd = self.tree.root().join(format!("proc/{pid}/fd"));
        std::fs::create_dir_all(&fd).unwrap();
        std::os::unix::fs::symlink(format!("socket:[{inode}]"), fd.join("3")).unwrap();
    }

    /// The containerd socket, a real Unix socket with this mode.
    fn socket(&self, mode: u32) -> std::os::unix::net::UnixListener {
        use std::os::unix::fs::PermissionsExt;
        let path = self.tree.root().join("run/containerd/containerd.sock");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        listener
    }

    fn client_certificate(&self, name: &str, rotating: bool) {
        let pem = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/node_host")
                .join(format!("{name}.pem")),
        )
        .unwrap();
        let current = "/var/lib/kubelet/pki/kubelet-client-current.pem";
        if rotating {
            let dated = "/var/lib/kubelet/pki/kubelet-client-2025-01-01-00-00-00.pem";
            self.tree.file(dated, 0o600, &pem);
            std::os::unix::fs::symlink(
                dated,
                self.tree.root().join(current.trim_start_matches('/')),
            )
            .unwrap();
        } else {
            self.tree.file(current, 0o600, &pem);
        }
    }
}

const HARDENED_CONTAINERD: &str = r#"version = 2

[plugins."io.containerd.grpc.v1.cri"]
  enable_selinux = false
  disable_apparmor = false

  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    privileged_without_host_devices = true

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = true

  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
    endpoint = ["https://mirror.internal:5000"]
"#;

const INSECURE_CONTAINERD: &str = r#"version = 2

[plugins."io.containerd.grpc.v1.cri"]
  disable_apparmor = true
  enable_unprivileged_ports = true

  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = true

  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
    endpoint = ["http://mirror.internal:5000"]
"#;

const DPKG_HARDENED: &str = "Package: containerd.io\nStatus: install ok installed\nVersion: 1.7.22-1\n\nPackage: runc\nStatus: install ok installed\nVersion: 1.1.12-1\n";
const DPKG_INSECURE: &str = "Package: containerd.io\nStatus: install ok installed\nVersion: 1.7.22-1\n\nPackage: runc\nStatus: install ok installed\nVersion: 1.1.11-1\n\nPackage: docker-ce\nStatus: deinstall ok config-files\nVersion: 5:20.10.0-1\n";

/// The hardened kubeadm node with a hardened host under it. The listener keeps the socket
/// file alive for the test's duration.
fn hardened() -> (node_trees::Tree, std::os::unix::net::UnixListener) {
    let tree = node_trees::hardened();
    let host = Host { tree: &tree };
    host.sysctls(&[], "6.8.0-45-generic");
    tree.file("/sys/module/apparmor/parameters/enabled", 0o444, "Y\n");
    let tcp = format!(
        "{TCP_HEADER}{}{}{}",
        tcp4(0, [0, 0, 0, 0], 22, 1101),
        tcp4(1, [10, 0, 0, 10], 2379, 1201),
        tcp4(2, [127, 0, 0, 1], 2379, 1202)
    );
    tree.file("/proc/net/tcp", 0o444, &tcp);
    let tcp6 = format!(
        "{TCP_HEADER}{}{}",
        tcp6_any(0, 10250, 1301),
        tcp6_any(1, 6443, 1401)
    );
    tree.file("/proc/net/tcp6", 0o444, &tcp6);
    let udp = format!(
        "{UDP_HEADER}{}{}{}",
        udp4(0, [0, 0, 0, 0], 8472, 1501),
        udp4(1, [0, 0, 0, 0], 123, 1502),
        udp4(2, [127, 0, 0, 53], 53, 1503)
    );
    tree.file("/proc/net/udp", 0o444, &udp);
    tree.file(
        "/lib/systemd/system/docker.service",
        0o644,
        "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n",
    );
    host.process(640, "sshd", 1101);
    host.process(1201, "etcd", 1201);
    host.process(912, "kubelet", 1301);
    tree.file(
        "/etc/ssh/sshd_config",
        0o600,
        "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\n\nMatch User backup\n  PasswordAuthentication yes\n",
    );
    tree.file(
        "/etc/ssh/sshd_config.d/10-hardening.conf",
        0o600,
        "PermitEmptyPasswords no\n",
    );
    tree.file(
        "/etc/apt/apt.conf.d/20auto-upgrades",
        0o644,
        "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
    );
    tree.file(
        "/etc/apt/apt.conf.d/50unattended-upgrades",
        0o644,
        "// the package's defaults\n",
    );
    tree.file("/etc/containerd/config.toml", 0o644, HARDENED_CONTAINERD);
    tree.file(
        "/var/lib/kubelet/config.yaml",
        0o600,
        &format!(
            "{}cgroupDriver: systemd\n",
            node_trees::hardened_kubelet_config()
        ),
    );
    let socket = host.socket(0o660);
    tree.file("/var/lib/dpkg/status", 0o644, DPKG_HARDENED);
    tree.file("/etc/hostname", 0o644, "cp-1\n");
    host.client_certificate("hardened", true);
    (tree, socket)
}

/// The insecure kubeadm node with an insecure host under it.
fn insecure() -> (node_trees::Tree, std::os::unix::net::UnixListener) {
    let tree = node_trees::insecure();
    let host = Host { tree: &tree };
    host.sysctls(
        &[
            ("kernel/kptr_restrict", "0"),
            ("kernel/dmesg_restrict", "0"),
            ("kernel/unprivileged_bpf_disabled", "0"),
            ("kernel/yama/ptrace_scope", "0"),
            ("kernel/randomize_va_space", "0"),
            ("fs/protected_symlinks", "0"),
            ("net/ipv4/conf/all/rp_filter", "0"),
            ("net/ipv4/conf/all/accept_redirects", "1"),
            ("net/ipv4/conf/all/send_redirects", "1"),
        ],
        "5.4.0-150-generic",
    );
    tree.file("/sys/fs/selinux/enforce", 0o444, "0\n");
    let tcp = format!(
        "{TCP_HEADER}{}{}{}{}",
        tcp4(0, [0, 0, 0, 0], 2375, 2101),
        tcp4(1, [0, 0, 0, 0], 2379, 2201),
        tcp4(2, [0, 0, 0, 0], 10255, 2301),
        tcp4(3, [0, 0, 0, 0], 3306, 2401)
    );
    tree.file("/proc/net/tcp", 0o444, &tcp);
    tree.file(
        "/proc/net/tcp6",
        0o444,
        &format!("{TCP_HEADER}{}", tcp6_any(0, 10250, 2302)),
    );
    let udp = format!(
        "{UDP_HEADER}{}{}",
        udp4(0, [0, 0, 0, 0], 111, 2501),
        udp4(1, [0, 0, 0, 0], 2375, 2502)
    );
    tree.file("/proc/net/udp", 0o444, &udp);
    host.process(702, "rpcbind", 2501);
    tree.file(
        "/lib/systemd/system/docker.service",
        0o644,
        "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n",
    );
    tree.file(
        "/etc/systemd/system/docker.service.d/override.conf",
        0o644,
        "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n",
    );
    host.process(812, "dockerd", 2101);
    host.process(1201, "etcd", 2201);
    host.process(912, "kubelet", 2301);
    // Nothing holds 3306 that the collector can see: its owner is unknown.
    // The kubelet holds both of its sockets.
    std::os::unix::fs::symlink("socket:[2302]", tree.root().join("proc/912/fd/4")).unwrap();
    tree.file(
        "/etc/ssh/sshd_config",
        0o644,
        "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n\nMatch User backup\n  PasswordAuthentication no\n",
    );
    tree.file(
        "/etc/ssh/sshd_config.d/50-cloud-init.conf",
        0o644,
        "PermitRootLogin yes\nPermitEmptyPasswords yes\n",
    );
    tree.file(
        "/etc/apt/apt.conf.d/20auto-upgrades",
        0o644,
        "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"0\";\n",
    );
    tree.file(
        "/etc/apt/apt.conf.d/50unattended-upgrades",
        0o644,
        "// the package's defaults\n",
    );
    tree.file("/etc/containerd/config.toml", 0o644, INSECURE_CONTAINERD);
    tree.file(
        "/etc/docker/daemon.json",
        0o644,
        "{\n  \"icc\": true,\n  \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2375\"],\n  \"insecure-registries\": [\"registry.internal:5000\"]\n}\n",
    );
    let socket = host.socket(0o666);
    tree.file("/var/lib/dpkg/status", 0o644, DPKG_INSECURE);
    tree.file("/etc/hostname", 0o644, "cp-1\n");
    host.client_certificate("insecure", false);
    tree.file(
        "/etc/kubernetes/bootstrap-kubelet.conf",
        0o600,
        "apiVersion: v1\nkind: Config\nusers:\n- name: tls-bootstrap-token-user\n  user:\n    token: abcdef.0123456789abcdef\n",
    );
    (tree, socket)
}

#[test]
fn a_hardened_host_raises_no_host_finding_and_reads_every_source() {
    let (tree, _socket) = hardened();
    let (report, _) = node_json(tree.root(), &["--framework", "cis-docker-1.6"]);
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert_eq!(host_findings(&report), BTreeSet::new(), "{report:#}");
    let found: Vec<&str> = report["node"]["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for expected in [
        "kernel: 15 sysctls from /proc/sys, release 6.8.0-45-generic",
        "listening TCP sockets: 5 in /proc/net/tcp and tcp6",
        "receiving UDP sockets: 3 in /proc/net/udp and udp6",
        "docker: unit /lib/systemd/system/docker.service",
        "sshd: /etc/ssh/sshd_config, /etc/ssh/sshd_config.d/10-hardening.conf",
        "automatic updates: apt (enabled)",
        "containerd: socket /run/containerd/containerd.sock",
        "containerd: configuration /etc/containerd/config.toml",
        "containerd: version 1.7.22 (package containerd.io 1.7.22-1)",
        "runc: version 1.1.12 (package runc 1.1.12-1)",
    ] {
        assert!(found.contains(&expected), "{expected}: {found:#?}");
    }
    // Docker is not on this node: its daemon controls are not evaluated; the socket controls
    // are judged on containerd's socket, and CIS marks them manual.
    for (id, status) in verdicts(&report) {
        let expected = if id.starts_with("3.") {
            "manual"
        } else {
            "not-evaluated"
        };
        assert_eq!(status, expected, "{id}");
    }
}

/// Every node-host finding of the insecure tree: check, file and line.
fn expected_insecure() -> BTreeSet<(String, String, u64)> {
    let kernel = |id: &str, line: u64| (id.to_string(), "/proc/sys".to_string(), line);
    let at = |id: &str, path: &str, line: u64| (id.to_string(), path.to_string(), line);
    [
        // Rendered facts: the line of the value in the fact's document.
        kernel("BHN048", 6),                     // release 5.4
        kernel("BHN040", 8),                     // kptr_restrict 0
        kernel("BHN040", 9),                     // dmesg_restrict 0
        kernel("BHN041", 10),                    // unprivileged_bpf_disabled 0
        kernel("BHN042", 11),                    // ptrace_scope 0
        kernel("BHN044", 12),                    // randomize_va_space 0
        kernel("BHN043", 14),                    // protected_symlinks 0
        kernel("BHN045", 15),                    // all.rp_filter 0
        kernel("BHN046", 17),                    // all.accept_redirects 1
        kernel("BHN047", 19),                    // all.send_redirects 1
        at("BHN050", "/sys/kernel/security", 7), // SELinux permissive, no AppArmor
        at("BHN052", "/proc/net/tcp", 8),        // 0.0.0.0:2375, dockerd
        at("BHN056", "/proc/net/tcp", 8),
        at("BHN053", "/proc/net/tcp", 12), // 0.0.0.0:2379, etcd
        at("BHN054", "/proc/net/tcp", 18), // 0.0.0.0:10255, the kubelet
        at("BHN056", "/proc/net/tcp", 18),
        at("BHN056", "/proc/net/tcp", 23), // 0.0.0.0:3306, owner unknown
        at("BHN055", "/proc/net/tcp6", 8), // [::]:10250, anonymous and AlwaysAllow
        at("BHN056", "/proc/net/udp", 8),  // UDP 0.0.0.0:111, rpcbind
        at("BHN056", "/proc/net/udp", 13), // UDP 0.0.0.0:2375: not the Docker API
        at(
            "BHN052",
            "/etc/systemd/system/docker.service.d/override.conf",
            3,
        ), // -H tcp://
        at("BHN085", "dpkg:runc", 7),      // runc 1.1.11
        at("BHN065", "updates:apt", 7),
        at("BHN080", "stat:/run/containerd/containerd.sock", 8), // mode 0666
        at("BHN081", "stat:/run/containerd/containerd.sock", 9), // user ubuntu
        at("BHN081", "stat:/run/containerd/containerd.sock", 10), // group ubuntu
        at(
            "BHN090",
            "x509:/var/lib/kubelet/pki/kubelet-client-current.pem",
            7,
        ),
        at("BHN091", "identity:/etc/hostname", 9),
        at(
            "BHN092",
            "token:/etc/kubernetes/bootstrap-kubelet.conf:6",
            8,
        ),
        // Real files: the line of the setting.
        at("BHN060", "/etc/ssh/sshd_config.d/50-cloud-init.conf", 1),
        at("BHN062", "/etc/ssh/sshd_config.d/50-cloud-init.conf", 2),
        at("BHN061", "/etc/ssh/sshd_config", 1), // not set outside Match: default yes
        at("BHN051", "/etc/containerd/config.toml", 4),
        at("BHN072", "/etc/containerd/config.toml", 5),
        at("BHN071", "/etc/containerd/config.toml", 7),
        at("BHN074", "/etc/containerd/config.toml", 11), // systemd, the kubelet cgroupfs
        at("BHN070", "/etc/containerd/config.toml", 14),
        at("BHN076", "/etc/docker/daemon.json", 1), // not set: reported at the object
        at("BHN077", "/etc/docker/daemon.json", 1),
        at("BHN078", "/etc/docker/daemon.json", 1),
        at("BHN075", "/etc/docker/daemon.json", 2),
        at("BHN052", "/etc/docker/daemon.json", 3),
        at("BHN070", "/etc/docker/daemon.json", 4),
    ]
    .into_iter()
    .collect()
}

#[test]
fn an_insecure_host_fails_each_check_it_breaks_at_the_line_that_decided_it() {
    let (tree, _socket) = insecure();
    let (report, code) = node_json(tree.root(), &["--framework", "cis-docker-1.6"]);
    assert_eq!(code, 1);
    let found = host_findings(&report);
    let expected = expected_insecure();
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    // Every node-host check fired.
    let fired: BTreeSet<&str> = found.iter().map(|(id, ..)| id.as_str()).collect();
    assert_eq!(fired.len(), 34, "{fired:?}");
    // Owners and the processes holding each socket are named.
    let text = report["findings"].to_string();
    assert!(text.contains("0.0.0.0:2375 (dockerd (pid 812))"), "{text}");
    assert!(text.contains("[::]:10250 (kubelet (pid 912))"), "{text}");
    assert!(
        text.contains("UDP 0.0.0.0:111 (rpcbind (pid 702))"),
        "{text}"
    );
    assert!(
        text.contains("dockerd's unit serves the Docker API on tcp://0.0.0.0:2375"),
        "{text}"
    );
    assert!(
        text.contains("this node is cp-1.example (the kubelet's --hostname-override)"),
        "{text}"
    );
    assert!(
        !text.contains("0123456789abcdef"),
        "a token's secret never appears"
    );
    // CIS Docker: every recommendation this node breaks is a lead (CIS marks them manual).
    for (id, status) in verdicts(&report) {
        assert_eq!(status, "warn", "{id}");
    }
}

#[test]
fn a_runtime_configuration_that_cannot_be_read_leaves_its_controls_not_evaluated() {
    let (tree, _socket) = hardened();
    // Docker is installed, and its daemon.json is not a file it can read.
    tree.file("/usr/bin/dockerd", 0o755, "");
    std::fs::create_dir_all(tree.root().join("etc/docker/daemon.json")).unwrap();
    let (report, code) = node_json(tree.root(), &["--framework", "cis-docker-1.6"]);
    assert_eq!(code, 2, "an input could not be read");
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["path"] == "/etc/docker/daemon.json"
            && e["message"].as_str().unwrap().contains("not evaluated")),
        "{errors:#?}"
    );
    for (id, status) in verdicts(&report) {
        if id.starts_with("2.") {
            assert_eq!(status, "not-evaluated", "{id}: daemon.json was not read");
        }
    }
    assert_eq!(host_findings(&report), BTreeSet::new());
}

#[test]
fn a_malformed_toml_file_is_an_error_at_its_line_and_the_rest_goes_on() {
    let (tree, _socket) = hardened();
    tree.file(
        "/etc/containerd/config.toml",
        0o644,
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"\n  disable_apparmor = true\n",
    );
    let (report, code) = node_json(tree.root(), &[]);
    assert_eq!(code, 2);
    let error = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "/etc/containerd/config.toml")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(error["line"], 2, "{error:#}");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("not valid TOML"));
    // The other sources were still read and judged.
    assert!(report["node"]["found"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l.as_str().unwrap().starts_with("sshd: ")));
}

/// CIS Distribution Independent Linux on both trees: the hardened host passes every scored
/// recommendation a check decides, the insecure one fails each; the recommendations no check
/// decides are left to a person on both, and updates (not scored) are a lead.
#[test]
fn cis_linux_passes_the_hardened_host_and_fails_the_insecure_one() {
    let decided = [
        "1.5.3", "1.6.1.1", "3.1.2", "3.2.2", "3.2.7", "5.2.10", "5.2.11",
    ];
    let (tree, _socket) = hardened();
    let (report, _) = node_json(tree.root(), &["--framework", "cis-linux-2.0"]);
    for (id, status) in verdicts(&report) {
        let expected = if decided.contains(&id.as_str()) {
            "pass"
        } else {
            "manual"
        };
        assert_eq!(status, expected, "hardened {id}");
    }
    let (tree, _socket) = insecure();
    let (report, _) = node_json(tree.root(), &["--framework", "cis-linux-2.0"]);
    for (id, status) in verdicts(&report) {
        let expected = match id.as_str() {
            id if decided.contains(&id) => "fail",
            "1.8" => "warn",
            _ => "manual",
        };
        assert_eq!(status, expected, "insecure {id}");
    }
}

/// containerd's registry host files (`config_path`): a plain-HTTP mirror and a mirror whose
/// certificate is not verified are insecure registries at their lines; a verified HTTPS
/// mirror is not.
#[test]
fn containerd_registry_host_files_are_judged_at_their_lines() {
    let (tree, _socket) = hardened();
    tree.file(
        "/etc/containerd/config.toml",
        0o644,
        &HARDENED_CONTAINERD.replace(
            "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n    endpoint = [\"https://mirror.internal:5000\"]",
            "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n    config_path = \"/etc/containerd/certs.d\"",
        ),
    );
    tree.file(
        "/etc/containerd/certs.d/docker.io/hosts.toml",
        0o644,
        "server = \"https://registry-1.docker.io\"\n\n[host.\"http://mirror.internal:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n\n[host.\"https://cache.internal\"]\n  capabilities = [\"pull\", \"resolve\"]\n  skip_verify = true\n",
    );
    tree.file(
        "/etc/containerd/certs.d/quay.io/hosts.toml",
        0o644,
        "server = \"https://quay.io\"\n\n[host.\"https://mirror.internal\"]\n  capabilities = [\"pull\"]\n  ca = \"/etc/containerd/certs.d/quay.io/ca.pem\"\n",
    );
    let (report, code) = node_json(tree.root(), &[]);
    assert_eq!(code, 1);
    let hosts = "/etc/containerd/certs.d/docker.io/hosts.toml";
    let expected: BTreeSet<(String, String, u64)> = [3, 8]
        .into_iter()
        .map(|line| ("BHN070".to_string(), hosts.to_string(), line))
        .collect();
    assert_eq!(host_findings(&report), expected, "{report:#}");
    assert!(report["node"]["found"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l.as_str().unwrap()
            == "containerd: registry hosts /etc/containerd/certs.d/docker.io/hosts.toml, /etc/containerd/certs.d/quay.io/hosts.toml"));
}

/// CRI-O reads its drop-ins over crio.conf in lexical order: what a later file replaces is not
/// judged, and what it sets is judged at its own line.
#[test]
fn crio_drop_ins_are_judged_by_the_value_crio_runs_with() {
    let (tree, _socket) = hardened();
    tree.file(
        "/etc/crio/crio.conf",
        0o644,
        "[crio.runtime]\ncgroup_manager = \"cgroupfs\"\n\n[crio.image]\ninsecure_registries = [\"registry.internal:5000\"]\n",
    );
    tree.file(
        "/etc/crio/crio.conf.d/10-hardening.conf",
        0o644,
        "[crio.runtime]\ncgroup_manager = \"systemd\"\n\n[crio.image]\ninsecure_registries = []\n",
    );
    tree.file(
        "/etc/crio/crio.conf.d/20-mirror.conf",
        0o644,
        "[crio.image]\ninsecure_registries = [\"mirror.internal:5000\"]\n",
    );
    let (report, code) = node_json(tree.root(), &[]);
    assert_eq!(code, 1);
    let expected: BTreeSet<(String, String, u64)> = [(
        "BHN070".to_string(),
        "/etc/crio/crio.conf.d/20-mirror.conf".to_string(),
        2,
    )]
    .into_iter()
    .collect();
    assert_eq!(host_findings(&report), expected, "{report:#}");
    let found: Vec<&str> = report["node"]["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        found.contains(&"cri-o: crio.runtime.cgroup_manager of /etc/crio/crio.conf (replaced by /etc/crio/crio.conf.d/10-hardening.conf)"),
        "{found:#?}"
    );
}
