//! The collector against node trees built on disk, with real modes, owners named by the
//! node's own account files, and systemd, k3s and `/proc` layouts.

use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::Path;

use bulkhead_model::{ErrorSeverity, Inventory, Node, Object};
use bulkhead_node::component::command_lines_of;
use bulkhead_node::{collect, CollectOptions, Collected, Component};

const CA: &str = include_str!("fixtures/pki/ca.crt");
const EC_LEAF: &str = include_str!("fixtures/pki/ec-leaf.crt");
const WEAK: &str = include_str!("fixtures/pki/weak-sha1.crt");

/// A node's files under a temporary root.
struct Tree {
    dir: tempfile::TempDir,
    uid: u32,
    gid: u32,
}

impl Tree {
    /// An empty node whose `/etc/passwd` and `/etc/group` name the test's own uid and gid
    /// `kube-admin` and `kube-group`.
    fn new() -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let meta = std::fs::metadata(dir.path()).unwrap();
        let tree = Tree {
            uid: meta.uid(),
            gid: meta.gid(),
            dir,
        };
        tree.write(
            "/etc/passwd",
            &format!("kube-admin:x:{}:{}::/root:/bin/sh\n", tree.uid, tree.gid),
            0o644,
        );
        tree.write(
            "/etc/group",
            &format!("kube-group:x:{}:\n", tree.gid),
            0o644,
        );
        tree
    }

    fn host(&self, path: &str) -> std::path::PathBuf {
        self.dir.path().join(path.trim_start_matches('/'))
    }

    fn write(&self, path: &str, text: &str, mode: u32) {
        let host = self.host(path);
        std::fs::create_dir_all(host.parent().unwrap()).unwrap();
        std::fs::write(&host, text).unwrap();
        std::fs::set_permissions(&host, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn mkdir(&self, path: &str, mode: u32) {
        let host = self.host(path);
        std::fs::create_dir_all(&host).unwrap();
        std::fs::set_permissions(&host, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn link(&self, target: &str, path: &str) {
        let host = self.host(path);
        std::fs::create_dir_all(host.parent().unwrap()).unwrap();
        symlink(target, host).unwrap();
    }

    fn collect(&self) -> Collected {
        collect(&CollectOptions {
            root: self.dir.path().to_path_buf(),
            probe_versions: false,
        })
    }
}

fn running_as_root() -> bool {
    std::fs::metadata(Path::new("/proc/self"))
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn objects<'a>(collected: &'a Collected, kind: &str) -> Vec<&'a Object> {
    collected
        .objects
        .iter()
        .filter(|o| o.kind == kind)
        .collect()
}

fn text<'a>(object: &'a Object, keys: &[&str]) -> &'a str {
    object
        .root
        .path(keys)
        .and_then(Node::as_str)
        .unwrap_or_else(|| panic!("{keys:?} in {}", object.name))
}

fn file<'a>(collected: &'a Collected, path: &str) -> &'a Object {
    objects(collected, "File")
        .into_iter()
        .find(|o| o.name == path)
        .unwrap_or_else(|| panic!("no File object for {path}"))
}

fn roles(object: &Object) -> Vec<&str> {
    object
        .root
        .path(&["spec", "roles"])
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_str)
        .collect()
}

fn certificate<'a>(collected: &'a Collected, name: &str) -> &'a Object {
    objects(collected, "Certificate")
        .into_iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no Certificate object for {name}"))
}

fn no_errors(collected: &Collected) {
    assert!(collected.errors.is_empty(), "{:#?}", collected.errors);
}

/// The text at a location, and its 1-based line and column.
fn at(object: &Object, pointer: &str) -> (String, u32, u32) {
    let location = object.locate(pointer);
    assert!(location.exact, "{pointer} in {}", object.name);
    (
        object.origin.file.slice(location.span).to_string(),
        location.position.line,
        location.position.column,
    )
}

fn static_pod(name: &str, program: &str, flags: &[&str]) -> String {
    let mut text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: kube-system\nspec:\n  containers:\n  - name: {name}\n    image: registry.k8s.io/{program}:v1.31.2\n    command:\n    - {program}\n"
    );
    for flag in flags {
        text.push_str(&format!("    - {flag}\n"));
    }
    text
}

const KUBEADM_DROP_IN: &str = "[Service]
Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"
Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
";

const KUBELET_UNIT: &str = "[Unit]
Description=kubelet: The Kubernetes Node Agent

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
";

const KUBELET_CONFIG: &str = "apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
staticPodPath: /etc/kubernetes/manifests
";

