//! The host under the node: kernel settings, mandatory access control, listening sockets and
//! their processes, the SSH server, automatic updates, the container runtimes and the node's
//! identity, each as objects of the node API group.
//!
//! A source that does not exist under the root (a copy of a node without `/proc`) gives no
//! object, so the controls that need it are not evaluated; one that exists but cannot be
//! read, or is malformed, is recorded with what it costs.

mod crio_drop_ins;
mod identity;
mod kernel;
mod listeners;
mod rpmdb;
mod runtimes;
mod sshd;
mod updates;

use bulkhead_model::Object;

use super::fs::NodeFs;
use super::targets::Targets;
use crate::render::{header, load_fact};

/// Everything the host steps read: objects, the files to stat (runtime sockets) and
/// certificates to read (the kubelet's client certificate), and what was found. `probe`: ask
/// the installed runtimes their version (only on the node itself).
pub(crate) fn collect(
    fs: &mut NodeFs,
    targets: &mut Targets,
    found: &mut Vec<String>,
    probe: bool,
) -> Vec<Object> {
    let mut objects = Vec::new();
    objects.extend(kernel::sysctls(fs, found));
    objects.extend(kernel::mandatory_access_control(fs, found));
    objects.extend(listeners::listeners(fs, found));
    objects.extend(sshd::sshd(fs, found));
    objects.extend(updates::updates(fs, found));
    objects.extend(runtimes::runtimes(fs, targets, found, probe));
    objects.extend(identity::identity(fs, targets));
    objects
}

/// A fact rendered as a small YAML document named `document`, loaded like any manifest.
pub(crate) fn fact(
    fs: &mut NodeFs,
    document: &str,
    kind: &str,
    name: &str,
    spec: &str,
) -> Vec<Object> {
    let mut text = header(kind, name);
    text.push_str(spec);
    let loaded = load_fact(document, &text);
    fs.errors.extend(loaded.errors);
    loaded.objects
}
