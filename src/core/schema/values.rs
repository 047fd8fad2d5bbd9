//! The remote settings' values as the schemas check them: the patterns of
//! the loader's own rules ([`crate::core::config::patterns`], which tests hold
//! to the same verdicts). A setting written with no value is not one
//! of these: these fields are optional but never `null`, as in the loader.

#![allow(dead_code)]

use crate::core::config::patterns;
use schemars::JsonSchema;
use std::collections::BTreeMap;

/// `host[:port][/path]` as `docker tag` takes it, e.g. `ghcr.io/team`.
#[derive(JsonSchema, Default)]
#[schemars(transparent)]
pub struct Registry(#[schemars(pattern(patterns::REGISTRY))] String);

/// A Kubernetes namespace: a DNS label, e.g. `shop-staging`.
#[derive(JsonSchema, Default)]
#[schemars(transparent)]
pub struct Namespace(#[schemars(pattern(patterns::NAMESPACE))] String);

/// A host name, without scheme or path: `shop.example.com`.
#[derive(JsonSchema, Default)]
#[schemars(transparent)]
pub struct HostName(#[schemars(pattern(patterns::HOST_NAME))] String);

/// An AWS region, e.g. `eu-west-1`.
#[derive(JsonSchema, Default)]
#[schemars(transparent)]
pub struct Region(#[schemars(pattern(patterns::REGION))] String);

/// An AWS account id: 12 digits (quoted when it starts with 0).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AccountId {
    Digits(#[schemars(pattern(patterns::ACCOUNT_ID))] String),
    Number(#[schemars(range(min = 100_000_000_000u64, max = 999_999_999_999u64))] u64),
}

impl Default for AccountId {
    fn default() -> Self {
        AccountId::Number(0)
    }
}

/// The ARN of an ACM certificate (or an IAM server certificate).
#[derive(JsonSchema, Default)]
#[schemars(transparent)]
pub struct CertificateArn(#[schemars(pattern(patterns::CERTIFICATE_ARN))] String);

/// A Swarm placement constraint: `key == value` or `key != value`.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct Placement(#[schemars(pattern(patterns::PLACEMENT))] String);

/// CPU units or MiB: a whole number above 0, or a string of its digits.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Amount {
    Number(#[schemars(range(min = 1, max = 2_147_483_647u64))] u64),
    Digits(#[schemars(pattern(patterns::AMOUNT))] String),
}

impl Default for Amount {
    fn default() -> Self {
        Amount::Number(1)
    }
}

/// A scalar the loader reads as text: `80` and `"80"` are the same.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Text {
    String(String),
    Number(f64),
    Boolean(bool),
}

/// For `#[serde(default)]`, which makes a field optional but not `null`.
impl Default for Text {
    fn default() -> Self {
        Text::String(String::new())
    }
}

/// A duration with its unit: `500ms`, `2s`, `1m30s`, `1h`.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct Duration(#[schemars(pattern(patterns::DURATION))] String);

/// A list of strings; empty when written `key:` alone.
pub type Texts = Option<Vec<Text>>;

/// Environment variables: names to values (`NAME:` alone is empty).
pub type Environment = Option<BTreeMap<String, Option<Text>>>;
