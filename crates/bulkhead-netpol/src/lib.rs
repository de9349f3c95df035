//! NetworkPolicy semantics over the inventory (in progress).
