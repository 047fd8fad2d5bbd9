//! exo's security rules, as data: each rule's stable ID, severity, what it
//! looks for and how to fix it; and the suppressions an application writes.
//! The configuration checks suppressions against these IDs; the rules
//! themselves run in [`crate::core::security`].

/// How bad a finding is, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const NAMES: [&'static str; 4] = ["low", "medium", "high", "critical"];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "low" | "info" | "note" | "style" => Some(Severity::Low),
            "medium" | "warning" => Some(Severity::Medium),
            "high" | "error" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

/// One of exo's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub fix: &'static str,
}

pub const UNPINNED_IMAGE: Rule = Rule {
    id: "EXO-S001",
    severity: Severity::High,
    title: "a production image has no tag or uses `:latest`",
    fix: "pin the image to a version tag (or a digest), e.g. `postgres:16.4`",
};
pub const ROOT_USER: Rule = Rule {
    id: "EXO-S002",
    severity: Severity::High,
    title: "the final stage of Dockerfile.prod runs as root (no `USER`)",
    fix: "add `USER <name>` (not root) to the final stage, after the files are in place",
};
pub const SECRET_LITERAL: Rule = Rule {
    id: "EXO-S003",
    severity: Severity::Critical,
    title: "a secret-looking literal in `environment-variables`",
    fix: "move the value to `secrets` and give it at deploy time; rotate the leaked one",
};
pub const DEFAULT_PASSWORD: Rule = Rule {
    id: "EXO-S004",
    severity: Severity::Critical,
    title: "a dependency's catalog default password reaches production",
    fix: "remove the variable from `environment-variables`: exo then asks for a secret in production",
};
pub const PUBLISHED_DEPENDENCY: Rule = Rule {
    id: "EXO-S005",
    severity: Severity::High,
    title: "a dependency is published on a host port in production",
    fix: "remove its `host-port` (services reach it on the network) or suppress it with a reason",
};
pub const NO_HEALTH_CHECK: Rule = Rule {
    id: "EXO-S006",
    severity: Severity::Medium,
    title: "a public service has no production health check",
    fix: "add `production.health-check: /health` (a path that answers 2xx when the service works)",
};
pub const NO_LIMITS: Rule = Rule {
    id: "EXO-S007",
    severity: Severity::Medium,
    title: "a service has no cpu/memory limits in a remote environment",
    fix: "add `remote.cpu` and `remote.memory` to service.yml",
};
pub const ADD_URL: Rule = Rule {
    id: "EXO-S008",
    severity: Severity::High,
    title: "`ADD` of a URL in a Dockerfile",
    fix: "download with a checksum check in a `RUN` (or `ADD --checksum=`), or `COPY` a vendored file",
};
pub const PIPE_TO_SHELL: Rule = Rule {
    id: "EXO-S009",
    severity: Severity::High,
    title: "a Dockerfile pipes a download into a shell (`curl ... | sh`)",
    fix: "download the script, verify its checksum, then run it; or install a pinned package",
};
pub const SECRET_FILE_COPIED: Rule = Rule {
    id: "EXO-S010",
    severity: Severity::Critical,
    title: "a `.env` or key file is copied into an image",
    fix: "list the file in `.dockerignore` and give it at run time (a secret), not in the image",
};

/// Every rule, by ID.
pub const RULES: [Rule; 10] = [
    UNPINNED_IMAGE,
    ROOT_USER,
    SECRET_LITERAL,
    DEFAULT_PASSWORD,
    PUBLISHED_DEPENDENCY,
    NO_HEALTH_CHECK,
    NO_LIMITS,
    ADD_URL,
    PIPE_TO_SHELL,
    SECRET_FILE_COPIED,
];

pub fn rule(id: &str) -> Option<Rule> {
    RULES.iter().copied().find(|rule| rule.id == id)
}

/// `security.ignore` entry: this rule does not apply here, for this reason,
/// until this day (then it is a finding again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub rule: String,
    pub reason: String,
    pub until: Option<jiff::civil::Date>,
}

impl Suppression {
    /// Whether it still holds on `today` (the `until` day included).
    pub fn holds(&self, today: jiff::civil::Date) -> bool {
        self.until.is_none_or(|until| today <= until)
    }
}