/// A kubeadm control-plane node; `mode` is the mode of the sensitive files.
fn kubeadm_tree(sensitive: u32, public: u32) -> Tree {
    let tree = Tree::new();
    let manifests = "/etc/kubernetes/manifests";
    tree.write(
        &format!("{manifests}/kube-apiserver.yaml"),
        &static_pod(
            "kube-apiserver",
            "kube-apiserver",
            &[
                "--anonymous-auth=false",
                "--client-ca-file=/etc/kubernetes/pki/ca.crt",
                "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
                "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
                "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
                "--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml",
                "--audit-policy-file=/etc/kubernetes/audit/policy.yaml",
                "--authorization-config=/etc/kubernetes/authz.yaml",
            ],
        ),
        sensitive,
    );
    tree.write(
        &format!("{manifests}/kube-controller-manager.yaml"),
        &static_pod(
            "kube-controller-manager",
            "kube-controller-manager",
            &[
                "--kubeconfig=/etc/kubernetes/controller-manager.conf",
                "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
            ],
        ),
        sensitive,
    );
    tree.write(
        &format!("{manifests}/kube-scheduler.yaml"),
        &static_pod(
            "kube-scheduler",
            "kube-scheduler",
            &[
                "--kubeconfig=/etc/kubernetes/scheduler.conf",
                "--config=/etc/kubernetes/scheduler-config.yaml",
            ],
        ),
        sensitive,
    );
    tree.write(
        "/etc/kubernetes/scheduler-config.yaml",
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nenableProfiling: false\nclientConnection:\n  kubeconfig: /etc/kubernetes/scheduler.conf\n",
        sensitive,
    );
    tree.write(
        "/etc/kubernetes/authz.yaml",
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- type: Node\n  name: node\n- type: RBAC\n  name: rbac\n",
        sensitive,
    );
    tree.write(
        &format!("{manifests}/etcd.yaml"),
        &static_pod(
            "etcd",
            "etcd",
            &[
                "--data-dir=/var/lib/etcd",
                "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
                "--client-cert-auth=true",
            ],
        ),
        sensitive,
    );
    tree.mkdir("/etc/kubernetes/pki", 0o755);
    tree.write("/etc/kubernetes/pki/ca.crt", CA, public);
    tree.write("/etc/kubernetes/pki/apiserver.crt", EC_LEAF, public);
    tree.write(
        "/etc/kubernetes/pki/apiserver.key",
        "not a real key\n",
        sensitive,
    );
    tree.write("/etc/kubernetes/pki/sa.key", "not a real key\n", sensitive);
    tree.write("/etc/kubernetes/pki/etcd/ca.crt", CA, public);
    for conf in [
        "admin",
        "super-admin",
        "controller-manager",
        "scheduler",
        "kubelet",
    ] {
        tree.write(
            &format!("/etc/kubernetes/{conf}.conf"),
            "apiVersion: v1\nkind: Config\n",
            sensitive,
        );
    }
    tree.write(
        "/etc/kubernetes/enc/encryption.yaml",
        "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys: [{name: k, secret: c2VjcmV0}]\n",
        sensitive,
    );
    tree.write(
        "/etc/kubernetes/audit/policy.yaml",
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n",
        sensitive,
    );
    tree.mkdir("/var/lib/etcd", 0o700);
    tree.write("/etc/cni/net.d/10-flannel.conflist", "{}\n", sensitive);
    tree.write(
        "/usr/lib/systemd/system/kubelet.service",
        KUBELET_UNIT,
        public,
    );
    tree.write(
        "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
        KUBEADM_DROP_IN,
        public,
    );
    tree.write(
        "/var/lib/kubelet/kubeadm-flags.env",
        "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10\"\n",
        public,
    );
    tree.write("/var/lib/kubelet/config.yaml", KUBELET_CONFIG, public);
    tree
}

