//! Reading a node: the facts kube-bench gathers with shell commands, turned into objects of
//! the one inventory so that checks see them like any manifest.
//!
//! - [`component`]: the command line of a control-plane or node component, wherever it was
//!   written (a static Pod, a running process, systemd unit files), parsed flag by flag
//!   ([`args`]), each flag with its own location.
//! - [`duration`]: Go durations, as components read them from flags and files.
//! - [`kubelet`]: the kubelet's effective configuration with its real precedence, each
//!   setting with the source that decided it.
//! - [`host`]: parsers of the host's own formats (`sshd_config`, TOML, `/proc/net/tcp`,
//!   update-manager settings), each value with its place.
//! - [`render`]: facts with no manifest (a process's argv, a file's mode and owner, a
//!   certificate) as `node.bulkhead.dev/v1` objects.
//! - [`roles`]: why a file was looked at (which CIS recommendation concerns it).
//! - [`collect`]: reads a node (or a copy of one under a root) into all of the above,
//!   following the paths each component was given.

pub mod args;
pub mod collect;
pub mod component;
pub mod duration;
pub mod host;
pub mod kubelet;
pub mod render;
pub mod roles;

pub use args::{parse_args, Arg, RawArg};
pub use collect::{collect, CollectOptions, Collected};
pub use component::{command_lines, CommandLine, Component, RECOGNITION};

/// The API version of the objects this crate makes from node facts.
pub const NODE_API_VERSION: &str = "node.bulkhead.dev/v1";
