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

/// Which part of the scan a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// Over the files, without containers (`--static`).
    Static,
    /// Over the application running from its production images (`--dynamic`).
    Dynamic,
}

/// One of exo's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub fix: &'static str,
    pub part: Part,
    /// The OWASP ZAP passive scan rule that finds the same, if one does.
    pub zap: Option<u32>,
}

pub const UNPINNED_IMAGE: Rule = Rule {
    id: "EXO-S001",
    severity: Severity::High,
    title: "a production image has no tag or uses `:latest`",
    fix: "pin the image to a version tag (or a digest), e.g. `postgres:16.4`",
    part: Part::Static,
    zap: None,
};
pub const ROOT_USER: Rule = Rule {
    id: "EXO-S002",
    severity: Severity::High,
    title: "the final stage of Dockerfile.prod runs as root (no `USER`)",
    fix: "add `USER <name>` (not root) to the final stage, after the files are in place",
    part: Part::Static,
    zap: None,
};
pub const SECRET_LITERAL: Rule = Rule {
    id: "EXO-S003",
    severity: Severity::Critical,
    title: "a secret-looking literal in `environment-variables`",
    fix: "move the value to `secrets` and give it at deploy time; rotate the leaked one",
    part: Part::Static,
    zap: None,
};
pub const DEFAULT_PASSWORD: Rule = Rule {
    id: "EXO-S004",
    severity: Severity::Critical,
    title: "a dependency's catalog default password reaches production",
    fix: "remove the variable from `environment-variables`: exo then asks for a secret in production",
    part: Part::Static,
    zap: None,
};
pub const PUBLISHED_DEPENDENCY: Rule = Rule {
    id: "EXO-S005",
    severity: Severity::High,
    title: "a dependency is published on a host port in production",
    fix: "remove its `host-port` (services reach it on the network) or suppress it with a reason",
    part: Part::Static,
    zap: None,
};
pub const NO_HEALTH_CHECK: Rule = Rule {
    id: "EXO-S006",
    severity: Severity::Medium,
    title: "a public service has no production health check",
    fix: "add `production.health-check: /health` (a path that answers 2xx when the service works)",
    part: Part::Static,
    zap: None,
};
pub const NO_LIMITS: Rule = Rule {
    id: "EXO-S007",
    severity: Severity::Medium,
    title: "a service has no cpu/memory limits in a remote environment",
    fix: "add `remote.cpu` and `remote.memory` to service.yml",
    part: Part::Static,
    zap: None,
};
pub const ADD_URL: Rule = Rule {
    id: "EXO-S008",
    severity: Severity::High,
    title: "`ADD` of a URL in a Dockerfile",
    fix: "download with a checksum check in a `RUN` (or `ADD --checksum=`), or `COPY` a vendored file",
    part: Part::Static,
    zap: None,
};
pub const PIPE_TO_SHELL: Rule = Rule {
    id: "EXO-S009",
    severity: Severity::High,
    title: "a Dockerfile pipes a download into a shell (`curl ... | sh`)",
    fix: "download the script, verify its checksum, then run it; or install a pinned package",
    part: Part::Static,
    zap: None,
};
pub const SECRET_FILE_COPIED: Rule = Rule {
    id: "EXO-S010",
    severity: Severity::Critical,
    title: "a `.env` or key file is copied into an image",
    fix: "list the file in `.dockerignore` and give it at run time (a secret), not in the image",
    part: Part::Static,
    zap: None,
};