#[test]
fn a_hardened_kubeadm_control_plane() {
    let tree = kubeadm_tree(0o600, 0o644);
    let collected = tree.collect();
    no_errors(&collected);

    for line in [
        "kube-apiserver: static Pod /etc/kubernetes/manifests/kube-apiserver.yaml",
        "etcd: static Pod /etc/kubernetes/manifests/etcd.yaml",
        "kubelet configuration: /var/lib/kubelet/config.yaml",
    ] {
        assert!(
            collected.found.iter().any(|f| f == line),
            "{line} in {:#?}",
            collected.found
        );
    }

    // Static Pods, under their node paths.
    let pods = objects(&collected, "Pod");
    assert_eq!(pods.len(), 4);
    assert!(pods
        .iter()
        .any(|p| p.origin.file.path == "/etc/kubernetes/manifests/kube-apiserver.yaml"));

    // Files with their roles, modes and the node's own owner names.
    let manifest = file(&collected, "/etc/kubernetes/manifests/kube-apiserver.yaml");
    assert_eq!(text(manifest, &["spec", "mode"]), "0600");
    assert_eq!(text(manifest, &["spec", "type"]), "file");
    assert_eq!(text(manifest, &["spec", "user"]), "kube-admin");
    assert_eq!(text(manifest, &["spec", "group"]), "kube-group");
    assert_eq!(roles(manifest), ["kube-apiserver-manifest"]);
    for (path, role) in [
        ("/etc/kubernetes/manifests/etcd.yaml", "etcd-manifest"),
        ("/etc/kubernetes/admin.conf", "admin-kubeconfig"),
        ("/etc/kubernetes/super-admin.conf", "admin-kubeconfig"),
        ("/etc/kubernetes/scheduler.conf", "scheduler-kubeconfig"),
        (
            "/etc/kubernetes/controller-manager.conf",
            "controller-manager-kubeconfig",
        ),
        ("/etc/kubernetes/kubelet.conf", "kubelet-kubeconfig"),
        ("/etc/cni/net.d/10-flannel.conflist", "cni-config"),
        ("/usr/lib/systemd/system/kubelet.service", "kubelet-service"),
        (
            "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
            "kubelet-service",
        ),
        ("/var/lib/kubelet/config.yaml", "kubelet-config"),
        ("/etc/kubernetes/enc/encryption.yaml", "encryption-config"),
        ("/etc/kubernetes/audit/policy.yaml", "audit-policy"),
        ("/etc/kubernetes/pki", "pki-directory"),
    ] {
        assert_eq!(roles(file(&collected, path)), [role], "{path}");
    }
    let data_dir = file(&collected, "/var/lib/etcd");
    assert_eq!(text(data_dir, &["spec", "type"]), "directory");
    assert_eq!(text(data_dir, &["spec", "mode"]), "0700");
    assert_eq!(roles(data_dir), ["etcd-data-dir"]);
    let ca = file(&collected, "/etc/kubernetes/pki/ca.crt");
    assert_eq!(text(ca, &["spec", "mode"]), "0644");
    assert_eq!(
        roles(ca),
        ["client-ca", "cluster-ca", "pki-certificate", "pki-file"]
    );
    assert_eq!(
        roles(file(&collected, "/etc/kubernetes/pki/apiserver.key")),
        ["pki-file", "private-key"]
    );
    assert_eq!(
        roles(file(&collected, "/etc/kubernetes/pki/etcd/ca.crt")),
        ["etcd-ca", "pki-certificate", "pki-file"]
    );
    assert_eq!(
        roles(file(&collected, "/etc/kubernetes/pki/etcd")),
        ["pki-file"]
    );

    // Certificates.
    let ca = certificate(&collected, "/etc/kubernetes/pki/ca.crt");
    assert_eq!(ca.origin.file.path, "x509:/etc/kubernetes/pki/ca.crt");
    assert_eq!(text(ca, &["spec", "subject"]), "CN=kubernetes");
    assert_eq!(
        text(ca, &["spec", "signatureAlgorithm"]),
        "sha256WithRSAEncryption"
    );
    assert_eq!(text(ca, &["spec", "publicKeyAlgorithm"]), "RSA");
    assert_eq!(
        ca.root
            .path(&["spec", "publicKeyBits"])
            .and_then(Node::as_i64),
        Some(2048)
    );
    assert_eq!(
        ca.root.path(&["spec", "isCA"]).and_then(Node::as_bool),
        Some(true)
    );
    assert_eq!(text(ca, &["spec", "notAfter"]), "2126-11-03T16:16:02Z");
    assert_eq!(
        text(ca, &["spec", "sha256"]),
        "de4934028c52e72459fa2ef506112a9a54994916ed33cadb42b1299a403c8a1d"
    );
    assert!(roles(ca).contains(&"cluster-ca"));
    let leaf = certificate(&collected, "/etc/kubernetes/pki/apiserver.crt");
    assert_eq!(
        text(leaf, &["spec", "signatureAlgorithm"]),
        "ecdsa-with-SHA256"
    );
    assert_eq!(text(leaf, &["spec", "publicKeyAlgorithm"]), "EC");
    assert_eq!(
        leaf.root
            .path(&["spec", "publicKeyBits"])
            .and_then(Node::as_i64),
        Some(256)
    );
    assert_eq!(
        leaf.root.path(&["spec", "isCA"]).and_then(Node::as_bool),
        Some(false)
    );

    // Configuration files named by the API server's flags, loaded as objects.
    let encryption = objects(&collected, "EncryptionConfiguration");
    assert_eq!(encryption.len(), 1);
    assert_eq!(
        encryption[0].origin.file.path,
        "/etc/kubernetes/enc/encryption.yaml"
    );
    assert_eq!(objects(&collected, "Policy").len(), 1);
    assert_eq!(objects(&collected, "AuthorizationConfiguration").len(), 1);
    let scheduler = objects(&collected, "KubeSchedulerConfiguration");
    assert_eq!(scheduler.len(), 1);
    assert_eq!(
        scheduler[0].origin.file.path,
        "/etc/kubernetes/scheduler-config.yaml"
    );
    assert_eq!(objects(&collected, "KubeletConfiguration").len(), 1);
    // Kubeconfigs carry credentials: they are looked at, never loaded.
    assert!(objects(&collected, "Config").is_empty());
}

