//! Container runtimes: containerd's `config.toml`, CRI-O's `crio.conf` and its drop-ins,
//! Docker's `daemon.json` (each an object whose fields point into the real file), dockerd's
//! command line from its systemd unit (`Arguments` objects, as for the kubelet), the API
//! sockets (stat'ed like every file with a role), and the installed versions with the
//! package database that says so (dpkg here, RPM in [`super::rpmdb`]).
//!
//! A runtime that is installed but has no configuration file runs on its defaults: it gets
//! an object with an empty `spec`, so the checks judge the defaults and say so.

use std::sync::Arc;

use bulkhead_model::{parse_document, Limits, Object, SourceFile, Span};

use super::crio_drop_ins::keep_effective;
use super::fact;
use crate::collect::arguments::objects_per_file;
use crate::collect::fs::{join_node, NodeFs};
use crate::collect::systemd::unit_command;
use crate::collect::targets::Targets;
use crate::host::{spanned, toml};
use crate::render::quote;
use crate::roles;

pub(crate) const CONTAINERD_CONFIG: &str = "/etc/containerd/config.toml";
pub(crate) const CRIO_CONFIG: &str = "/etc/crio/crio.conf";
pub(crate) const CRIO_DROP_INS: &str = "/etc/crio/crio.conf.d";
pub(crate) const DOCKER_CONFIG: &str = "/etc/docker/daemon.json";
/// Docker's systemd unit, read with its drop-ins (`docker.service.d/*.conf`).
const DOCKER_UNIT: &str = "docker.service";

/// Runtime sockets, by the runtime that serves them.
const SOCKETS: &[(&str, &str)] = &[
    ("containerd", "/run/containerd/containerd.sock"),
    ("docker", "/run/docker.sock"),
    ("docker", "/var/run/docker.sock"),
    ("cri-o", "/run/crio/crio.sock"),
    ("cri-o", "/var/run/crio/crio.sock"),
];

/// Where each runtime's program is installed.
const PROGRAMS: &[(&str, &[&str])] = &[
    (
        "containerd",
        &["/usr/bin/containerd", "/usr/local/bin/containerd"],
    ),
    ("docker", &["/usr/bin/dockerd", "/usr/local/bin/dockerd"]),
    ("cri-o", &["/usr/bin/crio", "/usr/local/bin/crio"]),
];

pub(crate) fn runtimes(
    fs: &mut NodeFs,
    targets: &mut Targets,
    found: &mut Vec<String>,
    probe: bool,
) -> Vec<Object> {
    let mut objects = Vec::new();
    let mut seen_sockets = Vec::new();
    for (runtime, path) in SOCKETS {
        if let Ok(resolved) = fs.resolve(path) {
            if fs.exists(path) && !seen_sockets.contains(&resolved) {
                seen_sockets.push(resolved);
                targets.add(path, roles::RUNTIME_SOCKET, None);
                found.push(format!("{runtime}: socket {path}"));
            }
        }
    }
    let installed = |fs: &NodeFs, runtime: &str| {
        PROGRAMS
            .iter()
            .filter(|(r, _)| *r == runtime)
            .flat_map(|(_, paths)| paths.iter())
            .any(|p| fs.exists(p))
            || SOCKETS.iter().any(|(r, p)| *r == runtime && fs.exists(p))
    };
    match toml_object(fs, CONTAINERD_CONFIG, "ContainerdConfig") {
        Some(object) => {
            found.push(format!("containerd: configuration {CONTAINERD_CONFIG}"));
            let hosts = registry_hosts(fs, &object, found);
            objects.push(object);
            objects.extend(hosts);
        }
        None if installed(fs, "containerd") && !fs.has_error_for(CONTAINERD_CONFIG) => {
            found.push(format!(
                "containerd: no {CONTAINERD_CONFIG}, its defaults apply"
            ));
            objects.extend(defaults(fs, "ContainerdConfig", CONTAINERD_CONFIG));
        }
        None => {}
    }
    let mut crio = Vec::new();
    crio.extend(toml_object(fs, CRIO_CONFIG, "CrioConfig"));
    for name in fs.list(CRIO_DROP_INS) {
        if name.ends_with(".conf") {
            crio.extend(toml_object(
                fs,
                &join_node(CRIO_DROP_INS, &name),
                "CrioConfig",
            ));
        }
    }
    if crio.is_empty() && installed(fs, "cri-o") && !fs.has_error_for(CRIO_CONFIG) {
        found.push(format!("cri-o: no {CRIO_CONFIG}, its defaults apply"));
        objects.extend(defaults(fs, "CrioConfig", CRIO_CONFIG));
    } else if !crio.is_empty() {
        let paths: Vec<&str> = crio.iter().map(|o| o.name.as_str()).collect();
        found.push(format!("cri-o: configuration {}", paths.join(", ")));
        for replaced in keep_effective(&mut crio) {
            found.push(format!("cri-o: {replaced}"));
        }
        objects.extend(crio);
    }
    match docker_object(fs) {
        Some(object) => {
            found.push(format!("docker: configuration {DOCKER_CONFIG}"));
            objects.push(object);
        }
        None if installed(fs, "docker") && !fs.has_error_for(DOCKER_CONFIG) => {
            found.push(format!("docker: no {DOCKER_CONFIG}, its defaults apply"));
            objects.extend(defaults(fs, "DockerDaemonConfig", DOCKER_CONFIG));
        }
        None => {}
    }
    objects.extend(docker_unit(fs, found));
    let probed = if probe {
        probed_versions(fs, found)
    } else {
        Vec::new()
    };
    let skip: Vec<String> = probed.iter().map(|o| o.name.clone()).collect();
    objects.extend(probed);
    objects.extend(versions(fs, found, &skip));
    objects.extend(super::rpmdb::versions(fs, found, &skip));
    objects
}

