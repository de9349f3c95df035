//! Judging one kubelet setting on every kubelet of the inventory, and saying what decided it.
//!
//! Every finding names the value's source: the flag as written, the config file or drop-in
//! field, or the default of the kubelet's mode (a kubelet without a config file has the
//! insecure legacy defaults). A kubelet whose `--config` file was not scanned cannot be
//! judged on a value that file would decide; that is reported at the `--config` flag rather
//! than passed in silence.

use bulkhead_node::kubelet::{Field, Kubelet, Setting, SettingValue, Source};
use bulkhead_node::Arg;

use crate::rules::control_plane::flags::origin;
use crate::{Context, Severity, Sink};

/// Reports, for every kubelet, what `problem` finds wrong with the effective value of
/// `field` (`None` = fine). `what` names the setting in "cannot judge" messages.
pub fn judge_setting(
    cx: &Context<'_>,
    sink: &mut Sink<'_>,
    field: &Field,
    what: &str,
    problem: impl Fn(&SettingValue) -> Option<String>,
) {
    for kubelet in Kubelet::resolve(cx.inventory) {
        let setting = kubelet.setting(field);
        if unscanned_config(sink, &kubelet, &setting, what) {
            continue;
        }
        if let Some(problem) = problem(&setting.value) {
            report_setting(sink, &kubelet, field, &setting, &problem);
        }
    }
}

/// Reports `problem` where the setting was decided, followed by what decided it.
pub fn report_setting(
    sink: &mut Sink<'_>,
    kubelet: &Kubelet<'_>,
    field: &Field,
    setting: &Setting<'_>,
    problem: &str,
) {
    let (object, pointer, decided) = kubelet.locate(field, setting);
    sink.report(
        object,
        &pointer,
        format!("{}: {problem} ({decided})", who(kubelet)),
    );
}

/// `kubelet (process 1234)`, or `kubelet` for a configuration scanned on its own (the
/// location names the file).
pub fn who(kubelet: &Kubelet<'_>) -> String {
    match &kubelet.command_line {
        Some(line) => format!("kubelet ({})", origin(line)),
        None => "kubelet".to_string(),
    }
}

/// When a setting took its default only because the kubelet's `--config` file was not
/// scanned, reports that at the flag (low severity: unknown, not known bad) and returns true.
pub fn unscanned_config(
    sink: &mut Sink<'_>,
    kubelet: &Kubelet<'_>,
    setting: &Setting<'_>,
    what: &str,
) -> bool {
    if !matches!(setting.source, Source::Default) {
        return false;
    }
    let Some(arg) = kubelet.missing_config() else {
        return false;
    };
    report_missing_config(sink, kubelet, arg, what);
    true
}

fn report_missing_config(sink: &mut Sink<'_>, kubelet: &Kubelet<'_>, arg: &Arg, what: &str) {
    let Some(line) = &kubelet.command_line else {
        return;
    };
    sink.report_with(
        line.object_of(arg),
        &arg.value_pointer,
        Severity::Low,
        format!(
            "{}: {what} cannot be judged: it is decided by the config file {} (`{}`), which was not scanned; scan it with the node (`bulkhead node`) or pass it as an input",
            who(kubelet),
            arg.text(),
            arg.written
        ),
    );
}

/// "`maybe` is not a valid boolean": for values the kubelet itself would refuse.
pub fn unreadable(value: &SettingValue, kind: &str) -> String {
    format!("`{value}` is not a valid {kind}, so the kubelet refuses to start with it")
}

/// A boolean setting that must be `want`: `problem` when it is not.
pub fn bool_problem(value: &SettingValue, want: bool, problem: &str) -> Option<String> {
    match value.as_bool() {
        Some(b) if b == want => None,
        Some(_) => Some(problem.to_string()),
        None => Some(unreadable(value, "boolean")),
    }
}
