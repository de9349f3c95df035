#!/usr/bin/env python3
"""Writes the `node` fuzz target's seeds into seeds/node/.

The target splits its input at two NUL bytes into, in order: the kubelet's systemd drop-in,
its environment file, the kubelet configuration, a kube-apiserver static Pod, a process's argv
(single NULs between arguments) and a certificate. The seeds are kubeadm-shaped node files,
hardened and insecure, with the project's test CA certificate.
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


def seed(kubelet, flags, argv):
    parts = [DROP_IN, ENV, kubelet, apiserver(flags), "\0".join(argv), CA]
    return "\0\0".join(parts).encode()


def main():
    out = HERE / "node"
    out.mkdir(exist_ok=True)
    kubelet = ["/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml", "--v=2"]
    (out / "kubeadm-hardened").write_bytes(
        seed(KUBELET.format(anonymous="false", mode="Webhook", port=0), HARDENED, kubelet)
    )
    (out / "kubeadm-insecure").write_bytes(
        seed(KUBELET.format(anonymous="true", mode="AlwaysAllow", port=10255), INSECURE, kubelet)
    )
    (out / "apiserver-process").write_bytes(
        seed(KUBELET.format(anonymous="false", mode="Webhook", port=0), HARDENED, ["kube-apiserver", *INSECURE])
    )


if __name__ == "__main__":
    main()