/// Where containerd's CRI plugin keeps its registry settings, by configuration version.
const CRI_IMAGE_PLUGINS: &[&str] = &[
    "io.containerd.cri.v1.images",
    "io.containerd.grpc.v1.cri",
    "cri",
];

/// The `hosts.toml` files of the registry `config_path` (`/etc/containerd/certs.d`): one
/// `ContainerdHostsConfig` object per registry directory (`certs.d/docker.io/hosts.toml`),
/// whose fields point into the file. Only a `config_path` the configuration sets is read: the
/// default differs between containerd releases, and a directory containerd does not read
/// would give findings about nothing.
fn registry_hosts(fs: &mut NodeFs, config: &Object, found: &mut Vec<String>) -> Vec<Object> {
    let config_path = CRI_IMAGE_PLUGINS.iter().find_map(|plugin| {
        config
            .root
            .path(&["spec", "plugins", plugin, "registry", "config_path"])
            .and_then(|n| n.as_str())
            .map(str::to_string)
    });
    let Some(config_path) = config_path else {
        return Vec::new();
    };
    let mut objects = Vec::new();
    let mut read = Vec::new();
    // Like `PATH`: several directories separated by `:`.
    for dir in config_path.split(':').filter(|d| d.starts_with('/')) {
        let dir = dir.trim_end_matches('/');
        for host in fs.list(dir) {
            let path = join_node(&join_node(dir, &host), "hosts.toml");
            if !fs.exists(&path) {
                continue;
            }
            if let Some(object) = toml_object(fs, &path, "ContainerdHostsConfig") {
                read.push(path);
                objects.push(object);
            }
        }
    }
    if !read.is_empty() {
        found.push(format!("containerd: registry hosts {}", read.join(", ")));
    }
    objects
}

/// dockerd's command line rebuilt from `docker.service` and its drop-ins: `Arguments` objects
/// named `dockerd` whose words point at the unit's `ExecStart=` (`-H tcp://…` is the Docker
/// API on TCP that `daemon.json` does not show).
fn docker_unit(fs: &mut NodeFs, found: &mut Vec<String>) -> Vec<Object> {
    let Some(unit) = unit_command(fs, DOCKER_UNIT) else {
        return Vec::new();
    };
    found.push(format!("docker: unit {}", unit.unit_files.join(", ")));
    objects_per_file(&unit.files, "dockerd", unit.words)
}

