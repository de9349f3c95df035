//! Recognising credentials: by the shape of a value, or by the name it is stored under.
//!
//! One detector serves every place a value can sit (container `env`, `command` and `args`,
//! ConfigMap data, annotations): [`assess`] for a value under a name, [`find_credential`]
//! for a value alone. The token formats follow the open rule sets of secret scanners
//! (gitleaks, trufflehog): a fixed prefix and a minimum body length per format.
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
        ("ghr_", 36, "a GitHub token"),
        ("github_pat_", 40, "a GitHub token"),
        ("glpat-", 20, "a GitLab token"),
        ("gldt-", 20, "a GitLab token"),
        ("glrt-", 20, "a GitLab token"),
        ("glptt-", 40, "a GitLab token"),
        ("xoxb-", 20, "a Slack token"),
        ("xoxp-", 20, "a Slack token"),
        ("xoxa-", 20, "a Slack token"),
        ("xoxr-", 20, "a Slack token"),
        ("xoxs-", 20, "a Slack token"),
        ("xapp-", 20, "a Slack token"),
        ("AIza", 35, "a Google API key"),
        ("sk_live_", 20, "a Stripe secret key"),
        ("rk_live_", 20, "a Stripe secret key"),
        ("npm_", 36, "an npm token"),
        ("pypi-AgEIcHlwaS5vcmc", 50, "a PyPI token"),
        ("hf_", 34, "a Hugging Face token"),
        ("dop_v1_", 64, "a DigitalOcean token"),
        ("doo_v1_", 64, "a DigitalOcean token"),
        ("shpat_", 32, "a Shopify token"),
        ("shpss_", 32, "a Shopify token"),
        ("sk-ant-", 40, "an Anthropic API key"),
        ("sk-proj-", 40, "an OpenAI API key"),
        ("dckr_pat_", 27, "a Docker Hub token"),
        ("glsa_", 32, "a Grafana token"),
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
    if is_sendgrid_key(v) {
        return Some("a SendGrid API key");
    }
    None
}

/// `SG.` followed by a 22-character id and a 43-character secret, dot-separated.
fn is_sendgrid_key(v: &str) -> bool {
    let mut parts = v.split('.');
    let base64ish = |p: &str| {
        p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    };
    parts.next() == Some("SG")
        && parts.next().is_some_and(|p| p.len() == 22 && base64ish(p))
        && parts.next().is_some_and(|p| p.len() >= 43 && base64ish(p))
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
    // Keys that are the secret whatever follows: cloud storage and account keys, signing
    // and encryption keys (AZURE_STORAGE_KEY, ACCOUNT_KEY, JWT_SIGNING_KEY).
    "STORAGEKEY",
    "ACCOUNTKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "MASTERKEY",
    "HMACKEY",
    "SHAREDKEY",
    "AUTHKEY",
    "BATCHKEY",
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
    "VERSION",
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

/// Whether a name says it holds a key of some kind without saying which (`*_KEY`,
/// `*_KEY_CONTENT`, `*_KEY_DATA`: `OCI_CLI_KEY_CONTENT`, `WEBHOOK_KEY`). `CACHE_KEY` or
/// `SORT_KEY` are names of this shape too, so such a value counts as a secret only when it
/// also looks random ([`is_high_entropy`]).
pub fn is_key_like_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [.., last] if last.ends_with("KEY") => true,
        [.., "KEY", "CONTENT" | "DATA" | "VALUE" | "MATERIAL" | "B64" | "BASE64"] => true,
        _ => false,
    }
}

/// Whether a value looks random enough to be key material: at least 20 characters with no
/// spaces, drawn from two or more character classes (or all hexadecimal), with a Shannon
/// entropy of at least 3.5 bits per character. Words and settings (`user-sessions`,
/// `partition-by-tenant`) fall below it; base64 and hex keys are far above it.
pub fn is_high_entropy(value: &str) -> bool {
    let v = value.trim();
    if v.chars().count() < 20 || v.chars().any(char::is_whitespace) || is_template_value(v) {
        return false;
    }
    let classes = [
        v.chars().any(|c| c.is_ascii_lowercase()),
        v.chars().any(|c| c.is_ascii_uppercase()),
        v.chars().any(|c| c.is_ascii_digit()),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    let hex = v.chars().all(|c| c.is_ascii_hexdigit()) && v.len() >= 32;
    if classes < 2 && !hex {
        return false;
    }
    // Digits mixed into words (`release-2024-q1-build`) are not a key either.
    if !v.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    shannon_entropy(v) >= 3.5
}

fn shannon_entropy(v: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in v.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = v.chars().count() as f64;
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// What a value under a name holds, if it is a credential: a known shape anywhere in it
/// (token formats, private keys, URLs with a password, webhook URLs, bearer credentials),
/// any literal under a secret-sounding name (`DB_PASSWORD`, `--db-password`), or a random
/// value under a key-like name (`AZURE_STORAGE_KEY`, `OCI_CLI_KEY_CONTENT`). `None` for
/// placeholders and references (`$(VAR)`, `${VAR}`, `{{ .Values.x }}`, `changeme`).
pub fn assess(name: &str, value: &str) -> Option<&'static str> {
    if is_template_value(value) {
        return None;
    }
    if let Some(kind) = find_credential(value) {
        return Some(kind);
    }
    if is_secret_name(name) && is_literal_secret(value) {
        return Some("a literal secret");
    }
    if is_key_like_name(name) && is_high_entropy(value) {
        return Some("a random value under a key name");
    }
    None
}

/// Whether a value under a secret-sounding name is the secret itself, rather than a
/// placeholder, a reference, a path, a setting (number, boolean) or a nested structure.
pub fn is_literal_secret(value: &str) -> bool {
    let v = value.trim();
    !is_template_value(v)
        && v.chars().count() >= 4
        && v.parse::<f64>().is_err()
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "yes" | "no" | "on" | "off" | "enabled" | "disabled" | "required" | "optional"
        )
        && !v.starts_with(['{', '[', '|', '>', '&', '*', '!', '%', '@', '.', '~'])
        && !v.contains("://")
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
    if let Some(kind) = webhook_url(text) {
        return Some(kind);
    }
    if has_bearer_credential(text) {
        return Some("a bearer credential");
    }
    if has_connection_string_key(text) {
        return Some("a connection string with an account key");
    }
    None
}

