//! `exo init` and `exo import`: the commands that start an application.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The application's name: lowercase letters and digits, single hyphens
    /// (asked on a terminal; default elsewhere: the directory's name)
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// Replace an existing application.yml
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The Compose files, each over the ones before as Compose merges them
    /// (default: compose.yaml, compose.yml, docker-compose.yaml or
    /// docker-compose.yml in the current directory, or -C DIR, and its
    /// override file, e.g. docker-compose.override.yml)
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}
