//! The pure core: configuration, model, the services as deployed, and the writers. No I/O but reading the configuration files.

pub mod compose;
pub mod config;
pub mod deployed;
pub mod diagram;
pub mod exit;
pub mod graph;
pub mod import;
pub mod kubernetes;
pub mod lifecycle;
pub mod model;
pub mod plan;
pub mod schema;
pub mod scorecard;
pub mod security;
pub mod terraform;
pub mod xml;
