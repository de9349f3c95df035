//! The shapes most control-plane flag checks share: a boolean that must hold one value, a
//! file flag that must be set, a flag that must not be set. Each judges the value the
//! component really runs with: the last occurrence of the flag, or the component's own default
//! when the flag is absent; a flag written with an empty value is not set.

use std::borrow::Cow;

use bulkhead_model::Node;
use bulkhead_node::{Arg, CommandLine, Component};

use super::flags::{report_flag, report_unset};
use crate::{Context, Sink};

/// How a flag stands on one command line.
pub enum Setting<'l> {
    /// Written with a non-empty value (or bare).
    Written(Cow<'l, Arg>),
    /// Written with an empty value (`--token-auth-file=`): the same as not set.
    Empty(Cow<'l, Arg>),
    Unset,
}

/// The last occurrence of `flag` (see [`lookup`]), classified.
pub fn setting<'l>(line: &'l CommandLine<'_>, flag: &str) -> Setting<'l> {
    match lookup(line, flag) {
        None => Setting::Unset,
        Some(arg) if arg.value.as_deref().is_some_and(|v| v.trim().is_empty()) => {
            Setting::Empty(arg)
        }
        Some(arg) => Setting::Written(arg),
    }
}

/// The setting a component runs with: the flag's last occurrence; for etcd in a Pod, when the
/// flag is absent, the container's `ETCD_<FLAG>` environment variable (etcd reads its flags
/// from the environment, and a command-line flag shadows the variable).
pub fn lookup<'l>(line: &'l CommandLine<'_>, flag: &str) -> Option<Cow<'l, Arg>> {
    if let Some(arg) = line.flag(flag) {
        return Some(Cow::Borrowed(arg));
    }
    if line.component != Component::Etcd || line.origin != "static Pod" {
        return None;
    }
    let container = line
        .anchor
        .strip_suffix("/command")
        .or_else(|| line.anchor.strip_suffix("/args"))?;
    let located = line.object().root.locate(container);
    if !located.exact {
        return None;
    }
    let name = format!("ETCD_{}", flag.to_uppercase().replace('-', "_"));
    let env = located.node.get("env").map(Node::as_seq).unwrap_or(&[]);
    // The last entry of a name is the one the container gets.
    let (index, value) = env.iter().enumerate().rev().find_map(|(i, e)| {
        (e.get("name")?.as_str()? == name).then(|| (i, e.get("value").and_then(Node::scalar_text)))
    })?;
    let value = value.unwrap_or_default();
    Some(Cow::Owned(Arg {
        name: flag.to_string(),
        written: format!("{name}={value}"),
        value: Some(value),
        pointer: format!("{container}/env/{index}/name"),
        value_pointer: format!("{container}/env/{index}/value"),
        source: 0,
    }))
}

/// etcd ignores every other flag (and its environment) when `--config-file` is given. The
/// flag checks cannot judge such a command line; they say so at `--config-file` instead of
/// passing it.
fn etcd_config_file(sink: &mut Sink<'_>, line: &CommandLine<'_>, flag: &str) -> bool {
    if line.component != Component::Etcd {
        return false;
    }
    let Setting::Written(arg) = setting(line, "config-file") else {
        return false;
    };
    report_flag(
        sink,
        line,
        &arg,
        &format!(
            "etcd takes every setting from this file and ignores its other flags; the file was \
             not read, so check `{flag}` there"
        ),
    );
    true
}

/// A boolean flag must be `secure`. `default` is the component's value when the flag is not
/// set; `risk` says what the insecure value allows.
pub fn boolean(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    component: Component,
    flag: &str,
    default: bool,
    secure: bool,
    risk: &str,
) {
    boolean_where(cx, sink, component, flag, default, secure, risk, |_| false);
}

/// [`boolean`], skipping the command lines where `ignored` says the flag has no effect (a
/// configuration file that takes precedence, judged elsewhere).
#[allow(clippy::too_many_arguments)]
pub fn boolean_where(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    component: Component,
    flag: &str,
    default: bool,
    secure: bool,
    risk: &str,
    ignored: impl Fn(&CommandLine<'_>) -> bool,
) {
    for line in cx.command_lines(component) {
        if ignored(line) || etcd_config_file(sink, line, flag) {
            continue;
        }
        match lookup(line, flag) {
            Some(arg) => match arg.as_bool() {
                Some(value) if value == secure => {}
                Some(value) => {
                    let how = if arg.value.is_none() {
                        "a bare boolean flag means true".to_string()
                    } else {
                        format!("the value is {value}")
                    };
                    report_flag(sink, line, &arg, &format!("{how}; {risk}"));
                }
                None => report_flag(
                    sink,
                    line,
                    &arg,
                    &format!(
                        "`{}` is not a boolean, so {} refuses to start; set --{flag}={secure}",
                        arg.text(),
                        component.program()
                    ),
                ),
            },
            None if default != secure => {
                report_unset(
                    sink,
                    line,
                    flag,
                    &format!("the default is {default}; {risk}"),
                );
            }
            None => {}
        }
    }
}

/// A flag naming a file (or other value) must be set. `unset` says what the component does
/// without it.
pub fn required(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    component: Component,
    flag: &str,
    unset: &str,
) {
    for line in cx.command_lines(component) {
        if etcd_config_file(sink, line, flag) {
            continue;
        }
        match setting(line, flag) {
            Setting::Written(_) => {}
            Setting::Empty(arg) => report_flag(
                sink,
                line,
                &arg,
                &format!("the value is empty, which is the same as not set; {unset}"),
            ),
            Setting::Unset => report_unset(sink, line, flag, unset),
        }
    }
}

/// A flag that must not be set; an empty value is not set.
pub fn forbidden(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    component: Component,
    flag: &str,
    risk: &str,
) {
    for line in cx.command_lines(component) {
        if let Setting::Written(arg) = setting(line, flag) {
            report_flag(sink, line, &arg, risk);
        }
    }
}

/// Whether a `--bind-address` value is a loopback address (127.0.0.0/8 or ::1).
pub fn is_loopback(address: &str) -> bool {
    address
        .trim_matches(|c| c == '[' || c == ']')
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// The bind address of a component's secure port must be loopback. The default is 0.0.0.0
/// (every interface); `--secure-port=0` turns the port off, so there is nothing to bind.
pub fn loopback_bind(cx: &Context<'_>, sink: &mut Sink<'_>, component: Component, risk: &str) {
    for line in cx.command_lines(component) {
        if line
            .flag("secure-port")
            .is_some_and(|p| p.text().trim() == "0")
        {
            continue;
        }
        match setting(line, "bind-address") {
            Setting::Written(arg) if is_loopback(arg.text()) => {}
            Setting::Written(arg) => report_flag(
                sink,
                line,
                &arg,
                &format!("`{}` is not a loopback address; {risk}", arg.text()),
            ),
            Setting::Empty(arg) => report_flag(
                sink,
                line,
                &arg,
                &format!(
                    "the value is empty, so the default 0.0.0.0 (every interface) applies; {risk}"
                ),
            ),
            Setting::Unset => report_unset(
                sink,
                line,
                "bind-address",
                &format!("the default is 0.0.0.0 (every interface); {risk}"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("127.0.1.1"));
        assert!(is_loopback("::1"));
        assert!(is_loopback("[::1]"));
        assert!(!is_loopback("0.0.0.0"));
        assert!(!is_loopback("::"));
        assert!(!is_loopback("10.0.0.5"));
        assert!(!is_loopback("localhost"));
    }
}
