//! The command line: argument types, commands, and every byte printed.

pub mod cli;
pub mod commands;
pub mod output;
pub mod reference;
