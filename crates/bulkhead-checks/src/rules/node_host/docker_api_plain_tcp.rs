use bulkhead_model::{Node, Object};
use bulkhead_node::NODE_API_VERSION;

use crate::rules::node_host::facts::{boolean, describe_config, facts, spec_of};
use crate::rules::node_host::listeners::{each_listener, Socket};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// The Docker API served over TCP without client certificates: a listening socket on port 2375
    /// (the API's plain-text port, from `/proc/net/tcp`), a `tcp://` entry in `hosts` of
    /// `daemon.json`, or a `-H tcp://…` (`--host`) of dockerd's command line in `docker.service`
    /// and its drop-ins, without `tlsverify` (`"tlsverify": true` in `daemon.json` or
    /// `--tlsverify` on the command line).
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

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if is_dockerd_unit(object) {
        judge_unit(cx, object, sink);
        return;
    }
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

/// dockerd's command line rebuilt from its systemd unit: an `Arguments` object per file.
fn is_dockerd_unit(object: &Object) -> bool {
    object.api_version == NODE_API_VERSION && object.kind == "Arguments" && object.name == "dockerd"
}

/// Reports each TCP host of dockerd's unit command line that `object` wrote, unless TLS
/// verification is on (on the command line, from any file of the unit, or in `daemon.json`).
fn judge_unit(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let sources: Vec<&Object> = cx
        .inventory
        .of_kind("Arguments")
        .filter(|o| is_dockerd_unit(o))
        .collect();
    let line = command_line(&sources);
    let words: Vec<&str> = line.iter().map(|w| w.text).collect();
    let tls_in_daemon_json = facts(cx, "DockerDaemonConfig")
        .iter()
        .filter_map(|o| spec_of(o, "DockerDaemonConfig"))
        .any(|spec| spec.get("tlsverify").and_then(boolean) == Some(true));
    if tls_in_daemon_json || tls_verify(&words) {
        return;
    }
    for (index, address) in tcp_hosts(&words) {
        let word = &line[index];
        if !std::ptr::eq(word.object, object) {
            continue;
        }
        sink.report(
            object,
            &format!("/spec/args/{}", word.index),
            format!(
                "dockerd's unit serves the Docker API on {address} without --tlsverify: no client certificate is asked for"
            ),
        );
    }
}

/// One word of the merged command line: its text, the object (file) that wrote it and its
/// index in that object's `spec.args`.
struct UnitWord<'a> {
    text: &'a str,
    object: &'a Object,
    index: usize,
}

/// The words of every file, in their place in the final command line (`spec.positions`).
fn command_line<'a>(sources: &[&'a Object]) -> Vec<UnitWord<'a>> {
    let mut placed: Vec<(i64, UnitWord<'a>)> = Vec::new();
    for object in sources {
        let args = object
            .root
            .path(&["spec", "args"])
            .map(Node::as_seq)
            .unwrap_or(&[]);
        let positions = object
            .root
            .path(&["spec", "positions"])
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (index, arg) in args.iter().enumerate() {
            let Some(text) = arg.as_str() else { continue };
            let position = positions
                .get(index)
                .and_then(Node::as_i64)
                .unwrap_or(index as i64);
            placed.push((
                position,
                UnitWord {
                    text,
                    object,
                    index,
                },
            ));
        }
    }
    placed.sort_by_key(|(p, _)| *p);
    placed.into_iter().map(|(_, w)| w).collect()
}

/// `--tlsverify` (or `--tlsverify=true`) among the words.
fn tls_verify(words: &[&str]) -> bool {
    words.iter().any(|w| {
        *w == "--tlsverify"
            || w.strip_prefix("--tlsverify=")
                .is_some_and(|v| matches!(v, "true" | "1"))
    })
}

/// The TCP hosts of a dockerd command line: the index of the word holding each address and
/// the address. `-H ADDR`, `--host ADDR`, `-H=ADDR`, `--host=ADDR` and `-HADDR`; an address
/// is TCP when it says `tcp://` or has no scheme (dockerd reads `HOST:PORT` as TCP).
pub(crate) fn tcp_hosts(words: &[&str]) -> Vec<(usize, String)> {
    let mut hosts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let value = match word {
            "-H" | "--host" => {
                i += 1;
                words.get(i).map(|v| (i, *v))
            }
            _ => word
                .strip_prefix("--host=")
                .or_else(|| word.strip_prefix("-H="))
                .or_else(|| word.strip_prefix("-H").filter(|v| !v.is_empty()))
                .map(|v| (i, v)),
        };
        if let Some((at, address)) = value {
            let tcp = address.starts_with("tcp://")
                || (!address.contains("://") && address.contains(':') && !address.starts_with('/'));
            if tcp {
                hosts.push((at, address.to_string()));
            }
        }
        i += 1;
    }
    hosts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_tcp_host_is_found() {
        let words = [
            "/usr/bin/dockerd",
            "-H",
            "fd://",
            "-H",
            "tcp://0.0.0.0:2375",
            "--host=tcp://10.0.0.1:2375",
            "-H=unix:///run/docker.sock",
            "-Htcp://127.0.0.1:2375",
            "--host",
            "0.0.0.0:2376",
            "--containerd=/run/containerd/containerd.sock",
        ];
        let found: Vec<usize> = tcp_hosts(&words).into_iter().map(|(i, _)| i).collect();
        assert_eq!(found, [4, 5, 7, 9]);
        assert!(!tls_verify(&words));
        assert!(tls_verify(&["dockerd", "--tlsverify"]));
        assert!(tls_verify(&["dockerd", "--tlsverify=true"]));
        assert!(!tls_verify(&["dockerd", "--tlsverify=false"]));
    }
}
