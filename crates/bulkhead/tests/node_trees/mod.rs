//! Node trees for the end-to-end tests of `bulkhead node`: a kubeadm control-plane node as a
//! directory, the way `--root` sees a copy of one (or a DaemonSet sees the host under
//! `/host`), with real file modes and owners. One hardened node, one insecure node.
//!
//! Owners: `etc/passwd` and `etc/group` name the uid and gid that run the tests `root` on the
//! hardened node and `ubuntu` on the insecure one, so ownership is judged by the node's own
//! names whoever runs the tests. The etcd data directory is given to uid 4711 (`etcd`) when
//! the tests may change owners (they run as root).

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// The uid the hardened node's `etcd` user has.
const ETCD_UID: u32 = 4711;

pub struct Tree {
    pub dir: TempDir,
    /// Whether the etcd data directory could be given to the `etcd` user.
    pub etcd_owned_by_etcd: bool,
}

impl Tree {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn manifests(&self) -> PathBuf {
        self.root().join("etc/kubernetes/manifests")
    }

    fn path(&self, path: &str) -> PathBuf {
        self.root().join(path.trim_start_matches('/'))
    }

    /// Writes a file of the node (`path` as the node sees it) with this mode.
    pub fn file(&self, path: &str, mode: u32, text: &str) {
        let full = self.path(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(&full, text).unwrap();
        fs::set_permissions(&full, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn dir(&self, path: &str, mode: u32) {
        let full = self.path(path);
        fs::create_dir_all(&full).unwrap();
        fs::set_permissions(&full, fs::Permissions::from_mode(mode)).unwrap();
    }

    /// Copies the test PKI (`tests/fixtures/node/<name>/pki`) to `/etc/kubernetes/pki`:
    /// certificates and public keys with `cert_mode`, private keys with `key_mode`.
    fn pki(&self, name: &str, cert_mode: u32, key_mode: u32) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/node")
            .join(name)
            .join("pki");
        for sub in ["", "etcd"] {
            for entry in fs::read_dir(from.join(sub)).unwrap() {
                let entry = entry.unwrap();
                if entry.file_type().unwrap().is_dir() {
                    continue;
                }
                let file = entry.file_name().to_string_lossy().into_owned();
                let mode = if file.ends_with(".key") {
                    key_mode
                } else {
                    cert_mode
                };
                let target = format!("/etc/kubernetes/pki/{sub}/{file}").replace("//", "/");
                self.file(&target, mode, &fs::read_to_string(entry.path()).unwrap());
            }
        }
    }

    /// `/etc/passwd` and `/etc/group` naming the tests' own uid and gid `owner`.
    fn users(&self, owner: &str) {
        let me = fs::metadata(self.root()).unwrap();
        let (uid, gid) = (me.uid(), me.gid());
        let mut passwd = String::new();
        let mut group = String::new();
        if uid != 0 {
            passwd += "root:x:0:0:root:/root:/bin/bash\n";
        }
        if gid != 0 {
            group += "root:x:0:\n";
        }
        passwd += &format!("{owner}:x:{uid}:{gid}:{owner}:/home/{owner}:/bin/bash\n");
        group += &format!("{owner}:x:{gid}:\n");
        passwd += &format!("etcd:x:{ETCD_UID}:{ETCD_UID}:etcd:/var/lib/etcd:/usr/sbin/nologin\n");
        group += &format!("etcd:x:{ETCD_UID}:\n");
        self.file("/etc/passwd", 0o644, &passwd);
        self.file("/etc/group", 0o644, &group);
    }

    /// Gives the etcd data directory to the `etcd` user, when the tests may.
    fn etcd_owns_its_data(&mut self) {
        let data = self.path("/var/lib/etcd");
        self.etcd_owned_by_etcd =
            std::os::unix::fs::chown(&data, Some(ETCD_UID), Some(ETCD_UID)).is_ok();
    }
}

/// A kubeadm static Pod: `component` runs `flags`, with the host paths kubeadm mounts.
fn static_pod(component: &str, version: &str, flags: &[&str]) -> String {
    let mut command = format!("    - {component}\n");
    for flag in flags {
        command += &format!("    - {flag}\n");
    }
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  labels:
    component: {component}
    tier: control-plane
  name: {component}
  namespace: kube-system
spec:
  containers:
  - command:
{command}    image: registry.k8s.io/{component}:{version}
    imagePullPolicy: IfNotPresent
    name: {component}
    volumeMounts:
    - mountPath: /etc/kubernetes
      name: k8s
      readOnly: true
  hostNetwork: true
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/kubernetes
      type: DirectoryOrCreate
    name: k8s
"
    )
}

fn kubeconfig(user: &str, cert: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    server: https://10.0.0.10:6443
    certificate-authority: /etc/kubernetes/pki/ca.crt
contexts:
- name: {user}@kubernetes
  context:
    cluster: kubernetes
    user: {user}
current-context: {user}@kubernetes
users:
- name: {user}
  user:
    client-certificate: /etc/kubernetes/pki/{cert}.crt
    client-key: /etc/kubernetes/pki/{cert}.key
"
    )
}

