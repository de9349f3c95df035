//! The audit log file's rotation flags. They matter only when the API server writes its audit
//! log to a file: with `--audit-log-path` unset (no log, which `apiserver-audit-log-path`
//! reports) or `-` (standard output) there is nothing to rotate. The values go straight to the
//! rotation library, where 0 (the default) means "keep every file", "no age limit" or "100
//! megabytes": all of which keep at least what CIS asks for.

use bulkhead_node::Component;

use super::expect::{setting, Setting};
use super::flags::report_flag;
use crate::{Context, Sink};

/// Reports API servers whose `flag` is set below `minimum` (0 and unset pass: see above).
pub fn rotation(cx: &Context<'_>, sink: &mut Sink<'_>, flag: &str, minimum: i64, risk: &str) {
    for line in cx.command_lines(Component::ApiServer) {
        match setting(line, "audit-log-path") {
            Setting::Written(path) if path.text().trim() != "-" => {}
            _ => continue,
        }
        let Some(arg) = line.flag(flag) else {
            continue;
        };
        match arg.text().trim().parse::<i64>() {
            Ok(0) => {}
            Ok(n) if n < 0 => report_flag(
                sink,
                line,
                arg,
                "is negative, so kube-apiserver refuses to start",
            ),
            Ok(n) if n < minimum => {
                report_flag(sink, line, arg, &format!("{n} is below {minimum}; {risk}"))
            }
            Ok(_) => {}
            Err(_) => report_flag(
                sink,
                line,
                arg,
                "is not an integer, so kube-apiserver refuses to start",
            ),
        }
    }
}
