//! `exo template`: the application's service templates.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// List the templates: built into exo, and the application's own in
    /// .exosphere/templates/
    List,
    /// Add a template to the application from a git repository, as
    /// .exosphere/templates/NAME (it replaces a built-in one of that name):
    /// its files without `.git`, so that they are committed with the
    /// application, and its source in .exosphere/template-sources.yml
    Add {
        /// The template's name
        #[arg(value_name = "NAME")]
        name: String,
        /// The repository: a service's files with service.yml at the top
        #[arg(value_name = "GIT_URL")]
        url: String,
        /// The branch, tag or commit to fetch (default: the default
        /// branch's newest commit)
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
    /// Fetch a template added with `exo template add` again, from its
    /// recorded repository, and replace its files
    Update {
        #[arg(value_name = "NAME")]
        name: String,
        /// The branch, tag or commit to move to (default: the one it was
        /// added with, or the default branch)
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
    /// Remove one of the application's templates
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
    },
}
