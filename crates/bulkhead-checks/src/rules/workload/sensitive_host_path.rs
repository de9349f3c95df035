use bulkhead_model::{Node, Object};

use crate::rules::workload::is_static_pod;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// hostPath volumes that expose a sensitive part of the node: a container runtime socket,
    /// the root filesystem, or the node's configuration, credentials, kernel interfaces or logs.
    ///
    /// A volume is reported when its path is, is under, or contains one of: a runtime socket or
    /// its directory (`/var/run/docker.sock`, `/run/containerd/containerd.sock`,
    /// `/var/run/crio/crio.sock`, `/var/run/cri-dockerd.sock`, and the `/run` and `/var/run`
    /// directories themselves), `/` itself, `/etc`, `/etc/kubernetes`, `/proc`, `/sys`, `/dev`,
    /// `/boot`, `/root`, `/home`, `/var/log`, `/var/lib/kubelet`, `/var/lib/docker`,
    /// `/var/lib/containerd` and `/var/lib/etcd`; and the credential directories of cloud and
    /// registry clients wherever they sit (`/.aws`, `/.azure`, `/.config/gcloud`, `/.docker`,
    /// `/.kube`, under `/root`, under `/home/<user>` or under any other home such as
    /// `/var/lib/jenkins`), named for what they hold. Paths are compared after normalization (`//`,
    /// `.`, `..` and trailing slashes), so `/var/run//docker.sock/` is the socket; a parent such
    /// as `/var` counts as the most dangerous path it contains. `/home/kubernetes` is named for
    /// what it is on GKE's Container-Optimized OS, the kubelet's own directory.
    ///
    /// Not reported: other paths under `/run` (`/run/xtables.lock`); public certificate
    /// bundles (`/etc/ssl/certs`, `/etc/ca-certificates`, `/etc/pki/ca-trust`,
    /// `/etc/pki/tls/certs`), which hold nothing secret (a writable mount of them is
    /// [BHW031](BHW031.md)'s); and static pods, such as the control plane's own manifests,
    /// which need the node's credentials and data by design.
    ///
    /// ## Why it matters
    /// The container runtime socket is an unauthenticated root API: `docker run --privileged
    /// -v /:/host` through it is a node takeover. `/var/lib/kubelet` and `/etc/kubernetes` hold
    /// the credentials of the kubelet and of other pods; `/proc`, `/sys` and `/dev` reach the
    /// host kernel and devices; writing to `/etc`, `/root` or `/boot` plants code the node
    /// runs.
    ///
    /// Severity: critical for a runtime socket, its directory, `/run`, `/var/run`, `/` and
    /// any parent of them (including the Windows pipes `\\.\pipe\docker_engine` and
    /// `\\.\pipe\containerd-containerd`): whoever reaches the runtime starts a privileged
    /// container on the node, so these are the node. High for the other paths, which hand out
    /// credentials (the kubelet's client certificate, every pod's secrets and tokens under
    /// `/var/lib/kubelet`, etcd's data), other containers' filesystems, or kernel and device
    /// interfaces. `readOnly: true` does not lower the severity: a read-only mount still
    /// lets a process connect to a socket and read keys. [BHW004](BHW004.md) reports every
    /// hostPath volume; this check singles out the ones that amount to owning the node.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    ///   - name: node-config
    ///     hostPath:
    ///       path: /etc/
    /// ```
    ///
    /// Use instead: talk to the Kubernetes API rather than to the runtime, pass configuration
    /// as a ConfigMap or Secret, and keep the agents that truly need the node (CNI and CSI
    /// plugins, log shippers, node exporters) in a dedicated, tightly controlled namespace.
    /// ```yaml
    /// volumes:
    ///   - name: config
    ///     configMap:
    ///       name: app-config
    /// ```
    ///
    /// ## References
    /// - Pod Security Standards, baseline, "HostPath Volumes"
    /// - CIS Kubernetes Benchmark v1.12, 5.2.11
    /// - NSA-CISA Kubernetes Hardening Guidance, "Pod security enforcement"
    /// - MITRE ATT&CK T1611 (Escape to Host), T1552.001 (Credentials In Files)
    pub static SENSITIVE_HOST_PATH = Check {
        id: "BHW030",
        slug: "sensitive-host-path",
        severity: Severity::High,
        family: Family::Workload,
        remediation: "remove the hostPath volume of the sensitive node path; use the Kubernetes API, a ConfigMap or Secret, or a narrowly scoped path instead",
        compliance: Compliance {
            cis: &["5.2.11"],
            pss: &[],
            nsa: &["Pod security: pod security enforcement"],
            mitre: &["T1611", "T1552.001"],
        },
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// How a target path is matched: itself only, or itself and everything below it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Exact,
    Tree,
}

struct Target {
    path: &'static str,
    scope: Scope,
    severity: Severity,
    what: &'static str,
}

const fn target(
    path: &'static str,
    scope: Scope,
    severity: Severity,
    what: &'static str,
) -> Target {
    Target {
        path,
        scope,
        severity,
        what,
    }
}

use Scope::{Exact, Tree};
use Severity::{Critical, High};

