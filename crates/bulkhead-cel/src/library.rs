//! The CEL environment: cel-rust's standard functions plus the Kubernetes libraries from
//! `kube-cel`, and the list of what is supported, checked before anything runs.
//!
//! cel-rust resolves functions only when a call is evaluated, so an expression naming a
//! function it lacks would fail late, or never, when a short-circuit skips the call; a
//! policy must not pass because its check was never run. Every function an expression
//! names is therefore looked up in [`SUPPORTED`] when it is compiled.

use kube_cel::cel::common::ast::{EntryExpr, Expr, IdedExpr};
use kube_cel::cel::Context;
use kube_cel::KubeCelExt;

/// Functions and methods an expression may call. The standard CEL functions of cel-rust,
/// then the Kubernetes libraries (lists, strings, regex, URLs, IP/CIDR, semver, format,
/// quantity, sets, math, base64). The macros (`has`, `all`, `exists`, `exists_one`, `map`,
/// `filter`) and the operators are part of the language and are always there.
pub const SUPPORTED: &[&str] = &[
    // CEL standard library (cel-rust)
    "contains",
    "size",
    "max",
    "min",
    "startsWith",
    "endsWith",
    "string",
    "bytes",
    "double",
    "int",
    "uint",
    "matches",
    "duration",
    "timestamp",
    "getFullYear",
    "getMonth",
    "getDayOfYear",
    "getDayOfMonth",
    "getDate",
    "getDayOfWeek",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
    "optional.none",
    "optional.of",
    "optional.ofNonZeroValue",
    "value",
    "hasValue",
    "or",
    "orValue",
    // Kubernetes strings library
    "charAt",
    "indexOf",
    "lastIndexOf",
    "lowerAscii",
    "upperAscii",
    "replace",
    "split",
    "substring",
    "trim",
    "join",
    "reverse",
    "strings.quote",
    "format",
    // Kubernetes lists library
    "isSorted",
    "sum",
    "first",
    "last",
    "distinct",
    "flatten",
    "slice",
    "sort",
    "lists.range",
    // Kubernetes sets library
    "sets.contains",
    "sets.equivalent",
    "sets.intersects",
    // Kubernetes regex library
    "find",
    "findAll",
    // Kubernetes URL library
    "url",
    "isURL",
    "getScheme",
    "getHost",
    "getHostname",
    "getPort",
    "getEscapedPath",
    "getQuery",
    // Kubernetes IP and CIDR library
    "ip",
    "cidr",
    "isIP",
    "isCIDR",
    "isIPv4",
    "isIPv6",
    "isCIDRv4",
    "isCIDRv6",
    "ip.isCanonical",
    "family",
    "isUnspecified",
    "isLoopback",
    "isLinkLocalMulticast",
    "isLinkLocalUnicast",
    "isGlobalUnicast",
    "containsIP",
    "containsCIDR",
    "masked",
    "prefixLength",
    // Kubernetes semver library
    "semver",
    "isSemver",
    "major",
    "minor",
    "patch",
    "compareTo",
    "isGreaterThan",
    "isLessThan",
    // Kubernetes quantity library
    "quantity",
    "isQuantity",
    "isInteger",
    "asInteger",
    "asApproximateFloat",
    "sign",
    "add",
    "sub",
    // Kubernetes format library
    "format.named",
    "format.dns1123Label",
    "format.dns1123Subdomain",
    "format.dns1035Label",
    "format.qualifiedName",
    "format.dns1123LabelPrefix",
    "format.dns1123SubdomainPrefix",
    "format.dns1035LabelPrefix",
    "format.labelValue",
    "format.uri",
    "format.uuid",
    "format.byte",
    "format.date",
    "format.datetime",
    "validate",
    // Kubernetes math and encoder libraries
    "math.greatest",
    "math.least",
    "math.abs",
    "math.sign",
    "math.ceil",
    "math.floor",
    "math.round",
    "math.trunc",
    "math.isInf",
    "math.isNaN",
    "math.isFinite",
    "math.bitAnd",
    "math.bitOr",
    "math.bitXor",
    "math.bitNot",
    "math.bitShiftLeft",
    "math.bitShiftRight",
    "math.sqrt",
    "base64.encode",
    "base64.decode",
];

/// Kubernetes CEL functions this build cannot evaluate, with why: named in the error so a
/// reader knows it is a gap here, not a typo.
pub const UNSUPPORTED: &[(&str, &str)] = &[
    ("authorizer", "authorization checks need a live API server"),
    ("type", "type() is not implemented by the CEL interpreter"),
    ("dyn", "dyn() is not implemented by the CEL interpreter"),
    (
        "jsonpatch.escapeKey",
        "JSON patch functions belong to mutating policies",
    ),
];

thread_local! {
    /// One environment per thread: registering the libraries is the costly part, and a
    /// `cel::Context` cannot be shared between threads.
    static ROOT: Context<'static> = Context::default().with_all();
}

