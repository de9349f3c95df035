//! Image references.

pub mod image_not_pinned_by_digest;
pub mod image_pull_policy;
pub mod image_registry_not_allowed;
pub mod mutable_image_tag;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &mutable_image_tag::MUTABLE_IMAGE_TAG,
    &image_not_pinned_by_digest::IMAGE_NOT_PINNED_BY_DIGEST,
    &image_pull_policy::IMAGE_PULL_POLICY,
    &image_registry_not_allowed::IMAGE_REGISTRY_NOT_ALLOWED,
];

/// An image reference read the way container runtimes read it (`distribution/reference`'s
/// normalization): `nginx` is `docker.io/library/nginx`, `bitnami/redis` is
/// `docker.io/bitnami/redis`, and the first path component is a registry host only when it
/// has a `.` or a `:`, is `localhost`, or has an upper-case letter.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// The registry host, lower-cased, with Docker Hub's aliases folded into `docker.io`.
    pub registry: String,
    /// The repository inside the registry: `library/nginx`.
    pub repository: String,
    pub tag: Option<&'a str>,
    /// What follows the `@`: `sha256:...`.
    pub digest: Option<&'a str>,
}

impl ImageRef<'_> {
    /// `docker.io/library/nginx`: registry and repository, without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// Whether the reference names its content by a well-formed digest. A malformed one
    /// (`@sha256:abc`) pins nothing: the runtime refuses to pull it.
    pub fn is_pinned(&self) -> bool {
        self.digest.is_some_and(|d| digest_problem(d).is_none())
    }
}

/// What is wrong with the digest of an image reference, `None` when it is well-formed.
///
/// The OCI image-spec digest grammar is `algorithm ":" encoded`, with algorithm components
/// `[a-z0-9]+` joined by `[+._-]`; the registered algorithms fix the encoding: `sha256` is
/// 64 and `sha512` is 128 lower-case hexadecimal digits. Container runtimes pull only by a
/// registered algorithm, so anything else is reported, not trusted.
pub(crate) fn digest_problem(digest: &str) -> Option<String> {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return Some("names no algorithm (expected sha256:<64 hex digits>)".to_string());
    };
    let length = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        other => {
            return Some(format!(
                "uses the unknown algorithm \"{other}\" (only sha256 and sha512 pin)"
            ))
        }
    };
    let hex = encoded
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    if encoded.len() != length || !hex {
        return Some(format!(
            "is malformed ({algorithm} needs {length} lower-case hex digits)"
        ));
    }
    None
}

/// `index.docker.io` and `registry-1.docker.io` are Docker Hub, as `docker.io` is.
pub(crate) fn normalize_registry(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" => "docker.io".to_string(),
        _ => host,
    }
}

pub(crate) fn parse_image(image: &str) -> ImageRef<'_> {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    let (registry, rest) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            (normalize_registry(first), rest)
        }
        _ => ("docker.io".to_string(), name),
    };
    let (repository, tag) = match rest.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => (repository, Some(tag)),
        _ => (rest, None),
    };
    let repository = if registry == "docker.io" && !repository.contains('/') {
        format!("library/{repository}")
    } else {
        repository.to_string()
    };
    ImageRef {
        registry,
        repository,
        tag,
        digest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_are_normalized() {
        let name = |image: &str| parse_image(image).name();
        assert_eq!(name("nginx"), "docker.io/library/nginx");
        assert_eq!(name("nginx:1.27"), "docker.io/library/nginx");
        assert_eq!(name("bitnami/redis:7"), "docker.io/bitnami/redis");
        assert_eq!(
            name("index.docker.io/library/nginx"),
            "docker.io/library/nginx"
        );
        assert_eq!(name("docker.io/nginx"), "docker.io/library/nginx");
        assert_eq!(name("localhost/app"), "localhost/app");
        assert_eq!(
            name("registry.example:5000/team/app:1.2"),
            "registry.example:5000/team/app"
        );
        assert_eq!(name("ghcr.io/acme/app@sha256:abcd"), "ghcr.io/acme/app");
        let r = parse_image("registry.example:5000/team/app:1.2@sha256:abcd");
        assert_eq!((r.tag, r.digest), (Some("1.2"), Some("sha256:abcd")));
        assert_eq!(parse_image("registry.example:5000/team/app").tag, None);
        assert_eq!(parse_image("nginx").tag, None);
    }

    #[test]
    fn only_well_formed_digests_pin() {
        let good = format!("sha256:{}", "0a".repeat(32));
        assert_eq!(digest_problem(&good), None);
        assert_eq!(digest_problem(&format!("sha512:{}", "f".repeat(128))), None);
        assert!(parse_image(&format!("app@{good}")).is_pinned());
        for bad in [
            "sha256:abc".to_string(),
            format!("sha256:{}", "0A".repeat(32)),
            format!("sha256:{}", "0".repeat(65)),
            format!("sha512:{}", "0".repeat(64)),
            format!("md5:{}", "0".repeat(32)),
            format!("SHA256:{}", "0".repeat(64)),
            "0123".to_string(),
        ] {
            assert!(digest_problem(&bad).is_some(), "{bad}");
            assert!(!parse_image(&format!("app@{bad}")).is_pinned(), "{bad}");
        }
    }
}
