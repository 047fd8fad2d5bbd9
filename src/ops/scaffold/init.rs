//! `exo init`: a new application.yml.

use super::{ScaffoldError, write_atomically};
use crate::core::config::{APPLICATION_FILE, is_application_name};
use crate::core::schema;
use std::path::{Path, PathBuf};

/// The application.yml of a new application, with comments that show
/// where things go.
pub fn application_yml(name: &str) -> String {
    let modeline =
        crate::core::schema::modeline(schema::APPLICATION_DIR, schema::APPLICATION_SCHEMA);
    format!(
        "\
{modeline}
# The application's name: lowercase letters and digits, separated by single
# hyphens. It is also the Compose project name.
name: {name}

# Containers that the services use, run from images; for example:
# local:
#   dependencies:
#     db:
#       image: postgres:16

# One entry per service: its role and the directory of its service.yml, or a
# `docker-image`. `exo add ROLE --template NAME` adds one.
services:
"
    )
}

/// Writes `dir/application.yml` for an application called `name` (and
/// creates `dir` if needed); an existing application.yml is replaced only
/// with `force`.
pub fn init(dir: &Path, name: &str, force: bool) -> Result<PathBuf, ScaffoldError> {
    if !is_application_name(name) {
        return Err(ScaffoldError::BadName(name.to_owned()));
    }
    let path = dir.join(APPLICATION_FILE);
    if path.exists() && !force {
        return Err(ScaffoldError::ApplicationExists(path));
    }
    std::fs::create_dir_all(dir).map_err(ScaffoldError::io(dir))?;
    super::write_schemas(dir)?;
    write_atomically(&path, &application_yml(name))?;
    Ok(path)
}