/// Runs `f` with this thread's environment (the libraries registered, no variables).
pub fn with_root<R>(f: impl FnOnce(&Context<'static>) -> R) -> R {
    ROOT.with(f)
}

/// A function the expression calls that is not supported, with its name as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub name: String,
    pub why: Option<&'static str>,
}

/// Every function called in `expr` that this environment lacks.
pub fn unsupported_calls(expr: &IdedExpr) -> Vec<Unsupported> {
    let mut out = Vec::new();
    walk(expr, &mut out);
    out
}

fn walk(expr: &IdedExpr, out: &mut Vec<Unsupported>) {
    match &expr.expr {
        Expr::Call(call) => {
            let name = call.func_name.as_str();
            let operator = name.starts_with('_')
                || name.starts_with('@')
                || name.starts_with('!')
                || name.starts_with('-');
            let qualified = match call.target.as_deref().map(|t| &t.expr) {
                Some(Expr::Ident(prefix)) => Some(format!("{prefix}.{name}")),
                _ => None,
            };
            let known = |n: &str| SUPPORTED.contains(&n);
            let ok = operator || known(name) || qualified.as_deref().is_some_and(known);
            if !ok {
                let written = qualified
                    .filter(|q| UNSUPPORTED.iter().any(|(n, _)| n == q))
                    .unwrap_or_else(|| name.to_string());
                let why = UNSUPPORTED
                    .iter()
                    .find(|(n, _)| *n == written)
                    .map(|(_, why)| *why);
                if !out.iter().any(|u| u.name == written) {
                    out.push(Unsupported { name: written, why });
                }
            }
            if let Some(target) = &call.target {
                walk(target, out);
            }
            for arg in &call.args {
                walk(arg, out);
            }
        }
        Expr::Comprehension(c) => {
            for e in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                walk(e, out);
            }
        }
        Expr::List(list) => list.elements.iter().for_each(|e| walk(e, out)),
        Expr::Map(map) => map.entries.iter().for_each(|e| walk_entry(&e.expr, out)),
        Expr::Struct(s) => s.entries.iter().for_each(|e| walk_entry(&e.expr, out)),
        Expr::Select(select) => walk(&select.operand, out),
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
}

fn walk_entry(entry: &EntryExpr, out: &mut Vec<Unsupported>) {
    match entry {
        EntryExpr::StructField(f) => walk(&f.value, out),
        EntryExpr::MapEntry(m) => {
            walk(&m.key, out);
            walk(&m.value, out);
        }
    }
}

/// The free variables `expr` reads (comprehension variables excluded).
pub fn variables(expr: &IdedExpr) -> Vec<String> {
    let mut out = Vec::new();
    free_variables(expr, &mut Vec::new(), &mut out);
    out
}

fn free_variables(expr: &IdedExpr, bound: &mut Vec<String>, out: &mut Vec<String>) {
    match &expr.expr {
        Expr::Ident(name) => {
            if !bound.contains(name) && !out.contains(name) {
                out.push(name.clone());
            }
        }
        Expr::Call(call) => {
            if let Some(target) = &call.target {
                // `math.abs(x)`: `math` is a namespace, not a variable.
                let namespace = matches!(&target.expr, Expr::Ident(p)
                    if SUPPORTED.contains(&format!("{p}.{}", call.func_name).as_str())
                        || UNSUPPORTED.iter().any(|(n, _)| *n == format!("{p}.{}", call.func_name)));
                if !namespace {
                    free_variables(target, bound, out);
                }
            }
            for arg in &call.args {
                free_variables(arg, bound, out);
            }
        }
        Expr::Comprehension(c) => {
            free_variables(&c.iter_range, bound, out);
            free_variables(&c.accu_init, bound, out);
            let before = bound.len();
            bound.push(c.iter_var.clone());
            if let Some(v) = &c.iter_var2 {
                bound.push(v.clone());
            }
            bound.push(c.accu_var.clone());
            for e in [&c.loop_cond, &c.loop_step, &c.result] {
                free_variables(e, bound, out);
            }
            bound.truncate(before);
        }
        Expr::List(list) => list
            .elements
            .iter()
            .for_each(|e| free_variables(e, bound, out)),
        Expr::Map(map) => map.entries.iter().for_each(|e| match &e.expr {
            EntryExpr::MapEntry(m) => {
                free_variables(&m.key, bound, out);
                free_variables(&m.value, bound, out);
            }
            EntryExpr::StructField(f) => free_variables(&f.value, bound, out),
        }),
        Expr::Struct(s) => s.entries.iter().for_each(|e| {
            if let EntryExpr::StructField(f) = &e.expr {
                free_variables(&f.value, bound, out)
            }
        }),
        Expr::Select(select) => free_variables(&select.operand, bound, out),
        Expr::Literal(_) | Expr::Unspecified => {}
    }
}
