//! Man pages (roff) from the clap definitions: `exo.1` and one page per
//! subcommand (`exo-generate.1`, `exo-template-add.1`, ...), as git names
//! its pages.

use crate::interface::cli::Cli;
use clap::CommandFactory;

/// Each page's file name and its roff text, the main page first.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(&command, &mut pages);
    pages
}

fn collect(command: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) {
    let man = clap_mangen::Man::new(command.clone());
    let mut text = Vec::new();
    man.render(&mut text)
        .unwrap_or_else(|err| unreachable!("writing to memory cannot fail: {err}"));
    pages.push((man.get_filename(), text));
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        collect(sub, pages);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_has_a_page() {
        let names: Vec<String> = man_pages().into_iter().map(|(name, _)| name).collect();
        assert_eq!(names[0], "exo.1");
        assert!(names.contains(&"exo-generate.1".to_owned()));
        assert!(names.contains(&"exo-template-add.1".to_owned()));
        assert!(names.contains(&"exo-deploy-status.1".to_owned()));
    }
}
