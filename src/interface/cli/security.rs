//! `exo test --security`'s flags.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SecurityArgs {
    /// Check the application's security instead of running its tests: the
    /// static checks, then the dynamic ones (on the application started
    /// from its production images)
    #[arg(long)]
    pub security: bool,

    /// With --security: only the static checks (exo's rules over the
    /// configuration and Dockerfiles, hadolint and Trivy when installed)
    #[arg(
        long = "static",
        requires = "security",
        conflicts_with = "dynamic_only"
    )]
    pub static_only: bool,

    /// With --security: only the dynamic checks (the answers of each HTTP
    /// service, undeclared ports, processes running as root, dependencies
    /// that answer without credentials)
    #[arg(long = "dynamic", requires = "security")]
    pub dynamic_only: bool,

    /// With --security: exit 1 when a finding is at least this severe
    #[arg(long, value_name = "LEVEL", default_value = "high", requires = "security",
          value_parser = ["low", "medium", "high", "critical"])]
    pub fail_on: String,

    /// With --security: also write the findings as SARIF 2.1.0 to FILE
    #[arg(long, value_name = "FILE", requires = "security")]
    pub sarif: Option<PathBuf>,
}