const KUBELET_UNIT: &str = "[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
";

/// kubeadm's drop-in: the flags come from environment variables and environment files.
pub const KUBEADM_DROP_IN: &str = "[Service]
Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"
Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
";

const KUBEADM_FLAGS: &str =
    "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10\"\n";

const CNI_CONFIG: &str = r#"{
  "cniVersion": "1.0.0",
  "name": "cbr0",
  "plugins": [{"type": "flannel", "delegate": {"hairpinMode": true, "isDefaultGateway": true}}]
}
"#;

const VERSION: &str = "v1.35.0";

const HARDENED_API_SERVER: &[&str] = &[
    "--advertise-address=10.0.0.10",
    "--allow-privileged=true",
    "--anonymous-auth=false",
    "--authorization-mode=Node,RBAC",
    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
    "--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs",
    "--admission-control-config-file=/etc/kubernetes/admission/admission.yaml",
    "--enable-bootstrap-token-auth=true",
    "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
    "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
    "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
    "--etcd-servers=https://127.0.0.1:2379",
    "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
    "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
    "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
    "--profiling=false",
    "--audit-log-path=/var/log/kubernetes/audit/audit.log",
    "--audit-log-maxage=30",
    "--audit-log-maxbackup=10",
    "--audit-log-maxsize=100",
    "--audit-policy-file=/etc/kubernetes/audit/policy.yaml",
    "--request-timeout=60s",
    "--secure-port=6443",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
    "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
    "--service-account-extend-token-expiration=false",
    "--service-cluster-ip-range=10.96.0.0/12",
    "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
    "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
    "--tls-min-version=VersionTLS12",
    "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml",
];

const HARDENED_CONTROLLER_MANAGER: &[&str] = &[
    "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
    "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
    "--kubeconfig=/etc/kubernetes/controller-manager.conf",
    "--bind-address=127.0.0.1",
    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
    "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
    "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
    "--leader-elect=true",
    "--profiling=false",
    "--root-ca-file=/etc/kubernetes/pki/ca.crt",
    "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
    "--terminated-pod-gc-threshold=10",
    "--use-service-account-credentials=true",
];

const HARDENED_SCHEDULER: &[&str] = &[
    "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
    "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
    "--bind-address=127.0.0.1",
    "--kubeconfig=/etc/kubernetes/scheduler.conf",
    "--leader-elect=true",
    "--profiling=false",
];

const HARDENED_ETCD: &[&str] = &[
    "--advertise-client-urls=https://10.0.0.10:2379",
    "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
    "--key-file=/etc/kubernetes/pki/etcd/server.key",
    "--client-cert-auth=true",
    "--data-dir=/var/lib/etcd",
    "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379",
    "--name=cp-1",
    "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
    "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
    "--peer-client-cert-auth=true",
    "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
    "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
];

const STRONG_CIPHERS: &str = "[TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]";

/// `readOnlyPort: 10255` here is overridden by `--read-only-port=0` in `/etc/default/kubelet`:
/// flags win over the configuration file. `makeIPTablesUtilChains` is left to its secure
/// default (true), as the API server's `--service-account-lookup` and the controller
/// manager's RotateKubeletServerCertificate gate are: unset secure defaults pass.
pub fn hardened_kubelet_config() -> String {
    format!(
        "apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
readOnlyPort: 10255
streamingConnectionIdleTimeout: 4h0m0s
protectKernelDefaults: true
eventRecordQPS: 5
tlsCertFile: /var/lib/kubelet/pki/kubelet.crt
tlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key
tlsCipherSuites: {STRONG_CIPHERS}
rotateCertificates: true
serverTLSBootstrap: true
featureGates:
  RotateKubeletServerCertificate: true
podPidsLimit: 4096
seccompDefault: true
"
    )
}

const ENCRYPTION: &str = "apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - secretbox:
          keys:
            - name: key1
              secret: c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=
      - identity: {}
";

const AUDIT_POLICY: &str = "apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  - level: Metadata
    resources:
      - group: \"\"
        resources: [secrets, configmaps, serviceaccounts/token, tokenreviews]
  - level: RequestResponse
    resources:
      - group: rbac.authorization.k8s.io
  - level: Metadata
";

