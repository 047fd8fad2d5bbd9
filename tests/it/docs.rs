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
