//! The three local modes, one Compose file each, as 0.37 named them.

/// A local mode: which Compose file, Dockerfile and settings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Development,
    Production,
    Test,
}

impl Mode {
    /// In the order 0.37 wrote and checked them.
    pub const ALL: [Mode; 3] = [Mode::Test, Mode::Development, Mode::Production];

    /// Path relative to the application directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Mode::Development => "docker-compose/run_development.yml",
            Mode::Production => "docker-compose/run_production.yml",
            Mode::Test => "docker-compose/test.yml",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Development => "development",
            Mode::Production => "production",
            Mode::Test => "test",
        }
    }

    pub fn dockerfile(self) -> &'static str {
        match self {
            Mode::Production => "Dockerfile.prod",
            Mode::Development | Mode::Test => "Dockerfile.dev",
        }
    }
}
