//! `exo check` and `exo generate`: the commands about the files.

use clap::Args;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check only this remote environment (default: every one)
    #[arg(value_name = "ENV")]
    pub environment: Option<String>,
}

/// What `exo generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenerateTarget {
    /// The Compose files (0.37's spelling; the default)
    DockerCompose,
    /// Kubernetes manifests in kubernetes/ENV/
    Kubernetes,
    /// AWS ECS on Fargate in terraform/
    Terraform,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to write: `kubernetes` (manifests in kubernetes/ENV/) or
    /// `terraform` (AWS ECS on Fargate in terraform/) for the remote
    /// environments with that target; `docker-compose` (0.37's spelling) or
    /// nothing: the Compose files
    #[arg(value_name = "TARGET")]
    pub target: Option<GenerateTarget>,

    /// With `kubernetes` or `terraform`: only this remote environment
    /// (default: every environment with that target)
    #[arg(value_name = "ENV", requires = "target")]
    pub environment: Option<String>,

    /// Write nothing; exit 1 naming each file that is missing or out of
    /// date: the Compose files, and the Kubernetes and Terraform files once
    /// they exist (for CI)
    #[arg(long)]
    pub check: bool,
}
