use bulkhead_model::{pointer, Node, Object};

use crate::rules::secrets::patterns::{
    assess, decode_base64, find_credential, is_high_entropy, is_key_like_name, is_literal_secret,
    is_secret_name,
};
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// ConfigMap entries that hold a credential.
    ///
    /// Reported: a value with the shape of a known secret (private keys, cloud and SaaS
    /// tokens, JWTs, URLs with a password) anywhere in it; a secret-sounding key
    /// (`DB_PASSWORD`, `api-key`, `client_secret`) with a literal value; or, inside a
    /// multi-line value such as an embedded config file, a line like `password: ...`,
    /// `password=...` or `"token": "..."` under a secret-sounding name. `binaryData` entries
    /// are decoded and searched for private keys, and key stores (`.jks`, `.p12`, `.pfx`,
    /// `.keystore`) are reported by name.
    ///
    /// Skipped: values that are clearly not the secret itself (empty, `${VAR}`,
    /// `{{ template }}`, `<placeholder>`, `changeme`, file paths, URLs without a password,
    /// numbers and booleans); in program source (`.py`, `.js`, `.sh`, ...) unquoted values,
    /// which are expressions (`token=os.environ["TOKEN"]`); and `passwd:` lines of
    /// `nsswitch.conf`, which name a database. The value is never printed; the message says
    /// what kind of secret was seen and under which key.
    ///
    /// ## Why it matters
    /// ConfigMaps are meant for non-confidential data and are treated that way: RBAC roles
    /// grant `get configmaps` far more widely than `get secrets` (many controllers and
    /// "view" roles read them), encryption at rest is usually configured for Secrets only,
    /// and their contents are printed by `kubectl describe`, shown in dashboards and copied
    /// into logs and Git. A password in a ConfigMap is readable by everyone who can read
    /// the namespace's configuration. The finding is high, as for a literal secret in an
    /// environment variable (BHS001): the credential is usable as it is by every such reader.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ConfigMap
    /// data:
    ///   DB_PASSWORD: hunter2
    ///   app.properties: |
    ///     db.user=app
    ///     db.password=hunter2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: ConfigMap
    /// data:
    ///   app.properties: |
    ///     db.user=app
    ///     db.password.file=/run/secrets/db/password
    /// ---
    /// kind: Secret      # created from an external store, not committed
    /// metadata:
    ///   name: db
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "ConfigMaps": "ConfigMap does not provide secrecy or encryption"
    /// - NSA-CISA Kubernetes Hardening Guidance, "Secrets"
    /// - MITRE ATT&CK T1552 (Unsecured Credentials)
    pub static SECRET_IN_CONFIGMAP = Check {
        id: "BHS002",
        slug: "secret-in-configmap",
        severity: Severity::High,
        family: Family::Secrets,
        remediation: "move the credential into a Secret (or an external secret store) and reference or mount it from there",
        compliance: Compliance {
            cis: &[],
            pss: &[],
            nsa: &["Network separation and hardening: secrets"],
            mitre: &["T1552"],
        },
        run: Run::Object(check),
        reads: crate::Reads::Kinds(&["ConfigMap"]),
    };
}

/// File name endings of key stores, which hold private keys in a binary format.
const KEY_STORES: &[&str] = &[".jks", ".p12", ".pfx", ".keystore", ".bcfks"];

fn check(_: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    if object.kind != "ConfigMap" || !object.group().is_empty() {
        return;
    }
    let name = &object.name;
    for entry in object.root.get("data").map(Node::as_map).unwrap_or(&[]) {
        let Some(value) = entry.value.scalar_text() else {
            continue;
        };
        if let Some(what) = assess_entry(&entry.key, &value) {
            sink.report(
                object,
                &pointer(["data", &*entry.key]),
                format!(
                    "ConfigMap \"{name}\": key \"{}\" {what} (value redacted)",
                    entry.key
                ),
            );
        }
    }
    for entry in object
        .root
        .get("binaryData")
        .map(Node::as_map)
        .unwrap_or(&[])
    {
        let key = entry.key.to_ascii_lowercase();
        let decoded = entry.value.as_str().and_then(decode_base64);
        let what = if KEY_STORES.iter().any(|ext| key.ends_with(ext)) {
            Some("a key store")
        } else {
            decoded
                .as_deref()
                .map(String::from_utf8_lossy)
                .and_then(|text| find_credential(&text))
        };
        if let Some(what) = what {
            sink.report(
                object,
                &pointer(["binaryData", &*entry.key]),
                format!(
                    "ConfigMap \"{name}\": binaryData key \"{}\" holds {what} (value redacted)",
                    entry.key
                ),
            );
        }
    }
}