const ADMISSION: &str = "apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: EventRateLimit
    path: /etc/kubernetes/admission/event-rate-limit.yaml
";

const EVENT_RATE_LIMIT: &str = "apiVersion: eventratelimit.admission.k8s.io/v1alpha1
kind: Configuration
limits:
  - type: Namespace
    qps: 50
    burst: 100
";

/// A kubeadm control-plane node hardened to the CIS benchmark.
pub fn hardened() -> Tree {
    let mut t = Tree {
        dir: TempDir::new().unwrap(),
        etcd_owned_by_etcd: false,
    };
    t.users("root");
    t.dir("/etc/kubernetes", 0o755);
    t.dir("/etc/kubernetes/manifests", 0o700);
    let manifests = [
        ("kube-apiserver", HARDENED_API_SERVER),
        ("kube-controller-manager", HARDENED_CONTROLLER_MANAGER),
        ("kube-scheduler", HARDENED_SCHEDULER),
    ];
    for (component, flags) in manifests {
        t.file(
            &format!("/etc/kubernetes/manifests/{component}.yaml"),
            0o600,
            &static_pod(component, VERSION, flags),
        );
    }
    t.file(
        "/etc/kubernetes/manifests/etcd.yaml",
        0o600,
        &static_pod("etcd", "3.6.5-0", HARDENED_ETCD),
    );
    t.file(
        "/etc/kubernetes/admin.conf",
        0o600,
        &kubeconfig("kubernetes-admin", "apiserver-kubelet-client"),
    );
    t.file(
        "/etc/kubernetes/super-admin.conf",
        0o600,
        &kubeconfig("kubernetes-super-admin", "apiserver-kubelet-client"),
    );
    t.file(
        "/etc/kubernetes/controller-manager.conf",
        0o600,
        &kubeconfig("system:kube-controller-manager", "apiserver-kubelet-client"),
    );
    t.file(
        "/etc/kubernetes/scheduler.conf",
        0o600,
        &kubeconfig("system:kube-scheduler", "apiserver-kubelet-client"),
    );
    t.file(
        "/etc/kubernetes/kubelet.conf",
        0o600,
        &kubeconfig("system:node:cp-1", "apiserver-kubelet-client"),
    );
    t.dir("/etc/kubernetes/pki", 0o755);
    t.pki("hardened", 0o644, 0o600);
    t.file("/etc/kubernetes/enc/encryption.yaml", 0o600, ENCRYPTION);
    t.file("/etc/kubernetes/audit/policy.yaml", 0o600, AUDIT_POLICY);
    t.file("/etc/kubernetes/admission/admission.yaml", 0o600, ADMISSION);
    t.file(
        "/etc/kubernetes/admission/event-rate-limit.yaml",
        0o600,
        EVENT_RATE_LIMIT,
    );
    t.dir("/var/lib/etcd", 0o700);
    t.dir("/var/lib/etcd/member", 0o700);
    t.etcd_owns_its_data();
    t.file("/etc/cni/net.d/10-flannel.conflist", 0o600, CNI_CONFIG);

    t.file(
        "/usr/lib/systemd/system/kubelet.service",
        0o600,
        KUBELET_UNIT,
    );
    t.file(
        "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
        0o600,
        KUBEADM_DROP_IN,
    );
    t.file("/var/lib/kubelet/kubeadm-flags.env", 0o600, KUBEADM_FLAGS);
    t.file(
        "/etc/default/kubelet",
        0o600,
        "KUBELET_EXTRA_ARGS=--read-only-port=0\n",
    );
    t.file(
        "/var/lib/kubelet/config.yaml",
        0o600,
        &hardened_kubelet_config(),
    );
    let pki = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/node/hardened/pki");
    t.file(
        "/var/lib/kubelet/pki/kubelet.crt",
        0o644,
        &fs::read_to_string(pki.join("apiserver.crt")).unwrap(),
    );
    t.file(
        "/var/lib/kubelet/pki/kubelet.key",
        0o600,
        &fs::read_to_string(pki.join("apiserver.key")).unwrap(),
    );
    t
}

const INSECURE_API_SERVER: &[&str] = &[
    "--advertise-address=10.0.0.10",
    "--allow-privileged=true",
    "--anonymous-auth=true",
    "--token-auth-file=/etc/kubernetes/tokens.csv",
    "--authorization-mode=AlwaysAllow",
    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
    "--enable-admission-plugins=AlwaysAdmit",
    "--disable-admission-plugins=ServiceAccount,NamespaceLifecycle",
    "--etcd-servers=http://127.0.0.1:2379",
    "--secure-port=6443",
    "--service-account-lookup=false",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
    "--service-cluster-ip-range=10.96.0.0/12",
    "--tls-cipher-suites=TLS_RSA_WITH_RC4_128_SHA,TLS_RSA_WITH_3DES_EDE_CBC_SHA",
];

