//! The API server's authorizers: from `--authorization-mode` (a list flag, default
//! `AlwaysAllow`), or, when `--authorization-config` is given, from the
//! `AuthorizationConfiguration` file it names (`authorizers[].type`), which the scan may hold.

use std::borrow::Cow;

use bulkhead_model::{Node, Object};
use bulkhead_node::{Arg, CommandLine, Component};

use super::config_files;
use super::expect::{setting, Setting};
use super::flags::{report_flag, report_unset};
use crate::{Context, Sink};

/// Where the authorizers of one API server come from.
pub enum Authorizers<'l, 'a> {
    /// `--authorization-mode`, each mode with the flag occurrence that named it.
    Flag(Vec<(String, &'l Arg)>),
    /// The `AuthorizationConfiguration` named by `--authorization-config`: each type with the
    /// pointer of its `type` field.
    Config(&'a Object, Vec<(String, String)>),
    /// `--authorization-config` names a file the scan does not hold.
    ConfigNotRead(Cow<'l, Arg>),
    /// Neither flag is set: the API server authorizes with `AlwaysAllow`.
    Default,
}

/// The authorizers of an API server command line.
pub fn authorizers<'l, 'a>(cx: &Context<'a>, line: &'l CommandLine<'a>) -> Authorizers<'l, 'a> {
    let modes = line.list("authorization-mode");
    if !modes.is_empty() {
        return Authorizers::Flag(modes);
    }
    let Setting::Written(config) = setting(line, "authorization-config") else {
        return Authorizers::Default;
    };
    match config_files::named(cx, "AuthorizationConfiguration", config.text()) {
        Some(object) => {
            let types = object
                .root
                .get("authorizers")
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter_map(|(i, a)| {
                    Some((
                        a.get("type")?.as_str()?.to_string(),
                        format!("/authorizers/{i}/type"),
                    ))
                })
                .collect();
            Authorizers::Config(object, types)
        }
        None => Authorizers::ConfigNotRead(config),
    }
}

/// Reports every API server whose authorizers do not include `mode`.
pub fn require_mode(cx: &Context<'_>, sink: &mut Sink<'_>, mode: &str, risk: &str) {
    for line in cx.command_lines(Component::ApiServer) {
        match authorizers(cx, line) {
            Authorizers::Flag(modes) => {
                if !modes.iter().any(|(m, _)| m == mode) {
                    let (_, last) = modes.last().expect("not empty");
                    report_flag(
                        sink,
                        line,
                        last,
                        &format!("does not include {mode}; {risk}"),
                    );
                }
            }
            Authorizers::Config(object, types) => {
                if !types.iter().any(|(t, _)| t == mode) {
                    sink.report(
                        object,
                        "/authorizers",
                        format!(
                            "the authorizers of {} (--authorization-config) do not include {mode}; {risk}",
                            line.component.program()
                        ),
                    );
                }
            }
            Authorizers::ConfigNotRead(arg) => report_flag(
                sink,
                line,
                &arg,
                &format!(
                    "the authorizers come from this file, which is not in the scan, so {mode} \
                     cannot be confirmed; add the file to the scan"
                ),
            ),
            Authorizers::Default => report_unset(
                sink,
                line,
                "authorization-mode",
                &format!("the default is AlwaysAllow, which does not include {mode}; {risk}"),
            ),
        }
    }
}
