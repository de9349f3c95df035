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

/// The kind of credential found anywhere in a longer text (a config file, a JSON blob, an
/// annotation): a PEM private key block, a token with a known shape among the words of the
/// text, or a URL with a password in it. Never returns the credential itself.
pub fn find_credential(text: &str) -> Option<&'static str> {
    if has_private_key_block(text) {
        return Some("a private key");
    }
    let token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if let Some(kind) = text
        .split(|c: char| !token_char(c))
        .filter(|t| t.len() >= 16)
        .find_map(credential_kind)
    {
        return Some(kind);
    }
    if has_url_password(text) {
        return Some("a URL with an embedded password");
    }
    None
}

/// A `-----BEGIN ... PRIVATE KEY-----` header (RSA, EC, OpenSSH, PKCS#8, encrypted).
fn has_private_key_block(text: &str) -> bool {
    text.match_indices("-----BEGIN ").any(|(at, _)| {
        let header = &text[at + "-----BEGIN ".len()..];
        let header = header.split("-----").next().unwrap_or("");
        header.len() < 40 && header.ends_with("PRIVATE KEY")
    })
}

/// `scheme://user:password@host` with a password that is not a placeholder.
fn has_url_password(text: &str) -> bool {
    text.match_indices("://").any(|(at, _)| {
        let rest = &text[at + 3..];
        let authority = rest
            .split(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .next()
            .unwrap_or("");
        let authority = authority.trim_end_matches(['"', '\'', ',', ')', ']', '}', '>', ';']);
        let Some((userinfo, host)) = authority.rsplit_once('@') else {
            return false;
        };
        let Some((_, password)) = userinfo.split_once(':') else {
            return false;
        };
        !host.is_empty()
            && !password.is_empty()
            && !is_template_value(password)
            && !password.chars().all(|c| c == '*' || c == 'x' || c == 'X')
    })
}

/// Values written to be replaced before use, or references resolved elsewhere: empty, a
/// variable or template (`${DB_PASSWORD}`, `$(VAR)`, `{{ .Values.x }}`, `%(x)s`), an
/// angle-bracketed hole (`<password>`), a SOPS-encrypted value (`ENC[...]`), or one of the
/// words people write instead of a value (`changeme`, `REPLACE_ME`, `xxxx`, `****`, `TODO`,
/// `redacted`). Stricter than [`is_placeholder`] about what counts as "not a value", for
/// text copied into manifests and config files.
pub fn is_template_value(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    if is_placeholder(v) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let squeezed: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.contains("%(")
        || (v.starts_with('$')
            && v[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || (v.starts_with('<') && v.ends_with('>'))
        || v.starts_with("ENC[")
        || v.chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '_' | '#'))
        || matches!(
            squeezed.as_str(),
            "changeme"
                | "changeit"
                | "replaceme"
                | "todo"
                | "tbd"
                | "redacted"
                | "placeholder"
                | "secret"
                | "password"
                | "yourpassword"
                | "yoursecret"
                | "yourtoken"
                | "mypassword"
                | "mysecret"
                | "notasecret"
        )
}

/// Decodes standard or URL-safe base64 (padding optional, whitespace ignored), as found in
/// Secret `data` and ConfigMap `binaryData`. `None` when the text is not base64.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let symbols: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let body = symbols
        .iter()
        .rposition(|&b| b != b'=')
        .map_or(&symbols[..0], |end| &symbols[..=end]);
    if symbols.len() - body.len() > 2 || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
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
    #[test]
    fn credentials_inside_text() {
        let config = "db:\n  host: db\n  url: postgres://app:s3cr3t-v4lue@db:5432/app\n";
        assert_eq!(
            find_credential(config),
            Some("a URL with an embedded password")
        );
        assert_eq!(
            find_credential("url: postgres://app:${DB_PASS}@db/app"),
            None
        );
        assert_eq!(find_credential("see https://example.com/a@b"), None);
        assert_eq!(
            find_credential("key: |\n  -----BEGIN OPENSSH PRIVATE KEY-----\n  b3Blbn..."),
            Some("a private key")
        );
        assert_eq!(
            find_credential("-----BEGIN CERTIFICATE-----\nMIIB..."),
            None
        );
        assert_eq!(
            find_credential("{\"aws\": \"AKIAIOSFODNN7EXAMPLE\"}"),
            Some("an AWS access key id")
        );
        assert_eq!(find_credential("just some words"), None);
    }

    #[test]
    fn template_values() {
        for v in [
            "",
            "${X}",
            "$(X)",
            "{{ .Values.x }}",
            "<password>",
            "changeme",
            "CHANGE_ME",
            "xxxx",
            "****",
            "ENC[AES256_GCM,data:abc]",
            "$DB_PASSWORD",
            "\"\"",
        ] {
            assert!(is_template_value(v), "{v:?}");
        }
        for v in ["hunter2", "s3cr3t-v4lue", "admin"] {
            assert!(!is_template_value(v), "{v:?}");
        }
    }

    #[test]
    fn base64() {
        assert_eq!(
            decode_base64("aHVudGVyMg==").as_deref(),
            Some(&b"hunter2"[..])
        );
        assert_eq!(
            decode_base64("aHVudGVyMg").as_deref(),
            Some(&b"hunter2"[..])
        );
        assert_eq!(decode_base64("").as_deref(), Some(&b""[..]));
        assert_eq!(decode_base64("not base64!"), None);
        assert_eq!(decode_base64("a"), None);
    }
}
