//! Image references.

pub mod mutable_image_tag;

use crate::Check;

/// This family's checks, in id order.
pub static CHECKS: &[&Check] = &[
    &mutable_image_tag::MUTABLE_IMAGE_TAG,
];