#[test]
fn the_kubelet_command_line_is_rebuilt_from_systemd_with_real_positions() {
    let tree = kubeadm_tree(0o600, 0o644);
    let collected = tree.collect();
    let arguments = objects(&collected, "Arguments");
    let files: Vec<&str> = arguments
        .iter()
        .map(|o| o.origin.file.path.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
            "/var/lib/kubelet/kubeadm-flags.env"
        ]
    );
    // The program and the variables' words, in command-line order, pointing into the files.
    assert_eq!(
        at(arguments[0], "/spec/args/0"),
        ("/usr/bin/kubelet".into(), 7, 11)
    );
    assert_eq!(
        at(arguments[0], "/spec/args/2"),
        ("--kubeconfig=/etc/kubernetes/kubelet.conf".into(), 2, 100)
    );
    assert_eq!(
        at(arguments[0], "/spec/args/3"),
        ("--config=/var/lib/kubelet/config.yaml".into(), 3, 34)
    );
    assert_eq!(
        at(arguments[1], "/spec/args/1"),
        (
            "--pod-infra-container-image=registry.k8s.io/pause:3.10".into(),
            1,
            95
        )
    );
    let positions: Vec<i64> = arguments[1]
        .root
        .path(&["spec", "positions"])
        .unwrap()
        .as_seq()
        .iter()
        .filter_map(Node::as_i64)
        .collect();
    assert_eq!(positions, [4, 5]);

    let inventory = Inventory::new(collected.objects.clone());
    let lines = command_lines_of(&inventory, Component::Kubelet);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(
        line.flag("config").unwrap().text(),
        "/var/lib/kubelet/config.yaml"
    );
    let endpoint = line.flag("container-runtime-endpoint").unwrap();
    assert_eq!(
        line.object_of(endpoint).origin.file.path,
        "/var/lib/kubelet/kubeadm-flags.env"
    );
}

#[test]
fn an_insecure_kubeadm_control_plane_keeps_its_modes_and_reports_what_it_cannot_read() {
    let tree = kubeadm_tree(0o644, 0o666);
    // A flag that names a file the node does not have, a malformed kubelet config, and a
    // manifest nobody may read.
    std::fs::remove_file(tree.host("/etc/kubernetes/enc/encryption.yaml")).unwrap();
    tree.write("/var/lib/kubelet/config.yaml", "kind: [unclosed\n", 0o644);
    tree.write("/etc/kubernetes/manifests/broken.yaml", "a: b\n", 0o000);
    let collected = tree.collect();

    let admin = file(&collected, "/etc/kubernetes/admin.conf");
    assert_eq!(text(admin, &["spec", "mode"]), "0644");
    let ca = file(&collected, "/etc/kubernetes/pki/ca.crt");
    assert_eq!(text(ca, &["spec", "mode"]), "0666");

    let missing = collected
        .errors
        .iter()
        .find(|e| e.path == "/etc/kubernetes/enc/encryption.yaml")
        .expect("an error for the missing encryption configuration");
    assert!(
        missing.message.contains("--encryption-provider-config"),
        "{}",
        missing.message
    );
    assert!(
        missing.message.contains("does not exist"),
        "{}",
        missing.message
    );
    assert!(objects(&collected, "EncryptionConfiguration").is_empty());

    let malformed = collected
        .errors
        .iter()
        .find(|e| e.path == "/var/lib/kubelet/config.yaml")
        .expect("an error for the malformed kubelet config");
    assert!(malformed.line.is_some());
    assert_eq!(malformed.severity, ErrorSeverity::Error);

    if !running_as_root() {
        let unreadable = collected
            .errors
            .iter()
            .find(|e| e.path == "/etc/kubernetes/manifests/broken.yaml")
            .expect("an error for the unreadable manifest");
        assert!(
            unreadable.message.contains("permission denied"),
            "{}",
            unreadable.message
        );
    }
    // The rest of the node was still read.
    assert_eq!(objects(&collected, "Pod").len(), 4);
    assert!(objects(&collected, "Certificate").len() >= 3);
}

#[test]
fn links_are_followed_inside_the_root_and_dangling_links_are_reported_as_links() {
    let tree = Tree::new();
    tree.write("/srv/kube/admin.conf", "x\n", 0o600);
    tree.link("/srv/kube/admin.conf", "/etc/kubernetes/admin.conf");
    tree.link(
        "/nowhere/super-admin.conf",
        "/etc/kubernetes/super-admin.conf",
    );
    tree.write("/etc/kubernetes/pki/weak.crt", WEAK, 0o644);
    let collected = tree.collect();
    no_errors(&collected);
    let admin = file(&collected, "/etc/kubernetes/admin.conf");
    assert_eq!(text(admin, &["spec", "type"]), "file");
    assert_eq!(text(admin, &["spec", "mode"]), "0600");
    let dangling = file(&collected, "/etc/kubernetes/super-admin.conf");
    assert_eq!(text(dangling, &["spec", "type"]), "symlink");
    let weak = certificate(&collected, "/etc/kubernetes/pki/weak.crt");
    assert_eq!(
        text(weak, &["spec", "signatureAlgorithm"]),
        "sha1WithRSAEncryption"
    );
    assert_eq!(
        weak.root
            .path(&["spec", "publicKeyBits"])
            .and_then(Node::as_i64),
        Some(1024)
    );
}

#[test]
fn a_ca_bundle_gives_one_certificate_per_block() {
    let tree = Tree::new();
    tree.write(
        "/etc/kubernetes/pki/bundle.crt",
        &format!("{CA}{EC_LEAF}"),
        0o644,
    );
    let collected = tree.collect();
    no_errors(&collected);
    let second = certificate(&collected, "/etc/kubernetes/pki/bundle.crt#1");
    assert_eq!(
        second.root.path(&["spec", "index"]).and_then(Node::as_i64),
        Some(1)
    );
    assert_eq!(
        text(second, &["spec", "subject"]),
        "O=system:masters, CN=kube-apiserver"
    );
}

