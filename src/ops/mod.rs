//! Operations: what the commands do, over the core and the adapters.

pub mod appfile;
pub mod check;
pub mod clone;
pub mod deploy;
pub mod performance;
pub mod report;
pub mod scaffold;
pub mod security;
pub mod shared;
pub mod status;
pub mod templates;
pub mod testing;
pub mod up;
pub mod update;
