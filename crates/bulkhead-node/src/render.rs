//! Node facts as objects: a running process, a file's mode and owner, a certificate.
//!
//! Each fact is written out as a small YAML document and loaded like any manifest, so its
//! fields have positions and every check, report and suppression works on it unchanged. The
//! document's path names the fact (`/proc/1234/cmdline`, `stat:/etc/kubernetes/admin.conf`,
//! `x509:/etc/kubernetes/pki/ca.crt`); the positions are those of the rendered document.

use bulkhead_model::{load_text, Limits, Loaded};

use crate::NODE_API_VERSION;

/// A running process: its exact argv from `/proc/<pid>/cmdline`.
#[derive(Clone, Debug, Default)]
pub struct ProcessFact {
    pub pid: u32,
    /// The program name used as the object's name (`kube-apiserver`).
    pub name: String,
    /// Every word of argv, the program first.
    pub argv: Vec<String>,
    /// The version the program reported, when known.
    pub version: Option<String>,
}

/// A file or directory's type, mode and owner.
#[derive(Clone, Debug, Default)]
pub struct FileFact {
    /// The path on the node (not under `--root`).
    pub path: String,
    /// `file`, `directory`, `symlink` or `other`.
    pub file_type: String,
    /// Permission bits (`0o600`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Names from the node's own `/etc/passwd` and `/etc/group`, when listed there.
    pub user: Option<String>,
    pub group: Option<String>,
    /// Why the file was looked at ([`crate::roles`]).
    pub roles: Vec<String>,
}

/// One certificate of a PEM file.
#[derive(Clone, Debug, Default)]
pub struct CertificateFact {
    pub path: String,
    /// Position of the certificate in its file (bundles hold several).
    pub index: usize,
    pub subject: String,
    pub issuer: String,
    /// RFC 3339, UTC.
    pub not_before: String,
    pub not_after: String,
    /// `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `sha1WithRSAEncryption`, ...
    pub signature_algorithm: String,
    /// `RSA`, `EC`, `Ed25519`, ...
    pub public_key_algorithm: String,
    pub public_key_bits: u32,
    pub is_ca: bool,
    /// SHA-256 of the DER encoding, hex: the same CA in two files is the same fingerprint.
    pub sha256: String,
    pub roles: Vec<String>,
}

/// A JSON string literal, which is also a valid YAML double-quoted scalar.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || c == '\u{7f}'
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}' =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(crate) fn header(kind: &str, name: &str) -> String {
    format!(
        "apiVersion: {NODE_API_VERSION}\nkind: {kind}\nmetadata:\n  name: {}\nspec:\n",
        quote(name)
    )
}

fn roles_line(roles: &[String]) -> String {
    let items: Vec<String> = roles.iter().map(|r| quote(r)).collect();
    format!("  roles: [{}]\n", items.join(", "))
}

impl ProcessFact {
    pub fn document_path(&self) -> String {
        format!("/proc/{}/cmdline", self.pid)
    }

    pub fn to_yaml(&self) -> String {
        let mut text = header("Process", &self.name);
        text.push_str(&format!("  pid: {}\n", self.pid));
        if let Some(version) = &self.version {
            text.push_str(&format!("  version: {}\n", quote(version)));
        }
        text.push_str("  command:\n");
        for word in &self.argv {
            text.push_str(&format!("  - {}\n", quote(word)));
        }
        text
    }
}

impl FileFact {
    pub fn document_path(&self) -> String {
        format!("stat:{}", self.path)
    }

    pub fn to_yaml(&self) -> String {
        let mut text = header("File", &self.path);
        text.push_str(&format!("  path: {}\n", quote(&self.path)));
        text.push_str(&format!("  type: {}\n", self.file_type));
        text.push_str(&format!("  mode: \"{:04o}\"\n", self.mode & 0o7777));
        if let Some(user) = &self.user {
            text.push_str(&format!("  user: {}\n", quote(user)));
        }
        if let Some(group) = &self.group {
            text.push_str(&format!("  group: {}\n", quote(group)));
        }
        text.push_str(&format!("  uid: {}\n  gid: {}\n", self.uid, self.gid));
        text.push_str(&roles_line(&self.roles));
        text
    }
}

impl CertificateFact {
    pub fn document_path(&self) -> String {
        if self.index == 0 {
            format!("x509:{}", self.path)
        } else {
            format!("x509:{}#{}", self.path, self.index)
        }
    }

    pub fn to_yaml(&self) -> String {
        let name = if self.index == 0 {
            self.path.clone()
        } else {
            format!("{}#{}", self.path, self.index)
        };
        let mut text = header("Certificate", &name);
        for (key, value) in [
            ("path", &self.path),
            ("subject", &self.subject),
            ("issuer", &self.issuer),
            ("notBefore", &self.not_before),
            ("notAfter", &self.not_after),
            ("signatureAlgorithm", &self.signature_algorithm),
            ("publicKeyAlgorithm", &self.public_key_algorithm),
        ] {
            text.push_str(&format!("  {key}: {}\n", quote(value)));
        }
        text.push_str(&format!(
            "  index: {}\n  publicKeyBits: {}\n  isCA: {}\n  sha256: {}\n",
            self.index,
            self.public_key_bits,
            self.is_ca,
            quote(&self.sha256)
        ));
        text.push_str(&roles_line(&self.roles));
        text
    }
}

/// Loads a rendered fact as an object named by `path`.
pub fn load_fact(path: &str, yaml: &str) -> Loaded {
    load_text(path, yaml, &Limits::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_renders_to_an_object_whose_words_keep_their_text() {
        let fact = ProcessFact {
            pid: 7,
            name: "kube-apiserver".into(),
            argv: vec![
                "kube-apiserver".into(),
                "--anonymous-auth=false".into(),
                "--weird=a\"b: c # d".into(),
            ],
            version: None,
        };
        let loaded = load_fact(&fact.document_path(), &fact.to_yaml());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let object = &loaded.objects[0];
        assert_eq!(object.kind, "Process");
        assert_eq!(object.origin.file.path, "/proc/7/cmdline");
        let words: Vec<&str> = object
            .root
            .path(&["spec", "command"])
            .unwrap()
            .as_seq()
            .iter()
            .filter_map(|n| n.as_str())
            .collect();
        assert_eq!(
            words,
            [
                "kube-apiserver",
                "--anonymous-auth=false",
                "--weird=a\"b: c # d"
            ]
        );
        let location = object.locate("/spec/command/1");
        assert_eq!(location.position.line, 9);
    }

    #[test]
    fn a_file_renders_its_mode_in_octal() {
        let fact = FileFact {
            path: "/etc/kubernetes/admin.conf".into(),
            file_type: "file".into(),
            mode: 0o100644,
            uid: 0,
            gid: 0,
            user: Some("root".into()),
            group: Some("root".into()),
            roles: vec!["admin-kubeconfig".into()],
        };
        let loaded = load_fact(&fact.document_path(), &fact.to_yaml());
        let object = &loaded.objects[0];
        assert_eq!(
            object.root.path(&["spec", "mode"]).unwrap().as_str(),
            Some("0644")
        );
        assert_eq!(object.name, "/etc/kubernetes/admin.conf");
    }
}
