//! Safety limits for untrusted input.
//!
//! Manifests come from pull requests, charts and dumps that nobody has read. These limits
//! make hostile input (alias bombs, absurd nesting, huge documents) fail fast with a clear
//! message instead of exhausting memory or the stack.

/// Limits applied while reading sources. The defaults are far above any real manifest.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest file (or standard input) read at all.
    pub max_file_bytes: u64,
    /// Largest single YAML/JSON document. Kubernetes itself stores objects of at most 1.5 MB;
    /// a `kubectl get -A -o json` dump of a large cluster is one document and can be far bigger.
    pub max_document_bytes: usize,
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most nodes that alias expansion may add to one document (the billion-laughs guard).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 1 << 30,
            max_document_bytes: 128 << 20,
            max_depth: 512,
            max_alias_nodes: 100_000,
        }
    }
}
