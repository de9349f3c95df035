//! A node's files as untrusted input: systemd drop-ins and environment files, a kubelet
//! configuration, a static Pod manifest, a process's argv and a certificate, and the host's
//! own formats (`sshd_config` and an included drop-in, containerd's TOML, Docker's
//! `daemon.json`, `/proc/net/tcp` and `tcp6`, an APT setting, `/proc/net/udp` and `udp6`, a
//! containerd registry `hosts.toml`, a `docker.service` drop-in, CRI-O's `crio.conf` and a
//! drop-in merged over it), all written into a node tree that the collector reads; then every
//! check, and every finding's position.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use bulkhead_checks::{all_checks, run_checks, Options};
use bulkhead_model::Inventory;
use bulkhead_node::{collect, CollectOptions};
use libfuzzer_sys::fuzz_target;

/// Where each part of the input goes, in the order the input gives them (parts are
/// separated by two NUL bytes).
const FILES: &[&str] = &[
    "etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
    "var/lib/kubelet/kubeadm-flags.env",
    "var/lib/kubelet/config.yaml",
    "etc/kubernetes/manifests/kube-apiserver.yaml",
    "proc/100/cmdline",
    "etc/kubernetes/pki/ca.crt",
    "etc/ssh/sshd_config",
    "etc/ssh/sshd_config.d/50-fuzz.conf",
    "etc/containerd/config.toml",
    "etc/docker/daemon.json",
    "proc/net/tcp",
    "proc/net/tcp6",
    "etc/apt/apt.conf.d/20auto-upgrades",
    "proc/net/udp",
    "proc/net/udp6",
    // Read when the containerd configuration's `config_path` names /etc/containerd/certs.d.
    "etc/containerd/certs.d/docker.io/hosts.toml",
    "etc/systemd/system/docker.service.d/10-fuzz.conf",
    "etc/crio/crio.conf",
    "etc/crio/crio.conf.d/10-fuzz.conf",
];

const UNIT: &str = "[Service]\nExecStart=/usr/bin/kubelet\n";

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("bulkhead-fuzz-node-{}", std::process::id()));
        for file in FILES.iter().chain(["etc/systemd/system/kubelet.service"].iter()) {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        }
        std::fs::write(root.join("etc/systemd/system/kubelet.service"), UNIT).unwrap();
        root
    })
}

fuzz_target!(|data: &[u8]| {
    let root = root();
    let mut parts = data.split(|&b| b == 0).peekable();
    // Two NULs separate parts; a single NUL stays inside a part (argv uses it).
    let mut chunks: Vec<Vec<u8>> = vec![Vec::new()];
    while let Some(part) = parts.next() {
        chunks.last_mut().unwrap().extend_from_slice(part);
        match parts.peek() {
            Some(next) if next.is_empty() => {
                parts.next();
                chunks.push(Vec::new());
            }
            Some(_) => chunks.last_mut().unwrap().push(0),
            None => {}
        }
    }
    for (i, file) in FILES.iter().enumerate() {
        let path = root.join(file);
        match chunks.get(i) {
            Some(bytes) => std::fs::write(&path, bytes).unwrap(),
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    let collected = collect(&CollectOptions {
        root: root.clone(),
        probe_versions: false,
    });
    for object in &collected.objects {
        assert!(object.root.span.end as usize <= object.origin.file.text.len());
    }
    let inventory = Inventory::new(collected.objects);
    for finding in run_checks(&inventory, all_checks(), &Options::default()) {
        let span = finding.location.span;
        assert!(span.start <= span.end && span.end as usize <= finding.file.text.len());
        assert_eq!(finding.file.position(span), finding.location.position);
        let _ = finding.file.slice(span);
    }
});