pub const NO_CONTENT_TYPE_OPTIONS: Rule = Rule {
    id: "EXO-S011",
    severity: Severity::Low,
    title: "an HTTP answer without `X-Content-Type-Options: nosniff`",
    fix: "send `X-Content-Type-Options: nosniff` with every answer",
    part: Part::Dynamic,
    zap: Some(10021),
};
pub const NO_CSP: Rule = Rule {
    id: "EXO-S012",
    severity: Severity::Medium,
    title: "an HTML page without a `Content-Security-Policy`",
    fix: "send a `Content-Security-Policy` (at least `default-src 'self'`) with HTML pages",
    part: Part::Dynamic,
    zap: Some(10038),
};
pub const NO_FRAME_ANCESTORS: Rule = Rule {
    id: "EXO-S013",
    severity: Severity::Medium,
    title: "an HTML page that other sites may frame (clickjacking)",
    fix: "send `Content-Security-Policy: frame-ancestors 'self'` (or `X-Frame-Options: DENY`)",
    part: Part::Dynamic,
    zap: Some(10020),
};
pub const NO_HSTS: Rule = Rule {
    id: "EXO-S014",
    severity: Severity::Low,
    title: "an answer over HTTPS without `Strict-Transport-Security`",
    fix: "send `Strict-Transport-Security: max-age=31536000` over HTTPS",
    part: Part::Dynamic,
    zap: Some(10035),
};
pub const COOKIE_NOT_HTTPONLY: Rule = Rule {
    id: "EXO-S015",
    severity: Severity::Low,
    title: "a cookie without `HttpOnly`",
    fix: "add `HttpOnly` to the cookie (scripts have no need to read it)",
    part: Part::Dynamic,
    zap: Some(10010),
};
pub const COOKIE_NOT_SECURE: Rule = Rule {
    id: "EXO-S016",
    severity: Severity::Low,
    title: "a cookie without `Secure`",
    fix: "add `Secure` to the cookie (it is then never sent over plain HTTP)",
    part: Part::Dynamic,
    zap: Some(10011),
};
pub const COOKIE_NO_SAMESITE: Rule = Rule {
    id: "EXO-S017",
    severity: Severity::Low,
    title: "a cookie without `SameSite`",
    fix: "add `SameSite=Lax` (or `Strict`) to the cookie",
    part: Part::Dynamic,
    zap: Some(10054),
};
pub const SERVER_VERSION: Rule = Rule {
    id: "EXO-S018",
    severity: Severity::Low,
    title: "the `Server` header tells the server's version",
    fix: "configure the server to send no version (or no `Server` header)",
    part: Part::Dynamic,
    zap: Some(10036),
};
pub const POWERED_BY: Rule = Rule {
    id: "EXO-S019",
    severity: Severity::Low,
    title: "an `X-Powered-By` header tells the framework",
    fix: "remove the `X-Powered-By` header (e.g. Express: `app.disable('x-powered-by')`)",
    part: Part::Dynamic,
    zap: Some(10037),
};
pub const DIRECTORY_LISTING: Rule = Rule {
    id: "EXO-S020",
    severity: Severity::Medium,
    title: "the server lists a directory's files",
    fix: "turn off directory listings in the server's configuration",
    part: Part::Dynamic,
    zap: Some(10033),
};
pub const UNDECLARED_PORT: Rule = Rule {
    id: "EXO-S021",
    severity: Severity::Medium,
    title: "a container listens on a port its description does not declare",
    fix: "stop the listener (a debug or admin port), or declare the port (UDP: under `compose:` `ports` or `expose`)",
    part: Part::Dynamic,
    zap: None,
};
pub const RUNS_AS_ROOT: Rule = Rule {
    id: "EXO-S022",
    severity: Severity::High,
    title: "a container's processes run as root",
    fix: "run as another user: `USER` in Dockerfile.prod; a dependency: an image (or variant) that runs as its own user",
    part: Part::Dynamic,
    zap: None,
};
pub const OPEN_DEPENDENCY: Rule = Rule {
    id: "EXO-S023",
    severity: Severity::Medium,
    title: "a dependency answers without credentials, or with its image's default ones",
    fix: "turn on its authentication and give the password as a secret (not the image's default)",
    part: Part::Dynamic,
    zap: None,
};

/// Every rule, by ID.
pub const RULES: [Rule; 23] = [
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
    NO_CONTENT_TYPE_OPTIONS,
    NO_CSP,
    NO_FRAME_ANCESTORS,
    NO_HSTS,
    COOKIE_NOT_HTTPONLY,
    COOKIE_NOT_SECURE,
    COOKIE_NO_SAMESITE,
    SERVER_VERSION,
    POWERED_BY,
    DIRECTORY_LISTING,
    UNDECLARED_PORT,
    RUNS_AS_ROOT,
    OPEN_DEPENDENCY,
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
