//! The command line, as clap types only; commands read it through
//! [`crate::commands`].

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "exo",
    version,
    about = "Run, test and ship applications made of many services, with Docker Compose",
    long_about = "exo reads application.yml and each service's service.yml (the format of Exosphere 0.37), \
compiles them into plain Docker Compose files under docker-compose/, and drives `docker compose` with them.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The application directory (default: the nearest directory upwards
    /// from the current one that holds application.yml)
    #[arg(
        short = 'C',
        long = "app",
        value_name = "DIR",
        global = true,
        env = "EXO_APP"
    )]
    pub app: Option<PathBuf>,

    /// Do not colour the output (also when NO_COLOR is set)
    #[arg(long, global = true)]
    pub no_color: bool,
}

impl GlobalArgs {
    pub fn color_choice(&self) -> ColorChoice {
        if self.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            ColorChoice::Never
        } else {
            ColorChoice::Auto
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the Compose files: docker-compose/run_development.yml,
    /// run_production.yml and test.yml
    Generate(GenerateArgs),
    /// Validate application.yml and every service.yml, writing nothing
    Check,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Accepted for Exosphere 0.37's `exo generate docker-compose`
    #[arg(value_parser = ["docker-compose"], hide = true)]
    pub target: Option<String>,

    /// Write nothing; exit 1 naming each Compose file that is missing or
    /// out of date (for CI)
    #[arg(long)]
    pub check: bool,
}