#[test]
fn a_k3s_node_reads_kubelet_args_and_the_k3s_drop_ins() {
    let tree = Tree::new();
    tree.write("/proc/100/cmdline", "/usr/local/bin/k3s server\0", 0o444);
    tree.write(
        "/etc/rancher/k3s/config.yaml",
        "write-kubeconfig-mode: \"0644\"\nkubelet-arg:\n  - \"anonymous-auth=true\"\n  - read-only-port=10255\n",
        0o600,
    );
    tree.write(
        "/etc/rancher/k3s/config.yaml.d/50-hardening.yaml",
        "kubelet-arg+:\n  - protect-kernel-defaults=true\n",
        0o600,
    );
    let drop_ins = "/var/lib/rancher/k3s/agent/etc/kubelet.conf.d";
    tree.write(
        &format!("{drop_ins}/00-k3s-defaults.conf"),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  x509:\n    clientCAFile: /var/lib/rancher/k3s/agent/client-ca.crt\n",
        0o600,
    );
    tree.write("/var/lib/rancher/k3s/agent/client-ca.crt", CA, 0o644);
    tree.write(
        "/var/lib/rancher/k3s/agent/kubelet.kubeconfig",
        "x\n",
        0o600,
    );
    let collected = tree.collect();
    no_errors(&collected);
    assert!(collected
        .found
        .iter()
        .any(|f| f.starts_with("k3s: process 100")));

    let arguments = objects(&collected, "Arguments");
    let files: Vec<&str> = arguments
        .iter()
        .map(|o| o.origin.file.path.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "k3s:defaults",
            "/etc/rancher/k3s/config.yaml",
            "/etc/rancher/k3s/config.yaml.d/50-hardening.yaml"
        ]
    );
    assert_eq!(
        arguments[1].root.at("/spec/args/0").and_then(Node::as_str),
        Some("--anonymous-auth=true")
    );
    assert_eq!(
        at(arguments[1], "/spec/args/0"),
        ("\"anonymous-auth=true\"".into(), 3, 5)
    );
    assert_eq!(
        at(arguments[2], "/spec/args/0"),
        ("protect-kernel-defaults=true".into(), 2, 5)
    );

    let inventory = Inventory::new(collected.objects.clone());
    let lines = command_lines_of(&inventory, Component::Kubelet);
    let line = &lines[0];
    assert_eq!(line.flag("anonymous-auth").unwrap().as_bool(), Some(true));
    assert_eq!(line.flag("read-only-port").unwrap().text(), "10255");
    assert_eq!(line.flag("config-dir").unwrap().text(), drop_ins);

    let config = objects(&collected, "KubeletConfiguration");
    assert_eq!(config.len(), 1);
    assert_eq!(
        config[0].origin.file.path,
        format!("{drop_ins}/00-k3s-defaults.conf")
    );
    assert_eq!(
        roles(file(
            &collected,
            &format!("{drop_ins}/00-k3s-defaults.conf")
        )),
        ["kubelet-config"]
    );
    assert_eq!(
        roles(file(&collected, "/var/lib/rancher/k3s/agent/client-ca.crt")),
        ["client-ca"]
    );
    assert_eq!(
        roles(file(
            &collected,
            "/var/lib/rancher/k3s/agent/kubelet.kubeconfig"
        )),
        ["kubelet-kubeconfig"]
    );
    certificate(&collected, "/var/lib/rancher/k3s/agent/client-ca.crt");
}

#[test]
fn a_kubelet_config_at_a_custom_path_named_in_etc_default_kubelet() {
    let tree = Tree::new();
    tree.write(
        "/lib/systemd/system/kubelet.service",
        "[Service]\nEnvironmentFile=-/etc/default/kubelet\nExecStart=/usr/bin/kubelet $KUBELET_EXTRA_ARGS\n",
        0o644,
    );
    tree.write(
        "/etc/default/kubelet",
        "# custom layout\nKUBELET_EXTRA_ARGS='--config=/opt/kube/kubelet.yaml --kubeconfig /opt/kube/kubeconfig'\n",
        0o644,
    );
    tree.write(
        "/opt/kube/kubelet.yaml",
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nstaticPodPath: manifests\n",
        0o600,
    );
    tree.write("/opt/kube/kubeconfig", "x\n", 0o600);
    tree.write(
        "/opt/kube/manifests/kube-scheduler.yaml",
        &static_pod("kube-scheduler", "kube-scheduler", &["--profiling=false"]),
        0o600,
    );
    // A decoy at kubeadm's location: this kubelet was not given it.
    tree.write("/var/lib/kubelet/config.yaml", KUBELET_CONFIG, 0o644);
    let collected = tree.collect();
    no_errors(&collected);

    let config = objects(&collected, "KubeletConfiguration");
    assert_eq!(config.len(), 1);
    assert_eq!(config[0].origin.file.path, "/opt/kube/kubelet.yaml");
    assert_eq!(
        roles(file(&collected, "/opt/kube/kubelet.yaml")),
        ["kubelet-config"]
    );
    assert_eq!(
        roles(file(&collected, "/opt/kube/kubeconfig")),
        ["kubelet-kubeconfig"]
    );
    assert_eq!(
        roles(file(&collected, "/opt/kube/manifests/kube-scheduler.yaml")),
        ["kube-scheduler-manifest"]
    );
    assert_eq!(
        roles(file(&collected, "/lib/systemd/system/kubelet.service")),
        ["kubelet-service"]
    );

    let arguments = objects(&collected, "Arguments");
    let env = arguments
        .iter()
        .find(|o| o.origin.file.path == "/etc/default/kubelet")
        .unwrap();
    assert_eq!(
        at(env, "/spec/args/0"),
        ("--config=/opt/kube/kubelet.yaml".into(), 2, 21)
    );
    assert_eq!(
        at(env, "/spec/args/2"),
        ("/opt/kube/kubeconfig".into(), 2, 66)
    );
}

