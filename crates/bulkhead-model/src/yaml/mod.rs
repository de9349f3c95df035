//! Reading YAML (and JSON, which is YAML) into spanned value trees.

pub mod build;
pub mod fast;
pub mod guard;
pub mod scalar;
pub mod split;

pub use build::{parse_chunk, parse_chunk_general, ChunkResult, ParsedDocument, Problem};
pub use split::{split_documents, Chunk};
