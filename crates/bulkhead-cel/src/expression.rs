//! One CEL expression: compiled once, checked for what this build cannot evaluate, run
//! against many objects.

use std::fmt;

use kube_cel::cel::{self, Context, Program};

use crate::library::{self, with_root};

/// Where in an expression's text a problem is: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextPosition {
    pub line: u32,
    pub column: u32,
}

/// Why an expression cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
    /// Where in the expression text, when known.
    pub position: Option<TextPosition>,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A compiled expression and its text.
#[derive(Debug)]
pub struct Expression {
    pub text: String,
    program: Program,
}

/// The variables an evaluation binds (`object`, `oldObject`, `params`, ...).
pub type Bindings<'a> = &'a [(&'a str, cel::Value)];

impl Expression {
    /// Compiles `text`, which may read only the variables in `allowed`. Syntax errors,
    /// calls to functions this build lacks and unknown variables are all compile errors:
    /// each would otherwise surface only when (and if) that part of the expression runs.
    pub fn compile(text: &str, allowed: &[&str]) -> Result<Expression, CompileError> {
        if text.trim().is_empty() {
            return Err(CompileError {
                message: "the expression is empty".into(),
                position: None,
            });
        }
        // The ANTLR parser of cel 0.13 can panic on some malformed input; a rule file must
        // never bring the scan down.
        let parsed =
            std::panic::catch_unwind(|| Program::compile(text)).map_err(|_| CompileError {
                message: "the CEL parser failed on this expression".into(),
                position: None,
            })?;
        let program = parsed.map_err(|errors| {
            let first = errors.errors.first();
            CompileError {
                message: first.map_or_else(|| "syntax error".to_string(), |e| e.msg.clone()),
                position: first.map(|e| TextPosition {
                    line: e.pos.0.max(1) as u32,
                    // cel reports 1-based lines and columns.
                    column: e.pos.1.max(1) as u32,
                }),
            }
        })?;
        let undeclared: Vec<String> = library::variables(program.expression())
            .into_iter()
            .filter(|v| !allowed.contains(&v.as_str()))
            .collect();
        // A variable this build cannot offer (`authorizer`) is named first: the calls made
        // on it would otherwise be reported as unknown functions.
        if let Some((name, why)) = undeclared
            .iter()
            .find_map(|v| library::UNSUPPORTED.iter().find(|(n, _)| n == v))
        {
            return Err(CompileError {
                message: format!("{name:?} is not supported ({why})"),
                position: position_of(text, name),
            });
        }
        if let Some(u) = library::unsupported_calls(program.expression()).first() {
            let why = u.why.map(|w| format!(" ({w})")).unwrap_or_default();
            return Err(CompileError {
                message: format!(
                    "function {:?} is not supported{why}; see docs/custom-rules.md for the supported libraries",
                    u.name
                ),
                position: position_of(text, &u.name),
            });
        }
        if let Some(name) = undeclared.first() {
            return Err(CompileError {
                message: format!(
                    "undeclared reference to {name:?} (this expression may read {})",
                    allowed.join(", ")
                ),
                position: position_of(text, name),
            });
        }
        Ok(Expression {
            text: text.to_string(),
            program,
        })
    }

    /// Evaluates the expression with `bindings`.
    pub fn evaluate(&self, bindings: Bindings<'_>) -> Result<cel::Value, String> {
        with_root(|root| {
            let mut context: Context<'_> = root.new_inner_scope();
            for (name, value) in bindings {
                context.add_variable_from_value(*name, value.clone());
            }
            self.program.execute(&context).map_err(|e| e.to_string())
        })
    }

    /// Evaluates to a boolean; any other result is an error, as in Kubernetes.
    pub fn evaluate_bool(&self, bindings: Bindings<'_>) -> Result<bool, String> {
        match self.evaluate(bindings)? {
            cel::Value::Bool(b) => Ok(b),
            other => Err(format!("expected a bool, got {}", type_name(&other))),
        }
    }

    /// Evaluates to a string; any other result is an error.
    pub fn evaluate_string(&self, bindings: Bindings<'_>) -> Result<String, String> {
        match self.evaluate(bindings)? {
            cel::Value::String(s) => Ok(s.to_string()),
            other => Err(format!("expected a string, got {}", type_name(&other))),
        }
    }
}

fn type_name(value: &cel::Value) -> String {
    value.type_of().to_string()
}

/// Where `name` first occurs in `text` as a whole word (for errors the parser cannot place):
/// the qualified name if written so, else its last segment (`format.dns1123Label`).
fn position_of(text: &str, name: &str) -> Option<TextPosition> {
    let last = name.rsplit('.').next().unwrap_or(name);
    [name, last].iter().find_map(|needle| word_at(text, needle))
}

fn word_at(text: &str, needle: &str) -> Option<TextPosition> {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut from = 0;
    while let Some(found) = text[from..].find(needle) {
        let at = from + found;
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        if (!word(before) && !word(after)) || needle.contains('.') {
            let line = text[..at].matches('\n').count() as u32 + 1;
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..at].chars().count() as u32 + 1;
            return Some(TextPosition { line, column });
        }
        from = at + needle.len();
    }
    None
}
