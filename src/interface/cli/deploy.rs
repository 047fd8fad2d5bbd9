//! The arguments of `exo deploy`.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "The swarm manager is the engine of `--context NAME` (default: DOCKER_HOST, then DOCKER_CONTEXT, then the current context)."
)]
pub struct DeployArgs {
    #[command(subcommand)]
    pub command: Option<DeployCommand>,

    /// The environment, from `remote.environments` (with `target: swarm`)
    #[arg(value_name = "ENV", required = true)]
    pub env: Option<String>,

    /// Give up when the services have not converged after this many seconds
    /// (building and pushing the images is not counted; 0: no limit; at
    /// most 604800, a week)
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = super::wait_seconds())]
    pub wait_timeout: u64,
}

#[derive(Debug, Subcommand)]
pub enum DeployCommand {
    /// Show each service of the deployed environment: image, replicas
    /// ready / desired, health, nodes and last error, then the nodes
    Status {
        #[arg(value_name = "ENV")]
        env: String,
    },
    /// Remove the deployed environment's services and network
    Rm {
        #[arg(value_name = "ENV")]
        env: String,
        /// Also remove its volumes (the data of persisted dependencies)
        #[arg(long)]
        volumes: bool,
    },
}
