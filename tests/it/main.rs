//! One integration-test binary (as just, ripgrep and uv do): every module
//! below runs the built `exo` or the library against files on disk.

mod cli;
mod clone;
mod common;
mod compat;
mod compose_config;
mod deploy_cli;
mod docker;
mod e2e_deploy;
mod e2e_scaffold;
mod e2e_test;
mod e2e_up;
mod errors;
mod generate;
mod properties;
mod scaffold;
mod stack_config;
mod update;
