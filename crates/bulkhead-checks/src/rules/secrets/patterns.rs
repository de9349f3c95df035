//! Recognising credentials: by the shape of a value, or by the name it is stored under.
//!
//! Values are never copied into messages; callers say what kind of secret was seen.

/// The kind of credential a value looks like, if it has a well-known shape.
pub fn credential_kind(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    const PREFIXED: &[(&str, usize, &str)] = &[
        ("AKIA", 16, "an AWS access key id"),
        ("ASIA", 16, "an AWS temporary access key id"),
        ("ghp_", 36, "a GitHub token"),
        ("gho_", 36, "a GitHub token"),
        ("ghs_", 36, "a GitHub token"),
        ("ghu_", 36, "a GitHub token"),
        ("github_pat_", 40, "a GitHub token"),
        ("glpat-", 20, "a GitLab token"),
        ("xoxb-", 20, "a Slack token"),
        ("xoxp-", 20, "a Slack token"),
        ("AIza", 35, "a Google API key"),
        ("sk_live_", 20, "a Stripe secret key"),
    ];
    for (prefix, min_len, kind) in PREFIXED {
        if let Some(rest) = v.strip_prefix(prefix) {
            let body: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                .collect();
            if body.len() >= *min_len {
                return Some(kind);
            }
        }
    }
    if is_jwt(v) {
        return Some("a JSON Web Token");
    }
    None
}

fn is_jwt(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts.iter().all(|p| {
            p.len() >= 8
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '='))
        })
}

/// Words that, as a part of a variable name, say it holds a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "PRIVATEKEY",
];

/// Last words that say the variable holds a reference or a setting about a secret, not the
/// secret itself (`PASSWORD_FILE`, `TOKEN_TTL`, `SECRET_NAME`).
const NOT_THE_SECRET: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "REF",
    "KEY_ID",
    "ID",
    "ENABLED",
    "ENABLE",
    "TTL",
    "EXPIRY",
    "LENGTH",
    "SIZE",
    "TYPE",
    "MOUNT",
    "HEADER",
    "URL",
    "ENDPOINT",
    "NAMESPACE",
    "POLICY",
    "REQUIRED",
    "TIMEOUT",
];

/// Whether an environment variable (or key) name says it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let Some(last) = words.last() else {
        return false;
    };
    if NOT_THE_SECRET.contains(last) {
        return false;
    }
    let joined_pairs = words.windows(2).map(|w| format!("{}{}", w[0], w[1]));
    words
        .iter()
        .map(|w| w.to_string())
        .chain(joined_pairs)
        .any(|w| SECRET_WORDS.contains(&w.as_str()) || w == "ACCESSKEY" || w == "SECRETKEY")
}

/// Values that are clearly not a secret even under a secret-sounding name.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || (v.starts_with("$(") && v.ends_with(')'))
        || (v.starts_with("${") && v.ends_with('}'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "none" | "null"
        )
        || v.starts_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "DB_PASSWORD",
            "api-key",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "client_secret",
            "PASSWORD",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "PASSWORD_FILE",
            "TOKEN_TTL",
            "SECRET_NAME",
            "AWS_ACCESS_KEY_ID",
            "PWD",
            "HOSTNAME",
            "KEYCLOAK_URL",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(
            credential_kind("AKIAIOSFODNN7EXAMPLE"),
            Some("an AWS access key id")
        );
        assert_eq!(
            credential_kind("-----BEGIN RSA PRIVATE KEY-----\nMIIE..."),
            Some("a private key")
        );
        assert_eq!(credential_kind("AKIA-short"), None);
        assert_eq!(credential_kind("hello"), None);
        assert!(
            credential_kind("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz").is_some()
        );
    }
}