/// A runtime running on its defaults: an object with an empty `spec`.
fn defaults(fs: &mut NodeFs, kind: &str, path: &str) -> Vec<Object> {
    let spec = format!("  path: {}\n  defaults: true\n", quote(path));
    fact(fs, &format!("defaults:{path}"), kind, path, &spec)
}

/// A TOML file as an object whose `spec` is the file's tree.
fn toml_object(fs: &mut NodeFs, path: &str, kind: &str) -> Option<Object> {
    let consequence = "the runtime's settings are not evaluated";
    let text = fs.read_optional(path, consequence)?;
    let file = Arc::new(SourceFile::new(path, text));
    match toml::parse(&file.text) {
        Ok(tree) => {
            fs.stats.documents += 1;
            Some(spanned::object(kind, path, file, tree))
        }
        Err(error) => {
            let (line, column) = error
                .span
                .map(|s| file.line_col(s.start))
                .map_or((None, None), |(l, c)| (Some(l), Some(c)));
            let mut e = bulkhead_model::LoadError::whole(
                path,
                format!(
                    "{path} is not valid TOML ({}); {consequence}",
                    error.message
                ),
            );
            e.line = line;
            e.column = column;
            fs.errors.push(e);
            None
        }
    }
}

/// `daemon.json`, read by the model's own JSON (YAML) parser so that every key has its place.
fn docker_object(fs: &mut NodeFs) -> Option<Object> {
    let consequence = "the Docker daemon's settings are not evaluated";
    let text = fs.read_optional(DOCKER_CONFIG, consequence)?;
    let file = Arc::new(SourceFile::new(DOCKER_CONFIG, text));
    match parse_document(&file, &Limits::default()) {
        Ok(Some(tree)) if tree.is_map() => {
            fs.stats.documents += 1;
            Some(spanned::object(
                "DockerDaemonConfig",
                DOCKER_CONFIG,
                file,
                tree,
            ))
        }
        Ok(Some(_)) => {
            fs.error(
                DOCKER_CONFIG,
                format!("{DOCKER_CONFIG} is not a JSON object; {consequence}"),
            );
            None
        }
        Ok(None) => {
            let empty = spanned::map(Span::new(0, 0), Vec::new());
            Some(spanned::object(
                "DockerDaemonConfig",
                DOCKER_CONFIG,
                file,
                empty,
            ))
        }
        Err(errors) => {
            for mut e in errors {
                e.message = format!("{}; {consequence}", e.message);
                fs.errors.push(e);
            }
            None
        }
    }
}

/// Packages that carry a runtime, as Debian and Ubuntu name them.
pub(crate) const PACKAGES: &[(&str, &str)] = &[
    ("containerd", "containerd"),
    ("containerd.io", "containerd"),
    ("docker-ce", "docker"),
    ("docker.io", "docker"),
    ("moby-engine", "docker"),
    ("runc", "runc"),
    ("cri-o", "cri-o"),
];

const DPKG_STATUS: &str = "/var/lib/dpkg/status";

/// `RuntimeVersion` objects from the dpkg database: each installed runtime package, its
/// upstream version, and the package version it was read from.
fn versions(fs: &mut NodeFs, found: &mut Vec<String>, probed: &[String]) -> Vec<Object> {
    let Some(text) = fs.read_optional(
        DPKG_STATUS,
        "the container runtimes' versions are not judged",
    ) else {
        return Vec::new();
    };
    let mut objects = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza
                .lines()
                .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(':')))
                .map(str::trim)
        };
        let (Some(package), Some(version)) = (field("Package"), field("Version")) else {
            continue;
        };
        if !field("Status").is_some_and(|s| s.ends_with(" installed")) {
            continue;
        }
        let Some((_, runtime)) = PACKAGES.iter().find(|(p, _)| *p == package) else {
            continue;
        };
        // The program answered for itself: that is the version that runs.
        if probed.iter().any(|p| p == runtime) {
            continue;
        }
        let Some(upstream) = upstream_version(version) else {
            continue;
        };
        let spec = format!(
            "  runtime: {runtime}\n  version: {}\n  package: {}\n  packageVersion: {}\n  source: {}\n",
            quote(&upstream),
            quote(package),
            quote(version),
            quote(DPKG_STATUS)
        );
        found.push(format!(
            "{runtime}: version {upstream} (package {package} {version})"
        ));
        objects.extend(fact(
            fs,
            &format!("dpkg:{package}"),
            "RuntimeVersion",
            runtime,
            &spec,
        ));
    }
    objects
}

