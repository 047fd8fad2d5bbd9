//! Constructors of HCL blocks and objects that every resource writer uses.

use super::hcl::{Block, Body, Expr, key, raw};
use crate::core::deployed::names::LOAD_BALANCER;

pub(super) fn block(kind: &str, labels: &[&str], body: Body) -> Block {
    Block {
        kind: kind.to_owned(),
        labels: labels.iter().map(|l| (*l).to_owned()).collect(),
        body,
    }
}

pub(super) fn object(items: Vec<(&str, Expr)>) -> Expr {
    Expr::Object(items.into_iter().map(|(k, v)| (key(k), v)).collect())
}

/// A load balancer or target group name from the HCL string `name`, as
/// [`crate::core::deployed::names`] computes it: cut to 32 characters,
/// without the trailing hyphens AWS refuses.
pub(super) fn load_balancer_name(name: &str) -> Expr {
    raw(format!(
        "replace(substr({name}, 0, {LOAD_BALANCER}), \"/-+$/\", \"\")"
    ))
}
