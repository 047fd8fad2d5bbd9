//! One integration-test binary (as just, ripgrep and uv do): every module
//! below runs the built `exo` or the library against files on disk.

mod agreement;
mod cli;
mod clone;
mod common;
mod compat;
mod compose_config;
mod deploy_cli;
mod deployment;
mod docker;
mod docs;
mod e2e_deploy;
mod e2e_performance;
mod e2e_performance_k6;
mod e2e_scaffold;
mod e2e_shared;
mod e2e_test;
mod e2e_up;
mod errors;
mod everyday;
mod generate;
mod hostile;
mod k6;
mod layers;
mod links;
mod properties;
mod reference;
mod remote_settings;
mod scaffold;
mod schema;
mod security;
mod stack_config;
mod status;
mod update;
mod version;
mod warnings;