/// Programs to ask for their version on the node itself, by runtime.
const PROBED: &[(&str, &[&str])] = &[
    (
        "containerd",
        &["/usr/bin/containerd", "/usr/local/bin/containerd"],
    ),
    ("docker", &["/usr/bin/dockerd", "/usr/local/bin/dockerd"]),
    ("cri-o", &["/usr/bin/crio", "/usr/local/bin/crio"]),
    (
        "runc",
        &[
            "/usr/bin/runc",
            "/usr/sbin/runc",
            "/usr/local/bin/runc",
            "/usr/local/sbin/runc",
        ],
    ),
];

/// `RuntimeVersion` objects from the programs themselves (`containerd --version`), on the
/// node itself only.
fn probed_versions(fs: &mut NodeFs, found: &mut Vec<String>) -> Vec<Object> {
    let mut objects = Vec::new();
    for (runtime, paths) in PROBED {
        let Some(path) = paths.iter().find(|p| fs.exists(p)) else {
            continue;
        };
        let Some(output) = crate::collect::processes::run_version(path) else {
            continue;
        };
        let Some(version) = version_in(&output) else {
            continue;
        };
        let spec = format!(
            "  runtime: {runtime}\n  version: {}\n  source: {}\n",
            quote(&version),
            quote(&format!("{path} --version"))
        );
        found.push(format!("{runtime}: version {version} ({path} --version)"));
        objects.extend(fact(
            fs,
            &format!("version:{path}"),
            "RuntimeVersion",
            runtime,
            &spec,
        ));
    }
    objects
}

/// The first release number in a program's `--version` output: `containerd
/// github.com/containerd/containerd v1.7.22 7f7f…` → `1.7.22`, `Docker version 27.3.1, build
/// ce12230` → `27.3.1`, `crio version 1.30.0` → `1.30.0`.
pub(crate) fn version_in(output: &str) -> Option<String> {
    output
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_start_matches('v'))
        .find(|t| {
            let parts: Vec<&str> = t.split('.').collect();
            (2..=4).contains(&parts.len())
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_string)
}

/// `5:24.0.7-1~ubuntu.22.04~jammy` → `24.0.7`: the epoch and the packaging revision dropped.
pub(crate) fn upstream_version(version: &str) -> Option<String> {
    let version = version.split_once(':').map_or(version, |(_, v)| v);
    let digits: String = version
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let digits = digits.trim_end_matches('.');
    (!digits.is_empty() && digits.contains('.')).then(|| digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_versions_give_upstream_versions() {
        assert_eq!(
            upstream_version("5:24.0.7-1~ubuntu.22.04~jammy").as_deref(),
            Some("24.0.7")
        );
        assert_eq!(upstream_version("1.6.21-1").as_deref(), Some("1.6.21"));
        assert_eq!(
            upstream_version("1.1.7-0ubuntu1~22.04.2").as_deref(),
            Some("1.1.7")
        );
        assert_eq!(upstream_version("garbage"), None);
    }

    #[test]
    fn version_outputs_give_release_numbers() {
        let containerd = "containerd github.com/containerd/containerd v1.7.22 7f7fdf5fed64eb6a7caf99b3e12efcf9d60e311c\n";
        assert_eq!(version_in(containerd).as_deref(), Some("1.7.22"));
        assert_eq!(
            version_in("Docker version 27.3.1, build ce12230\n").as_deref(),
            Some("27.3.1")
        );
        assert_eq!(
            version_in("crio version 1.30.0\n").as_deref(),
            Some("1.30.0")
        );
        let runc = "runc version 1.1.12\ncommit: v1.1.12-0-g51d5e946\nspec: 1.0.2-dev\n";
        assert_eq!(version_in(runc).as_deref(), Some("1.1.12"));
        assert_eq!(version_in("no version here"), None);
    }
}
