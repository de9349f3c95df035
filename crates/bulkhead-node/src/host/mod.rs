//! Parsers of the host's own configuration formats, each turning text into values that keep
//! the byte range they were written at: `sshd_config` ([`sshd`]), TOML ([`toml`], containerd
//! and CRI-O), `/proc/net/tcp`, `tcp6`, `udp` and `udp6` ([`proc_net`]), the small key-value
//! formats of the update managers ([`keyvalue`]), and an RPM package header ([`rpm_header`]).
//! JSON (Docker's `daemon.json`) is read by the model's own loader. They never read files:
//! the collector does, so the fuzz target can feed them.

pub mod keyvalue;
pub mod proc_net;
pub mod rpm_header;
pub mod spanned;
pub mod sshd;
pub mod toml;
