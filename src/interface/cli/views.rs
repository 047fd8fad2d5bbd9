//! The arguments of the commands that show the application or serve
//! editors, shells and readers: `status`, `graph`, `schema`, `man`,
//! `completions`.

use super::ProjectArgs;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// `dot` for Graphviz (`exo graph | dot -Tsvg > graph.svg`), `mermaid` to
    /// paste into Markdown
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,

    /// The production file's view (checks of `production`)
    #[arg(long)]
    pub production: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz's dot language
    Dot,
    /// A Mermaid flowchart
    Mermaid,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Where to write application.schema.json and service.schema.json
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Where to write the pages (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// `table` for people, `json` for scripts
    #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
    pub format: StatusFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
}