#[test]
fn running_processes_are_read_exactly_and_win_over_systemd() {
    let tree = kubeadm_tree(0o600, 0o644);
    tree.write(
        "/proc/4242/cmdline",
        "/usr/local/bin/kube-apiserver\0--authorization-mode=Node,RBAC\0--audit-log-path=/var/log/kube audit/audit.log\0--admission-control-config-file=/etc/a=b.yaml\0",
        0o444,
    );
    tree.write(
        "/proc/4300/cmdline",
        "/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0--kubeconfig=/etc/kubernetes/kubelet.conf\0",
        0o444,
    );
    tree.write(
        "/etc/a=b.yaml",
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n",
        0o600,
    );
    tree.write("/proc/77/cmdline", "nginx\0-g\0daemon off;\0", 0o444);
    tree.write("/proc/self/cmdline", "bulkhead\0", 0o444);
    let collected = tree.collect();
    no_errors(&collected);

    let processes = objects(&collected, "Process");
    assert_eq!(processes.len(), 2);
    let apiserver = processes
        .iter()
        .find(|p| p.name == "kube-apiserver")
        .unwrap();
    assert_eq!(apiserver.origin.file.path, "/proc/4242/cmdline");
    assert_eq!(
        apiserver.root.path(&["spec", "pid"]).and_then(Node::as_i64),
        Some(4242)
    );
    let argv: Vec<&str> = apiserver
        .root
        .path(&["spec", "command"])
        .unwrap()
        .as_seq()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(
        argv,
        [
            "/usr/local/bin/kube-apiserver",
            "--authorization-mode=Node,RBAC",
            "--audit-log-path=/var/log/kube audit/audit.log",
            "--admission-control-config-file=/etc/a=b.yaml"
        ]
    );
    let inventory = Inventory::new(collected.objects.clone());
    let lines = command_lines_of(&inventory, Component::ApiServer);
    let from_process = lines.iter().find(|l| l.origin == "process").unwrap();
    assert_eq!(
        from_process.flag("audit-log-path").unwrap().text(),
        "/var/log/kube audit/audit.log"
    );
    let admission = objects(&collected, "AdmissionConfiguration");
    assert_eq!(admission.len(), 1);
    assert_eq!(admission[0].origin.file.path, "/etc/a=b.yaml");
    // The running kubelet is what is in effect: no command line is rebuilt from systemd,
    // but its unit files are still looked at.
    assert!(objects(&collected, "Arguments").is_empty());
    assert!(collected.found.iter().any(|f| f == "kubelet: process 4300"));
    assert_eq!(
        roles(file(
            &collected,
            "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"
        )),
        ["kubelet-service"]
    );
    assert_eq!(
        roles(file(&collected, "/etc/kubernetes/kubelet.conf")),
        ["kubelet-kubeconfig"]
    );
}

#[test]
fn systemd_drop_ins_follow_systemd_order_resets_and_expansion() {
    let tree = Tree::new();
    tree.write(
        "/lib/systemd/system/kubelet.service",
        "[Service]\nExecStart=/usr/bin/kubelet --v=2\n",
        0o644,
    );
    // Shadowed by the drop-in of the same name in /etc.
    tree.write(
        "/usr/lib/systemd/system/kubelet.service.d/20-env.conf",
        "[Service]\nEnvironment=\"A=--read-only-port=10255\"\n",
        0o644,
    );
    tree.write(
        "/etc/systemd/system/kubelet.service.d/20-env.conf",
        "[Service]\nEnvironment=A=--read-only-port=0 \"B=--node-labels=a=b, c=d\"\nEnvironment='C=--anonymous-auth=false --authorization-mode=Webhook'\n",
        0o644,
    );
    let exec =
        "[Service]\nExecStart=\nExecStart=/usr/bin/kubelet \\\n    $A ${B} $C --x=${B} $UNSET\n";
    tree.write(
        "/usr/lib/systemd/system/kubelet.service.d/10-exec.conf",
        exec,
        0o644,
    );
    let collected = tree.collect();
    no_errors(&collected);

    let inventory = Inventory::new(collected.objects.clone());
    let lines = command_lines_of(&inventory, Component::Kubelet);
    let line = &lines[0];
    let written: Vec<&str> = line.args.iter().map(|a| a.written.as_str()).collect();
    assert_eq!(
        written,
        [
            "--read-only-port=0",
            "--node-labels=a=b, c=d",
            "--anonymous-auth=false",
            "--authorization-mode=Webhook",
            "--x=--node-labels=a=b, c=d"
        ]
    );
    let port = line.flag("read-only-port").unwrap();
    let object = line.object_of(port);
    assert_eq!(
        object.origin.file.path,
        "/etc/systemd/system/kubelet.service.d/20-env.conf"
    );
    assert_eq!(
        at(object, &port.pointer),
        ("--read-only-port=0".into(), 2, 15)
    );
    let labels = line.flag("node-labels").unwrap();
    assert_eq!(
        at(object, &labels.pointer),
        ("--node-labels=a=b, c=d".into(), 2, 37)
    );
    // A word that mixes text and `${B}` points at the word as written in ExecStart=.
    let x = line.flag("x").unwrap();
    let exec_object = line.object_of(x);
    assert_eq!(
        exec_object.origin.file.path,
        "/usr/lib/systemd/system/kubelet.service.d/10-exec.conf"
    );
    assert_eq!(at(exec_object, &x.pointer), ("--x=${B}".into(), 4, 16));

    let services: Vec<&str> = objects(&collected, "File")
        .into_iter()
        .filter(|o| roles(o).contains(&"kubelet-service"))
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(
        services,
        [
            "/etc/systemd/system/kubelet.service.d/20-env.conf",
            "/lib/systemd/system/kubelet.service",
            "/usr/lib/systemd/system/kubelet.service.d/10-exec.conf"
        ]
    );
}

