//! The command examples of the README and the book are tests: every
//! `console` block runs the built `exo` from the repository's root and
//! must print what the block shows (`...` and `[..]` match anything).
//! `TRYCMD=overwrite` rewrites the blocks' output; blocks that need Docker
//! or the network are written as `text` or `sh`, which are not run.

#[test]
fn the_examples_of_the_readme_and_the_book_run() {
    trycmd::TestCases::new()
        .register_bin("exo", std::path::PathBuf::from(env!("CARGO_BIN_EXE_exo")))
        .env("NO_COLOR", "1")
        .case("README.md")
        .case("docs/src/**/*.md");
}

/// The Mermaid graphs of the example shown in the README and the book (as
/// diagrams, so trycmd does not run them) are what `exo graph` draws.
#[test]
fn the_shown_graphs_of_the_example_are_current() {
    let output = crate::common::exo()
        .args(["-C", "fixtures/shop", "graph", "--format", "mermaid"])
        .current_dir(crate::common::root())
        .output()
        .expect("run exo graph");
    let drawn = String::from_utf8(output.stdout).expect("UTF-8");
    for page in ["README.md", "docs/src/guide/running.md"] {
        let text = std::fs::read_to_string(crate::common::root().join(page)).unwrap();
        let shown = text
            .split("```mermaid\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .unwrap_or_else(|| panic!("{page} shows no Mermaid graph"));
        assert_eq!(
            shown, drawn,
            "{page}: the Mermaid graph differs from `exo graph`"
        );
    }
}