/// The sensitive node paths, most specific first: the first match names the finding.
/// `/var/run` is a symbolic link to `/run` on current distributions; both spellings are
/// listed because the kubelet does not resolve them for us.
#[rustfmt::skip]
const TARGETS: &[Target] = &[
    target("/", Exact, Critical, "the node's whole filesystem"),
    target("/run/docker.sock", Tree, Critical, "the Docker daemon socket"),
    target("/var/run/docker.sock", Tree, Critical, "the Docker daemon socket"),
    target("/run/dockershim.sock", Tree, Critical, "the dockershim socket"),
    target("/var/run/dockershim.sock", Tree, Critical, "the dockershim socket"),
    target("/run/cri-dockerd.sock", Tree, Critical, "the cri-dockerd socket"),
    target("/var/run/cri-dockerd.sock", Tree, Critical, "the cri-dockerd socket"),
    target("/run/containerd/containerd.sock", Tree, Critical, "the containerd socket"),
    target("/var/run/containerd/containerd.sock", Tree, Critical, "the containerd socket"),
    target("/run/containerd", Tree, Critical, "containerd's runtime directory, with its socket"),
    target("/var/run/containerd", Tree, Critical, "containerd's runtime directory, with its socket"),
    target("/run/k3s/containerd", Tree, Critical, "k3s's containerd directory, with its socket"),
    target("/var/run/k3s/containerd", Tree, Critical, "k3s's containerd directory, with its socket"),
    target("/run/crio/crio.sock", Tree, Critical, "the CRI-O socket"),
    target("/var/run/crio/crio.sock", Tree, Critical, "the CRI-O socket"),
    target("/run/crio", Tree, Critical, "CRI-O's runtime directory, with its socket"),
    target("/var/run/crio", Tree, Critical, "CRI-O's runtime directory, with its socket"),
    target("/run", Exact, Critical, "the node's runtime directory, with the container runtime sockets"),
    target("/var/run", Exact, Critical, "the node's runtime directory, with the container runtime sockets"),
    target("/etc/kubernetes", Tree, High, "the kubelet's and the control plane's configuration and credentials"),
    target("/etc", Tree, High, "the node's configuration and credentials"),
    target("/proc", Tree, High, "the node's processes and kernel settings"),
    target("/sys", Tree, High, "the node's kernel and device settings"),
    target("/dev", Tree, High, "the node's devices"),
    target("/boot", Tree, High, "the node's kernel and boot loader"),
    target("/root", Tree, High, "the home directory of the node's root user"),
    target("/home/kubernetes", Tree, High, "the kubelet's binaries and configuration on Container-Optimized OS (GKE)"),
    target("/home", Tree, High, "the home directories of the node's users"),
    target("/var/lib/kubelet", Tree, High, "the kubelet's state, with every pod's secrets and tokens"),
    target("/var/lib/docker", Tree, High, "Docker's storage, with every container's filesystem"),
    target("/var/lib/containerd", Tree, High, "containerd's storage, with every container's filesystem"),
    target("/var/lib/etcd", Tree, High, "etcd's data, with every Secret of the cluster"),
    target("/var/log", Tree, High, "the node's logs, with other pods' output"),
];

/// Credential directories of cloud and registry clients, found under any user's home
/// (`/home/<user>/.aws`, `/var/lib/jenkins/.docker`): the path's last components, and what
/// they hold. A path is reported when it contains one of them as whole components.
const CREDENTIAL_DIRS: &[(&[&str], &str)] = &[
    (&[".aws"], "AWS credentials"),
    (&[".azure"], "Azure credentials"),
    (&[".config", "gcloud"], "Google Cloud credentials"),
    (&[".docker"], "Docker registry credentials"),
    (&[".kube"], "a kubeconfig, with cluster credentials"),
];

/// The credential directory a normalized path is, or is inside of, wherever it sits.
fn credential_dir(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    CREDENTIAL_DIRS
        .iter()
        .find_map(|(dir, what)| parts.windows(dir.len()).any(|w| w == *dir).then_some(*what))
}

/// Public certificate bundles: mounting them (read-only, which [BHW031](BHW031.md) checks)
/// exposes nothing secret, and many components need them to reach TLS endpoints.
const TRUST_STORES: &[&str] = &[
    "/etc/ssl/certs",
    "/etc/ca-certificates",
    "/etc/pki/ca-trust",
    "/etc/pki/tls/certs",
];

/// Windows named pipes of the container runtimes, compared case-insensitively.
const WINDOWS_PIPES: &[(&str, &str)] = &[
    ("//./pipe/docker_engine", "the Docker daemon's named pipe"),
    ("//./pipe/containerd-containerd", "containerd's named pipe"),
];