#[test]
fn a_missing_environment_file_that_is_not_optional_is_reported() {
    let tree = Tree::new();
    tree.write(
        "/etc/systemd/system/kubelet.service",
        "[Service]\nEnvironmentFile=/etc/sysconfig/kubelet\nExecStart=/usr/bin/kubelet $KUBELET_ARGS\n",
        0o644,
    );
    let collected = tree.collect();
    assert_eq!(collected.errors.len(), 1, "{:#?}", collected.errors);
    assert_eq!(collected.errors[0].path, "/etc/sysconfig/kubelet");
    assert!(collected.errors[0]
        .message
        .contains("EnvironmentFile= in /etc/systemd/system/kubelet.service"));
}

#[test]
fn kube_proxy_in_a_container_is_read_through_its_process_root() {
    let tree = Tree::new();
    tree.write(
        "/proc/555/cmdline",
        "/usr/local/bin/kube-proxy\0--config=/var/lib/kube-proxy/config.conf\0--hostname-override=node-1\0",
        0o444,
    );
    tree.write(
        "/proc/555/root/var/lib/kube-proxy/config.conf",
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmetricsBindAddress: 0.0.0.0:10249\nclientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n",
        0o644,
    );
    tree.write(
        "/proc/555/root/var/lib/kube-proxy/kubeconfig.conf",
        "x\n",
        0o644,
    );
    let collected = tree.collect();
    no_errors(&collected);
    let config = objects(&collected, "KubeProxyConfiguration");
    assert_eq!(config.len(), 1);
    assert_eq!(
        config[0].origin.file.path,
        "/proc/555/root/var/lib/kube-proxy/config.conf"
    );
    let kubeconfig = file(
        &collected,
        "/proc/555/root/var/lib/kube-proxy/kubeconfig.conf",
    );
    assert_eq!(roles(kubeconfig), ["kube-proxy-kubeconfig"]);
    assert_eq!(text(kubeconfig, &["spec", "mode"]), "0644");
}

#[test]
fn a_configuration_file_of_the_wrong_kind_is_reported() {
    let tree = Tree::new();
    tree.write(
        "/etc/kubernetes/manifests/kube-apiserver.yaml",
        &static_pod(
            "kube-apiserver",
            "kube-apiserver",
            &["--audit-policy-file=/etc/kubernetes/audit.yaml"],
        ),
        0o600,
    );
    tree.write(
        "/etc/kubernetes/audit.yaml",
        "rules:\n- level: None\n",
        0o600,
    );
    let collected = tree.collect();
    assert_eq!(collected.errors.len(), 1, "{:#?}", collected.errors);
    assert_eq!(collected.errors[0].severity, ErrorSeverity::Warning);
    assert!(collected.errors[0].message.contains("not a Policy"));
    // Its mode is still judged.
    assert_eq!(
        roles(file(&collected, "/etc/kubernetes/audit.yaml")),
        ["audit-policy"]
    );
}

