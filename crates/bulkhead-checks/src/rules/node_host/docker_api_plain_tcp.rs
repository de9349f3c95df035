use bulkhead_model::Object;

use crate::rules::node_host::facts::{boolean, describe_config, spec_of};
use crate::rules::node_host::listeners::{each_listener, Socket};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The Docker API served over TCP without client certificates: a listening socket on port 2375
    /// (the API's plain-text port, from `/proc/net/tcp`), or a `tcp://` entry in `hosts` of
    /// `daemon.json` without `"tlsverify": true`.
    ///
    /// ## Why it matters
    /// The Docker API is root on the node: whoever reaches it starts a privileged container with the
    /// host's root file system mounted. Without TLS client authentication, reaching the port is all
    /// it takes, and scanners look for 2375 on the whole internet.
    ///
    /// ## Example
    /// ```json
    /// {"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}
    /// ```
    ///
    /// Use instead: serve the API on the socket only, or with mutual TLS:
    /// ```json
    /// {"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true,
    ///  "tlscacert": "/etc/docker/ca.pem", "tlscert": "/etc/docker/server.pem",
    ///  "tlskey": "/etc/docker/server-key.pem"}
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.7 "Ensure TLS authentication for Docker daemon is configured"
    /// - Docker documentation, "Protect the Docker daemon socket"
    /// - MITRE ATT&CK T1610 (Deploy Container), T1133 (External Remote Services)
    pub static DOCKER_API_PLAIN_TCP = Check {
        id: "BHN052",
        slug: "docker-api-without-tls",
        severity: Severity::Critical,
        family: Family::NodeHost,
        remediation: "remove tcp:// from the Docker daemon's hosts, or require client certificates (tlsverify with tlscacert, tlscert and tlskey)",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &[],
            mitre: &["T1610", "T1133"],
        },
        run: Run::Object(check),
    };
}

fn check(_cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    each_listener(object, |socket: &Socket<'_>| {
        if socket.port == 2375 {
            let severity = if socket.loopback {
                Severity::High
            } else {
                Severity::Critical
            };
            sink.report_with(
            object,
            &socket.pointer("port"),
            severity,
            format!(
                "{} listens on port 2375, the Docker API without TLS: whoever reaches it is root on the node",
                socket.describe()
            ),
        );
        }
    });
    let Some(spec) = spec_of(object, "DockerDaemonConfig") else {
        return;
    };
    let tls_verify = spec.get("tlsverify").and_then(boolean) == Some(true);
    if tls_verify {
        return;
    }
    let hosts = spec.get("hosts").map(|h| h.as_seq()).unwrap_or(&[]);
    for (i, host) in hosts.iter().enumerate() {
        let Some(address) = host.as_str() else {
            continue;
        };
        if address.starts_with("tcp://") {
            sink.report(
            object,
            &format!("/spec/hosts/{i}"),
            format!("{} serves the Docker API on {address} without tlsverify: no client certificate is asked for", describe_config(object, "Docker")),
        );
        }
    }
}
