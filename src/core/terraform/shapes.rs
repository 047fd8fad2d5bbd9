//! Constructors of HCL blocks and objects that every resource writer uses.

use super::hcl::{Block, Body, Expr, key};

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
