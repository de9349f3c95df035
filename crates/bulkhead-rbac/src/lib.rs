//! RBAC resolution over the inventory (in progress).