/// Webhook URLs whose path is the credential: anyone holding one can post as the
/// integration. Slack (`hooks.slack.com/services/T…/B…/…`, workflows and triggers) and
/// Discord (`discord.com/api/webhooks/<id>/<token>`).
fn webhook_url(text: &str) -> Option<&'static str> {
    const HOOKS: &[(&str, usize, &str)] = &[
        ("hooks.slack.com/services/", 40, "a Slack webhook URL"),
        ("hooks.slack.com/workflows/", 30, "a Slack webhook URL"),
        ("hooks.slack.com/triggers/", 30, "a Slack webhook URL"),
        ("discord.com/api/webhooks/", 60, "a Discord webhook URL"),
        ("discordapp.com/api/webhooks/", 60, "a Discord webhook URL"),
    ];
    HOOKS.iter().find_map(|(host_path, min, kind)| {
        text.match_indices(host_path).find_map(|(at, _)| {
            let rest: String = text[at + host_path.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'))
                .collect();
            // The documentation's `T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`.
            let secret = rest.rsplit('/').find(|p| !p.is_empty()).unwrap_or("");
            let placeholder = secret.chars().all(|c| matches!(c, 'x' | 'X' | '0'));
            (rest.len() >= *min && !placeholder).then_some(*kind)
        })
    })
}

/// `Bearer <token>` or `Basic <base64>` (an `Authorization` header value, under whatever
/// name: `AUTH_HEADER: bearer …`), with a token of 16 or more characters that is not a
/// variable.
fn has_bearer_credential(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["bearer ", "basic "].iter().any(|scheme| {
        lower.match_indices(scheme).any(|(at, _)| {
            let starts_word = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
            let token: &str = text[at + scheme.len()..]
                .trim_start()
                .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'))
                .next()
                .unwrap_or("");
            starts_word
                && token.len() >= 16
                && token.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, '.' | '_' | '-' | '+' | '/' | '=' | '~')
                })
                && !is_template_value(token)
                && token.chars().any(|c| c.is_ascii_digit())
        })
    })
}

/// `AccountKey=<base64>` (Azure Storage) or `SharedAccessKey=<base64>` (Service Bus, Event
/// Hubs) in a connection string.
fn has_connection_string_key(text: &str) -> bool {
    ["AccountKey=", "SharedAccessKey="].iter().any(|field| {
        text.match_indices(field).any(|(at, _)| {
            let key: String = text[at + field.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
                .collect();
            key.len() >= 40 && !is_template_value(&key)
        })
    })
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
        // `CHANGEME00000000`: a placeholder padded to a required length.
        || matches!(
            squeezed.trim_end_matches(['0', 'x']),
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
            "SECRET_VERSION",
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
    fn one_detector_for_every_place() {
        let slack = format!(
            "https://hooks.slack.com/services/T0{}/B0{}/{}",
            "ABCDEFGH", "IJKLMNOP", "q1w2e3r4t5y6u7i8o9p0a1s2"
        );
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "DATABASE_URL",
                "postgres://app:s3cr3t-v4lue@db:5432/app",
                Some("a URL with an embedded password"),
            ),
            ("NOTIFY", &slack, Some("a Slack webhook URL")),
            (
                "AUTH_HEADER",
                "bearer 8f1c2e4a9b7d6c5e3f2a1b0c",
                Some("a bearer credential"),
            ),
            (
                "AZURE_STORAGE_KEY",
                "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
                Some("a literal secret"),
            ),
            (
                "AZ_BATCH_KEY",
                "q8Vd2kLmN4pR7sT1uW3xY5zA6bC9dE0fG2hJ4kL6mN8p",
                Some("a literal secret"),
            ),
            (
                "OCI_CLI_KEY_CONTENT",
                "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
                Some("a random value under a key name"),
            ),
            ("SIGNING_KEY", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e", Some("a literal secret")),
            ("CACHE_KEY", "user-sessions", None),
            ("PARTITION_KEY", "tenant_id", None),
            ("DB_PASSWORD", "$(DB_PASSWORD)", None),
            ("DB_PASSWORD", "${DB_PASSWORD}", None),
            ("DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db/app", None),
            ("AUTH_HEADER", "Bearer $(TOKEN)", None),
            ("NOTIFY", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", None),
            ("LOG_LEVEL", "debug", None),
        ];
        for (name, value, expected) in cases {
            assert_eq!(assess(name, value), *expected, "{name}={value}");
        }
        assert_eq!(
            credential_kind("npm_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some("an npm token")
        );
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
            "CHANGEME00000000",
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