/// `/var/run//docker.sock/` → `/var/run/docker.sock`; `.` and `..` are resolved lexically
/// (`..` never climbs above `/`). A relative path is read from `/`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether `path` is `ancestor` or below it (both normalized).
fn is_within(path: &str, ancestor: &str) -> bool {
    path == ancestor
        || ancestor == "/"
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// What a hostPath exposes: the severity and the sentence that explains it.
fn classify(raw: &str) -> Option<(Severity, String)> {
    let windows = raw.replace('\\', "/").to_ascii_lowercase();
    if let Some((_, what)) = WINDOWS_PIPES.iter().find(|(pipe, _)| windows == *pipe) {
        return Some((Critical, (*what).to_string()));
    }
    let path = normalize(raw);
    if TRUST_STORES.iter().any(|store| is_within(&path, store)) {
        return None;
    }
    let own = TARGETS.iter().find(|t| match t.scope {
        Exact => path == t.path,
        Tree => is_within(&path, t.path),
    });
    if let Some(t) = own.filter(|t| t.severity == Critical) {
        return Some((t.severity, t.what.to_string()));
    }
    // A credential directory is named for what it holds, also inside `/root` or `/home`.
    if let Some(what) = credential_dir(&path) {
        return Some((High, what.to_string()));
    }
    if let Some(t) = own {
        return Some((t.severity, t.what.to_string()));
    }
    // A parent of a sensitive path exposes it too: `/var` holds `/var/run` and `/var/lib/kubelet`.
    let mut contained = TARGETS
        .iter()
        .filter(|t| t.path != path && is_within(t.path, &path));
    let first = contained.next()?;
    let worst = contained.fold(first, |worst, t| {
        if t.severity > worst.severity {
            t
        } else {
            worst
        }
    });
    Some((
        worst.severity,
        format!("it contains {}, {}", worst.path, worst.what),
    ))
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if is_static_pod(object) {
        return;
    }
    for (i, volume) in pod
        .get("volumes")
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let Some(path) = volume
            .get("hostPath")
            .and_then(|h| h.get("path"))
            .and_then(Node::as_str)
        else {
            continue;
        };
        let Some((severity, what)) = classify(path) else {
            continue;
        };
        let name = volume.get("name").and_then(Node::as_str).unwrap_or("");
        let normalized = normalize(path);
        let shown = if normalized == path || path.contains('\\') {
            path.to_string()
        } else {
            format!("{path} (that is, {normalized})")
        };
        sink.report_with(
            object,
            &pod.pointer_to(&format!("volumes/{i}/hostPath/path")),
            severity,
            format!("volume \"{name}\" mounts the node's {shown}: {what}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize("/var/run//docker.sock/"), "/var/run/docker.sock");
        assert_eq!(normalize("/var/./lib/../run"), "/var/run");
        assert_eq!(normalize("/../../etc"), "/etc");
        assert_eq!(normalize("//"), "/");
        assert_eq!(normalize("var/log"), "/var/log");
    }

    #[test]
    fn targets_parents_and_neighbours() {
        let severity = |p: &str| classify(p).map(|(s, _)| s);
        assert_eq!(severity("/var/run/docker.sock"), Some(Critical));
        assert_eq!(severity("/run/containerd/containerd.sock"), Some(Critical));
        assert_eq!(
            severity("/run/containerd/io.containerd.runtime.v2.task"),
            Some(Critical)
        );
        assert_eq!(severity("/var/run/"), Some(Critical));
        assert_eq!(severity("/"), Some(Critical));
        assert_eq!(severity("/."), Some(Critical));
        // Parents take the severity of the worst path they contain.
        assert_eq!(severity("/var"), Some(Critical));
        assert_eq!(severity("/var/lib"), Some(High));
        assert_eq!(severity("/etc/kubernetes/pki"), Some(High));
        assert_eq!(severity("/proc"), Some(High));
        assert_eq!(severity("/sys/fs/cgroup"), Some(High));
        assert_eq!(severity("\\\\.\\pipe\\docker_engine"), Some(Critical));
        // Neighbours are not sensitive.
        assert_eq!(severity("/run/xtables.lock"), None);
        assert_eq!(severity("/var/run/netns"), None);
        assert_eq!(severity("/etcd-data"), None);
        assert_eq!(severity("/var/logs"), None);
        assert_eq!(severity("/lib/modules"), None);
        assert_eq!(severity("/data/app"), None);
        // Cloud and registry credentials, at the root, in root's home and in any home.
        assert_eq!(severity("/root/.aws"), Some(High));
        assert_eq!(severity("/.config/gcloud"), Some(High));
        assert_eq!(severity("/var/lib/jenkins/.docker/config.json"), Some(High));
        assert_eq!(severity("/srv/ci/.azure"), Some(High));
        assert_eq!(severity("/opt/tools/.config/gcloud-sdk"), None);
        assert_eq!(severity("/data/.awsome"), None);
        assert!(classify("/home/ci/.aws").is_some_and(|(_, what)| what == "AWS credentials"));
        assert!(classify("/root/.docker").is_some_and(|(_, what)| what.contains("Docker")));
        assert_eq!(severity("/etc/ssl/certs"), None);
        assert_eq!(severity("/etc/pki/tls/certs/"), None);
        assert_eq!(severity("/etc/pki"), Some(High));
        assert!(classify("/home/kubernetes/bin").is_some_and(|(_, what)| what.contains("GKE")));
        assert!(classify("/var/lib")
            .is_some_and(|(_, what)| what.starts_with("it contains /var/lib/kubelet")));
    }
}