/// What is wrong with one `data` entry, as the end of a sentence about its key.
fn assess_entry(key: &str, value: &str) -> Option<String> {
    if let Some(kind) = find_credential(value) {
        return Some(format!("holds {kind}"));
    }
    if !value.trim().contains('\n') {
        return assess(key, value).map(|what| match what {
            "a literal secret" => "holds a literal secret under a secret-sounding key".to_string(),
            other => format!("holds {other}"),
        });
    }
    let code = is_code_file(key);
    let hits: Vec<(usize, String)> = value
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let found = assignment(line)?;
            let secret = (is_secret_name(found.name) && is_literal_secret(found.value)
                || is_key_like_name(found.name) && is_high_entropy(found.value))
                && (found.quoted || !code)
                && !is_name_service_source(found.name, found.value);
            secret.then(|| (i + 1, found.name.to_string()))
        })
        .collect();
    let (line, name) = hits.first()?;
    let more = match hits.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some(format!(
        "contains a literal secret in \"{name}\" (line {line} of the value){more}"
    ))
}

/// One `name: value` setting of a config file.
#[derive(Debug, PartialEq)]
struct Assignment<'a> {
    name: &'a str,
    value: &'a str,
    /// The value was a quoted string (in code, an unquoted value is an expression).
    quoted: bool,
}

/// File name endings of program source, where `token = f(x)` is code, not a setting.
const CODE: &[&str] = &[
    ".py", ".js", ".mjs", ".ts", ".go", ".rb", ".sh", ".bash", ".java", ".lua", ".php", ".pl",
];

fn is_code_file(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    CODE.iter().any(|ext| key.ends_with(ext))
}

/// `passwd: files sss` in `nsswitch.conf` names the sources of the password database.
fn is_name_service_source(name: &str, value: &str) -> bool {
    const SOURCES: &[&str] = &[
        "files",
        "compat",
        "db",
        "nis",
        "nisplus",
        "sss",
        "systemd",
        "ldap",
        "winbind",
        "altfiles",
        "cache",
        "extrausers",
    ];
    matches!(name, "passwd" | "shadow" | "gshadow")
        && value
            .split_whitespace()
            .all(|w| SOURCES.contains(&w) || w.starts_with('['))
}

/// A `name: value`, `name = value` or `"name": "value"` line of a config file, with quotes,
/// trailing commas and comments around the value removed. Comment lines give `None`.
fn assignment(line: &str) -> Option<Assignment<'_>> {
    let line = line.trim();
    let line = line.strip_prefix("- ").unwrap_or(line);
    let line = line.strip_prefix("export ").unwrap_or(line);
    if line.starts_with(['#', ';', '/', '*', '<', '[']) {
        return None;
    }
    let at = line.find([':', '='])?;
    let name = line[..at].trim().trim_matches(['"', '\'']);
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    let value = line[at + 1..].trim();
    // `a := b`, `a == b` and `a: =b` are code, not settings.
    if value.starts_with(['=', ':']) {
        return None;
    }
    let value = value.strip_suffix(',').unwrap_or(value).trim();
    let (value, quoted) = match value.chars().next() {
        Some(q @ ('"' | '\'')) => (value[1..].split(q).next().unwrap_or(""), true),
        _ => (value.split(" #").next().unwrap_or(value).trim(), false),
    };
    Some(Assignment {
        name,
        value,
        quoted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(line: &str) -> Option<(&str, &str, bool)> {
        assignment(line).map(|a| (a.name, a.value, a.quoted))
    }

    #[test]
    fn assignments() {
        assert_eq!(
            pair("  password: hunter2"),
            Some(("password", "hunter2", false))
        );
        assert_eq!(
            pair("db.password=hunter2"),
            Some(("db.password", "hunter2", false))
        );
        assert_eq!(
            pair("  \"token\": \"abc def\","),
            Some(("token", "abc def", true))
        );
        assert_eq!(pair("secret = 'x' # note"), Some(("secret", "x", true)));
        assert_eq!(pair("# password: hunter2"), None);
        assert_eq!(pair("if a == b"), None);
        assert_eq!(pair("x := secret"), None);
    }

    #[test]
    fn entries() {
        assert!(assess_entry("DB_PASSWORD", "hunter2").is_some());
        assert!(assess_entry("DB_PASSWORD", "${DB_PASSWORD}").is_none());
        assert!(assess_entry("PASSWORD_FILE", "/run/secrets/db").is_none());
        assert!(assess_entry("LOG_LEVEL", "debug").is_none());
        assert!(assess_entry("app.conf", "user: app\npassword: hunter2\n").is_some());
        assert!(assess_entry("app.conf", "user: app\npassword_file: /run/x\n").is_none());
        assert!(assess_entry("app.conf", "password:\n  min_length: 8\n").is_none());
        assert!(assess_entry("app.conf", "token_ttl: 3600\nsecret: true\n").is_none());
        assert!(assess_entry("nsswitch.conf", "passwd:   files sss\nhosts: dns\n").is_none());
        let code = "import os\ntoken = os.environ[\"TOKEN\"]\nf(token=token)\n";
        assert!(assess_entry("main.py", code).is_none());
        assert!(assess_entry("main.py", "API_TOKEN = \"hunter2-hunter2\"\nx = 1\n").is_some());
    }
}
