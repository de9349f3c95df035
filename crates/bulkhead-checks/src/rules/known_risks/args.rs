//! Reading a container's command line: the flags of `command` and `args` together.

use bulkhead_model::{Container, Node};

/// One word of a container's command line and its pointer (relative to the object root).
pub struct Word<'a> {
    pub text: &'a str,
    pub pointer: String,
}

/// The words of `command` then `args`, with their pointers.
pub fn words<'a>(container: &Container<'a>) -> Vec<Word<'a>> {
    ["command", "args"]
        .into_iter()
        .flat_map(|field| {
            container
                .get(field)
                .map(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .filter_map(move |(i, n)| {
                    Some(Word {
                        text: n.as_str()?,
                        pointer: container.pointer_to(&format!("{field}/{i}")),
                    })
                })
        })
        .collect()
}

/// The value of `--name` in a word: `Some("")` for a bare `--name`, `Some("x")` for
/// `--name=x`, `None` for another word. One or two leading dashes are accepted, as Go's
/// flag package does.
pub fn flag_value<'a>(word: &'a str, name: &str) -> Option<&'a str> {
    let rest = word
        .strip_prefix("--")
        .or_else(|| word.strip_prefix('-'))?
        .strip_prefix(name)?;
    match rest.strip_prefix('=') {
        Some(value) => Some(value),
        None if rest.is_empty() => Some(""),
        None => None,
    }
}

/// Whether a boolean flag is on: bare, or set to a true value.
pub fn is_on(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "" | "true" | "1" | "t" | "yes"
    )
}

/// The last path segment of an image reference without tag or digest: `tiller` for
/// `gcr.io/kubernetes-helm/tiller:v2.16.1`.
pub fn image_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        assert_eq!(flag_value("--tls", "tls"), Some(""));
        assert_eq!(flag_value("--tls=false", "tls"), Some("false"));
        assert_eq!(flag_value("-tls-verify", "tls"), None);
        assert_eq!(flag_value("--tls-verify", "tls-verify"), Some(""));
        assert!(is_on("") && is_on("true") && !is_on("false"));
        assert_eq!(
            image_name("gcr.io/kubernetes-helm/tiller:v2.16.1"),
            "tiller"
        );
        assert_eq!(image_name("tiller@sha256:abc"), "tiller");
        assert_eq!(image_name("localhost:5000/tiller"), "tiller");
    }
}
