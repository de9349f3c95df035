//! Why a file was looked at. The collector gives every `File` (and `Certificate`) object the
//! roles it plays; each file-permission check judges the files of one role. Roles name what
//! the file is, following the paths the components were given, not fixed locations.

/// The static Pod manifest of the API server (CIS 1.1.1, 1.1.2).
pub const API_SERVER_MANIFEST: &str = "kube-apiserver-manifest";
/// The static Pod manifest of the controller manager (CIS 1.1.3, 1.1.4).
pub const CONTROLLER_MANAGER_MANIFEST: &str = "kube-controller-manager-manifest";
/// The static Pod manifest of the scheduler (CIS 1.1.5, 1.1.6).
pub const SCHEDULER_MANIFEST: &str = "kube-scheduler-manifest";
/// The static Pod manifest of etcd (CIS 1.1.7, 1.1.8).
pub const ETCD_MANIFEST: &str = "etcd-manifest";
/// A CNI configuration file (CIS 1.1.9, 1.1.10).
pub const CNI_CONFIG: &str = "cni-config";
/// etcd's `--data-dir` (CIS 1.1.11, 1.1.12).
pub const ETCD_DATA_DIR: &str = "etcd-data-dir";
/// `admin.conf` and `super-admin.conf` (CIS 1.1.13, 1.1.14).
pub const ADMIN_KUBECONFIG: &str = "admin-kubeconfig";
/// The scheduler's `--kubeconfig` (CIS 1.1.15, 1.1.16).
pub const SCHEDULER_KUBECONFIG: &str = "scheduler-kubeconfig";
/// The controller manager's `--kubeconfig` (CIS 1.1.17, 1.1.18).
pub const CONTROLLER_MANAGER_KUBECONFIG: &str = "controller-manager-kubeconfig";
/// The PKI directory and everything under it (CIS 1.1.19).
pub const PKI_DIRECTORY: &str = "pki-directory";
pub const PKI_FILE: &str = "pki-file";
/// A certificate file under the PKI directory (CIS 1.1.20).
pub const PKI_CERTIFICATE: &str = "pki-certificate";
/// A private key file, under the PKI directory or named by a flag (CIS 1.1.21).
pub const PRIVATE_KEY: &str = "private-key";
/// The kubelet's systemd unit and drop-ins (CIS 4.1.1, 4.1.2).
pub const KUBELET_SERVICE: &str = "kubelet-service";
/// kube-proxy's `--kubeconfig` (CIS 4.1.3, 4.1.4).
pub const KUBE_PROXY_KUBECONFIG: &str = "kube-proxy-kubeconfig";
/// The kubelet's `--kubeconfig` (CIS 4.1.5, 4.1.6).
pub const KUBELET_KUBECONFIG: &str = "kubelet-kubeconfig";
/// The kubelet's client CA file, `authentication.x509.clientCAFile` (CIS 4.1.7, 4.1.8).
pub const CLIENT_CA: &str = "client-ca";
/// The kubelet's `--config` file and its `--config-dir` drop-ins (CIS 4.1.9, 4.1.10).
pub const KUBELET_CONFIG: &str = "kubelet-config";
/// Certificates the cluster trusts as its CA (the API server's `--client-ca-file`).
pub const CLUSTER_CA: &str = "cluster-ca";
/// The CA etcd trusts for clients (`--trusted-ca-file`).
pub const ETCD_CA: &str = "etcd-ca";
/// The encryption configuration file and the audit policy file named by API-server flags.
pub const ENCRYPTION_CONFIG: &str = "encryption-config";
pub const AUDIT_POLICY: &str = "audit-policy";
/// A container runtime's API socket (`containerd.sock`, `docker.sock`, `crio.sock`): CIS
/// Docker 3.15, 3.16.
pub const RUNTIME_SOCKET: &str = "runtime-socket";
/// The kubelet's client certificate, the node's identity towards the API server.
pub const KUBELET_CLIENT_CERTIFICATE: &str = "kubelet-client-certificate";
