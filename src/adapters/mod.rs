//! The outside world: the Docker engine, git, registries, file watching, host-side probes, the load generator, k6 and the scanners as processes, signals, the path rule.

pub mod answers;
pub mod compose_env;
pub mod docker;
pub mod git;
pub mod k6;
pub mod load;
pub mod paths;
pub mod probe;
pub mod registry;
pub mod scanners;
pub mod signals;
pub mod watch;