#[test]
fn kubelet_args_of_the_k3s_unit_replace_the_configured_ones() {
    let tree = Tree::new();
    tree.write(
        "/etc/rancher/k3s/config.yaml",
        "kubelet-arg:\n  - anonymous-auth=true\n",
        0o600,
    );
    let unit = "[Service]\nExecStart=/usr/local/bin/k3s \\\n    server \\\n\t'--kubelet-arg=anonymous-auth=false' \\\n\t'--kubelet-arg' 'read-only-port=0' \\\n";
    tree.write("/etc/systemd/system/k3s.service", unit, 0o644);
    tree.write(
        "/var/lib/rancher/k3s/agent/kubelet.kubeconfig",
        "x\n",
        0o600,
    );
    let collected = tree.collect();
    no_errors(&collected);
    let inventory = Inventory::new(collected.objects.clone());
    let lines = command_lines_of(&inventory, Component::Kubelet);
    let line = &lines[0];
    let anonymous = line.flag("anonymous-auth").unwrap();
    assert_eq!(anonymous.as_bool(), Some(false));
    let object = line.object_of(anonymous);
    assert_eq!(object.origin.file.path, "/etc/systemd/system/k3s.service");
    assert_eq!(
        at(object, &anonymous.pointer),
        ("'--kubelet-arg=anonymous-auth=false'".into(), 4, 2)
    );
    let port = line.flag("read-only-port").unwrap();
    assert_eq!(port.text(), "0");
    assert_eq!(
        at(object, &port.pointer),
        ("'read-only-port=0'".into(), 5, 18)
    );
    assert_eq!(line.occurrences("anonymous-auth").count(), 1);
}

#[test]
fn without_any_kubelet_command_line_the_usual_locations_are_read() {
    let tree = Tree::new();
    tree.write(
        "/etc/kubernetes/kubelet/config.json",
        "{\"apiVersion\": \"kubelet.config.k8s.io/v1beta1\", \"kind\": \"KubeletConfiguration\", \"readOnlyPort\": 0}\n",
        0o644,
    );
    tree.write(
        "/etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf",
        "{\"apiVersion\": \"kubelet.config.k8s.io/v1beta1\", \"kind\": \"KubeletConfiguration\", \"maxPods\": 29}\n",
        0o644,
    );
    tree.write("/etc/kubernetes/kubelet.conf", "x\n", 0o600);
    let collected = tree.collect();
    no_errors(&collected);
    let configs: Vec<&str> = objects(&collected, "KubeletConfiguration")
        .iter()
        .map(|o| o.origin.file.path.as_str())
        .collect();
    assert_eq!(
        configs,
        [
            "/etc/kubernetes/kubelet/config.json",
            "/etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf"
        ]
    );
    assert_eq!(
        roles(file(&collected, "/etc/kubernetes/kubelet/config.json")),
        ["kubelet-config"]
    );
    assert_eq!(
        roles(file(&collected, "/etc/kubernetes/kubelet.conf")),
        ["kubelet-kubeconfig"]
    );
}

#[test]
fn an_rke2_node_has_its_static_pods_in_the_agent_directory() {
    let tree = Tree::new();
    tree.write(
        "/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml",
        &static_pod("kube-apiserver", "kube-apiserver", &["--profiling=false"]),
        0o600,
    );
    let collected = tree.collect();
    no_errors(&collected);
    assert!(collected.found.iter().any(|f| f
        == "kube-apiserver: static Pod /var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml"));
    assert_eq!(
        roles(file(
            &collected,
            "/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml"
        )),
        ["kube-apiserver-manifest"]
    );
}

#[test]
fn hostile_files_never_stop_the_collection() {
    let tree = Tree::new();
    let nasty = [
        "[Service]\nExecStart=\\",
        "[Service]\nEnvironment=\"A=unterminated\nExecStart=/usr/bin/kubelet $A ${A ${ $ $$ ${}\n",
        "[Service]\nExecStart=-@+!:\nEnvironment==\nEnvironmentFile=\nEnvironmentFile=-\n",
        "\u{feff}[Service]\r\nExecStart=/usr/bin/kubelet 'a\\\r\n",
        "",
    ];
    for (i, text) in nasty.iter().enumerate() {
        tree.write(
            &format!("/etc/systemd/system/kubelet.service.d/{i}.conf"),
            text,
            0o644,
        );
    }
    tree.write("/etc/default/kubelet", "A='x\nB=\"\\\nexport\n=\n", 0o644);
    std::fs::write(
        tree.host("/etc/systemd/system/kubelet.service"),
        b"[Service]\nExecStart=/usr/bin/kubelet \xff\xfe\n",
    )
    .unwrap();
    tree.write(
        "/etc/rancher/k3s/config.yaml",
        "kubelet-arg: {a: [\n",
        0o600,
    );
    tree.write(
        "/etc/rancher/k3s/config.yaml.d/x.yaml",
        "kubelet-arg: 3\nkubelet-arg+: [null, {a: 1}, 7]\n",
        0o600,
    );
    std::fs::create_dir_all(tree.host("/proc/9")).unwrap();
    std::fs::write(tree.host("/proc/9/cmdline"), b"kubelet\0--config\0\xff\0").unwrap();
    tree.write(
        "/etc/kubernetes/pki/bad.crt",
        "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        0o644,
    );
    tree.write(
        "/etc/kubernetes/pki/junk.crt",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        0o644,
    );
    tree.link("loop", "/etc/kubernetes/pki/loop");
    tree.link("/etc/kubernetes/pki/loop", "/etc/kubernetes/admin.conf");
    tree.write("/etc/kubernetes/manifests/x.yaml", "a: *b\n", 0o600);
    let collected = tree.collect();
    assert!(!collected.errors.is_empty());
    assert!(collected
        .errors
        .iter()
        .any(|e| e.path == "/etc/kubernetes/pki/junk.crt"));
}
