#!/usr/bin/env python3
"""Writes the `node` fuzz target's seeds into seeds/node/.

The target splits its input at two NUL bytes into, in order: the kubelet's systemd drop-in,
its environment file, the kubelet configuration, a kube-apiserver static Pod, a process's argv
(single NULs between arguments), a certificate, then the host's files: sshd_config, an sshd
drop-in it includes, containerd's config.toml, Docker's daemon.json, /proc/net/tcp and tcp6,
an APT setting, /proc/net/udp and udp6, a containerd registry hosts.toml, a docker.service
drop-in, CRI-O's crio.conf and a drop-in over it. The seeds are kubeadm-shaped node files, hardened and insecure, with the
project's test CA certificate.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
CA = (HERE / "../../crates/bulkhead-node/tests/fixtures/pki/ca.crt").read_text()

DROP_IN = """[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS
"""

ENV = 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"\n'

KUBELET = """apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: {anonymous}
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: {mode}
readOnlyPort: {port}
protectKernelDefaults: true
rotateCertificates: true
staticPodPath: /etc/kubernetes/manifests
tlsCipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
"""


def apiserver(flags):
    lines = "".join(f"    - {flag}\n" for flag in flags)
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\n"
        "  labels:\n    component: kube-apiserver\n    tier: control-plane\nspec:\n  hostNetwork: true\n"
        "  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.31.2\n"
        f"    command:\n    - kube-apiserver\n{lines}"
    )


HARDENED = [
    "--anonymous-auth=false",
    "--authorization-mode=Node,RBAC",
    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
    "--enable-admission-plugins=NodeRestriction",
    "--audit-log-path=/var/log/kubernetes/audit.log",
    "--audit-policy-file=/etc/kubernetes/audit/policy.yaml",
    "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
    "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
    "--profiling=false",
]
INSECURE = [
    "--anonymous-auth=true",
    "--authorization-mode=AlwaysAllow",
    "--insecure-port=8080",
    "--profiling=true",
    "--request-timeout=10m",
]


SSHD = "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin {root}\nMatch User backup\n  PasswordAuthentication yes\n"
SSHD_DROP_IN = "PasswordAuthentication {password}\nPermitEmptyPasswords no\n"

CONTAINERD = """version = 2
[plugins."io.containerd.grpc.v1.cri"]
  disable_apparmor = {apparmor}
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    privileged_without_host_devices = true
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = true
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
    endpoint = ["{mirror}"]
  [plugins."io.containerd.grpc.v1.cri".registry.configs."r.internal".tls]
    insecure_skip_verify = {skip}
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d"
"""

DOCKER = '{{"icc": {icc}, "hosts": ["unix:///var/run/docker.sock", "{host}"], "insecure-registries": [{registries}]}}\n'

TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
TCP = TCP_HEADER + (
    "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1101 1 0 100 0 0 10 0\n"
    "   1: 00000000:{port:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2101 1 0 100 0 0 10 0\n"
    "   2: 0100007F:0CEA 0A000201:01BB 01 00000000:00000000 00:00000000 00000000  1000        0 3301 1 0 20 4 30 10 -1\n"
)
TCP6 = TCP_HEADER + "   0: 00000000000000000000000000000000:280A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1301 1 0 100 0 0 10 0\n"
APT = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "{on}";\n'
UDP_HEADER = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
UDP = UDP_HEADER + (
    "  0: 00000000:{port:04X} 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 2501 2 0000000000000000 0\n"
    "  1: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 2502 2 0000000000000000 0\n"
    "  2: 0A00020F:C351 08080808:0035 01 00000000:00000000 00:00000000 00000000  1000        0 2503 2 0000000000000000 0\n"
)
UDP6 = UDP_HEADER + "  0: 00000000000000000000000000000000:2118 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 2601 2 0000000000000000 0\n"
HOSTS = 'server = "https://registry-1.docker.io"\n\n[host."{mirror}"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = {skip}\n'
DOCKER_UNIT = "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H {host}{tls}\n"
CRIO = '[crio.runtime]\nselinux = false\ncgroup_manager = "cgroupfs"\n\n[crio.image]\ninsecure_registries = ["r.internal:5000"]\n'
CRIO_DROP_IN = '[crio.runtime]\ncgroup_manager = "systemd"\n\n[crio.image]\ninsecure_registries = [{registries}]\n'


def host(secure):
    return [
        SSHD.format(root="no" if secure else "yes"),
        SSHD_DROP_IN.format(password="no" if secure else "yes"),
        CONTAINERD.format(
            apparmor="false" if secure else "true",
            mirror="https://mirror.internal" if secure else "http://mirror.internal",
            skip="false" if secure else "true",
        ),
        DOCKER.format(
            icc="false" if secure else "true",
            host="tcp://0.0.0.0:2376" if secure else "tcp://0.0.0.0:2375",
            registries="" if secure else '"r.internal:5000"',
        ),
        TCP.format(port=6443 if secure else 2375),
        TCP6,
        APT.format(on="1" if secure else "0"),
        UDP.format(port=123 if secure else 111),
        UDP6,
        HOSTS.format(
            mirror="https://mirror.internal" if secure else "http://mirror.internal",
            skip="false" if secure else "true",
        ),
        DOCKER_UNIT.format(
            host="tcp://0.0.0.0:2376" if secure else "tcp://0.0.0.0:2375",
            tls=" --tlsverify" if secure else "",
        ),
        CRIO,
        CRIO_DROP_IN.format(registries="" if secure else '"mirror.internal:5000"'),
    ]


def seed(kubelet, flags, argv, secure=True):
    parts = [DROP_IN, ENV, kubelet, apiserver(flags), "\0".join(argv), CA, *host(secure)]
    return "\0\0".join(parts).encode()


def main():
    out = HERE / "node"
    out.mkdir(exist_ok=True)
    kubelet = ["/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml", "--v=2"]
    (out / "kubeadm-hardened").write_bytes(
        seed(KUBELET.format(anonymous="false", mode="Webhook", port=0), HARDENED, kubelet)
    )
    (out / "kubeadm-insecure").write_bytes(
        seed(KUBELET.format(anonymous="true", mode="AlwaysAllow", port=10255), INSECURE, kubelet, secure=False)
    )
    (out / "apiserver-process").write_bytes(
        seed(KUBELET.format(anonymous="false", mode="Webhook", port=0), HARDENED, ["kube-apiserver", *INSECURE])
    )


if __name__ == "__main__":
    main()
