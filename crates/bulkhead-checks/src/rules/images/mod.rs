//! Image references.

pub mod mutable_image_tag;
