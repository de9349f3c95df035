//! Reporting on component flags: at the flag when it is written, at the command line when it
//! is not, always saying where the command line was read and what decided the value.

use bulkhead_node::{Arg, CommandLine};

use crate::Sink;

/// Where a command line was read, for messages: `static Pod kube-system/kube-apiserver-cp`,
/// `process 1234`, `systemd unit`.
pub fn origin(line: &CommandLine<'_>) -> String {
    let object = line.object();
    match line.origin {
        "process" => {
            let pid = object
                .root
                .path(&["spec", "pid"])
                .and_then(|p| p.as_i64())
                .map_or(String::new(), |p| format!(" {p}"));
            format!("process{pid}")
        }
        "static Pod" => match &object.namespace {
            Some(ns) => format!("{} {ns}/{}", object.kind, object.name),
            None => format!("{} {}", object.kind, object.name),
        },
        other => other.to_string(),
    }
}

/// Reports at a written flag's value; the message is prefixed with the program and the flag
/// as written: `kube-apiserver --anonymous-auth=true: ...`.
pub fn report_flag(sink: &mut Sink<'_>, line: &CommandLine<'_>, arg: &Arg, message: &str) {
    let object = line.object_of(arg);
    sink.report(
        object,
        &arg.value_pointer,
        format!(
            "{} `{}` ({}): {message}",
            line.component.program(),
            arg.written,
            origin(line)
        ),
    );
}

/// Reports a flag that is not set, at the command line: `kube-apiserver --profiling is not
/// set (default true) ...`.
pub fn report_unset(sink: &mut Sink<'_>, line: &CommandLine<'_>, flag: &str, message: &str) {
    sink.report(
        line.object(),
        &line.anchor,
        format!(
            "{} --{flag} is not set ({}): {message}",
            line.component.program(),
            origin(line)
        ),
    );
}