/// `--profiling` is not set (the default is true); `--contention-profiling=false` must not be
/// read as `--profiling=false` (a substring match would).
const INSECURE_CONTROLLER_MANAGER: &[&str] = &[
    "--kubeconfig=/etc/kubernetes/controller-manager.conf",
    "--bind-address=0.0.0.0",
    "--feature-gates=RotateKubeletServerCertificate=false",
    "--contention-profiling=false",
    "--use-service-account-credentials=false",
];

const INSECURE_SCHEDULER: &[&str] = &[
    "--kubeconfig=/etc/kubernetes/scheduler.conf",
    "--bind-address=0.0.0.0",
    "--profiling=true",
];

const INSECURE_ETCD: &[&str] = &[
    "--advertise-client-urls=https://10.0.0.10:2379",
    "--auto-tls=true",
    "--client-cert-auth=false",
    "--data-dir=/var/lib/etcd",
    "--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379",
    "--name=cp-1",
    "--peer-auto-tls=true",
    "--peer-client-cert-auth=false",
    "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
];

/// The configuration file is secure about anonymous access; `--anonymous-auth=true` in
/// `/etc/default/kubelet` is what the kubelet runs with.
pub const INSECURE_KUBELET_CONFIG: &str = "apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
readOnlyPort: 10255
streamingConnectionIdleTimeout: 0s
makeIPTablesUtilChains: false
rotateCertificates: false
featureGates:
  RotateKubeletServerCertificate: false
tlsCipherSuites: [TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA]
seccompDefault: false
";

/// A kubeadm control-plane node with the mistakes the CIS benchmark is about; files are
/// owned by `ubuntu`, not root.
pub fn insecure() -> Tree {
    let t = Tree {
        dir: TempDir::new().unwrap(),
        etcd_owned_by_etcd: false,
    };
    t.users("ubuntu");
    t.dir("/etc/kubernetes", 0o755);
    t.dir("/etc/kubernetes/manifests", 0o755);
    let manifests = [
        ("kube-apiserver", VERSION, INSECURE_API_SERVER),
        (
            "kube-controller-manager",
            VERSION,
            INSECURE_CONTROLLER_MANAGER,
        ),
        ("kube-scheduler", VERSION, INSECURE_SCHEDULER),
        ("etcd", "3.6.5-0", INSECURE_ETCD),
    ];
    for (component, version, flags) in manifests {
        t.file(
            &format!("/etc/kubernetes/manifests/{component}.yaml"),
            0o644,
            &static_pod(component, version, flags),
        );
    }
    t.file(
        "/etc/kubernetes/tokens.csv",
        0o644,
        "s3cr3t-t0ken,admin,1,system:masters\n",
    );
    t.file(
        "/etc/kubernetes/admin.conf",
        0o644,
        &kubeconfig("kubernetes-admin", "apiserver-kubelet-client"),
    );
    t.file(
        "/etc/kubernetes/controller-manager.conf",
        0o644,
        &kubeconfig("system:kube-controller-manager", "apiserver-kubelet-client"),
    );
    t.file(
        "/etc/kubernetes/scheduler.conf",
        0o666,
        &kubeconfig("system:kube-scheduler", "apiserver-kubelet-client"),
    );
    t.file(
        "/etc/kubernetes/kubelet.conf",
        0o644,
        &kubeconfig("system:node:cp-1", "apiserver-kubelet-client"),
    );
    t.dir("/etc/kubernetes/pki", 0o777);
    t.pki("insecure", 0o666, 0o644);
    t.dir("/var/lib/etcd", 0o755);
    t.dir("/var/lib/etcd/member", 0o755);
    t.file("/etc/cni/net.d/10-flannel.conflist", 0o666, CNI_CONFIG);

    t.file(
        "/usr/lib/systemd/system/kubelet.service",
        0o644,
        KUBELET_UNIT,
    );
    t.file(
        "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
        0o644,
        KUBEADM_DROP_IN,
    );
    t.file("/var/lib/kubelet/kubeadm-flags.env", 0o644, KUBEADM_FLAGS);
    t.file(
        "/etc/default/kubelet",
        0o644,
        "KUBELET_EXTRA_ARGS=\"--anonymous-auth=true --hostname-override=cp-1.example --streaming-connection-idle-timeout=0\"\n",
    );
    t.file(
        "/var/lib/kubelet/config.yaml",
        0o644,
        INSECURE_KUBELET_CONFIG,
    );
    t
}
