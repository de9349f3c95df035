//! The node's identity: its host name, the kubelet's client certificate (a `Certificate`
//! with the `kubelet-client-certificate` role, read at the end with every certificate), and
//! bootstrap tokens left on disk after the node joined.

use bulkhead_model::Object;

use super::fact;
use crate::collect::fs::NodeFs;
use crate::collect::targets::Targets;
use crate::render::quote;
use crate::roles;

/// Where the kubelet keeps its rotating client certificate (a link to the newest one).
pub(crate) const CLIENT_CERTIFICATE: &str = "/var/lib/kubelet/pki/kubelet-client-current.pem";
/// Where kubeadm and the kubelet keep the bootstrap kubeconfig.
const BOOTSTRAP_FILES: &[&str] = &[
    "/etc/kubernetes/bootstrap-kubelet.conf",
    "/var/lib/kubelet/bootstrap-kubeconfig",
];

pub(crate) fn identity(fs: &mut NodeFs, targets: &mut Targets) -> Vec<Object> {
    let mut objects = Vec::new();
    let client_certificate = fs.exists(CLIENT_CERTIFICATE);
    if client_certificate {
        targets.certificate(
            CLIENT_CERTIFICATE,
            Some(roles::KUBELET_CLIENT_CERTIFICATE),
            None,
        );
    }
    let rotating = fs.link_metadata(CLIENT_CERTIFICATE).is_some();
    let hostname = fs
        .read_optional(
            "/etc/hostname",
            "the node name is not compared with its certificate",
        )
        .and_then(|t| {
            t.lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
        });
    if hostname.is_some() || client_certificate {
        let mut spec = String::new();
        if let Some(name) = &hostname {
            spec.push_str(&format!(
                "  hostname: {}\n  hostnameSource: \"/etc/hostname\"\n",
                quote(name)
            ));
        }
        if client_certificate {
            spec.push_str(&format!(
                "  clientCertificate: {}\n  clientCertificateRotating: {rotating}\n",
                quote(CLIENT_CERTIFICATE)
            ));
        }
        let name = hostname.as_deref().unwrap_or("node");
        objects.extend(fact(
            fs,
            "identity:/etc/hostname",
            "NodeIdentity",
            name,
            &spec,
        ));
    }
    for path in BOOTSTRAP_FILES {
        let Some(text) = fs.read_optional(path, "bootstrap tokens in it are not looked for") else {
            continue;
        };
        for (line, token_id) in bootstrap_tokens(&text) {
            let spec = format!(
                "  path: {}\n  line: {line}\n  tokenId: {}\n  nodeJoined: {client_certificate}\n",
                quote(path),
                quote(&token_id)
            );
            objects.extend(fact(
                fs,
                &format!("token:{path}:{line}"),
                "BootstrapToken",
                path,
                &spec,
            ));
        }
    }
    objects
}

/// Bootstrap tokens (`abcdef.0123456789abcdef`) in a file: the line and the token's public
/// id, never its secret.
pub(crate) fn bootstrap_tokens(text: &str) -> Vec<(usize, String)> {
    let mut tokens = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i + 23 <= bytes.len() {
            let candidate = &bytes[i..i + 23];
            let token_char = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
            let bounded_before = i == 0 || !token_char(&bytes[i - 1]);
            let bounded_after = bytes.get(i + 23).is_none_or(|b| !token_char(b));
            if bounded_before
                && bounded_after
                && candidate[6] == b'.'
                && candidate[..6].iter().all(token_char)
                && candidate[7..].iter().all(token_char)
            {
                tokens.push((
                    index + 1,
                    String::from_utf8_lossy(&candidate[..6]).into_owned(),
                ));
                i += 23;
            } else {
                i += 1;
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_by_shape_and_only_their_id_is_kept() {
        let text =
            "users:\n- user:\n    token: abcdef.0123456789abcdef\n  x: abcdefg.0123456789abcdef\n";
        assert_eq!(bootstrap_tokens(text), vec![(3, "abcdef".to_string())]);
    }
}
