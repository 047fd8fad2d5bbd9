//! Names: which are valid, how they become variable names, and which known
//! name a typo was probably meant to be.

/// The closest known name, if it is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), *candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Names Compose accepts in `environment` (some images read `a.b` names).
pub fn is_environment_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// `users-service` as a variable prefix: `USERS_SERVICE`.
pub fn constant_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Why `image` is not a reference Docker accepts (`[host[:port]/]path[:tag][@digest]`,
/// path parts in lowercase), if it is not.
pub fn image_problem(image: &str) -> Option<&'static str> {
    if image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it holds whitespace or control characters");
    }
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    if let Some(digest) = digest {
        let valid = digest.split_once(':').is_some_and(|(algorithm, hex)| {
            separated(
                algorithm,
                |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
                "+._-",
            ) && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        });
        if !valid {
            return Some("the digest after `@` must be like `sha256:<64 hex digits>`");
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let valid = tag.len() <= 128
            && tag.chars().next().is_some_and(word)
            && tag.chars().all(|c| word(c) || c == '.' || c == '-');
        if !valid {
            return Some(
                "the tag after `:` must be letters, digits, `_`, `.` and `-`, at most 128",
            );
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && is_registry(parts[0]) {
        parts.remove(0);
    }
    let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if parts.iter().all(|part| separated(part, lower, "._-")) {
        None
    } else {
        Some("its name must be lowercase letters and digits, separated by `/`, `.`, `_` or `-`")
    }
}

/// `localhost`, `registry.example.com` or `host:5000`: a registry, not a path part.
fn is_registry(part: &str) -> bool {
    let (host, port) = match part.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (part, None),
    };
    let named = part == "localhost"
        || part.contains(['.', ':'])
        || part.chars().any(|c| c.is_ascii_uppercase());
    named
        && port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && separated(host, |c| c.is_ascii_alphanumeric(), ".-")
}

/// Non-empty runs of `allowed`, joined by characters of `separators`
/// (`_` and `-` may repeat, as in `a__b` and `a--b`).
fn separated(text: &str, allowed: impl Fn(char) -> bool, separators: &str) -> bool {
    let mut started = false;
    let mut after_separator = false;
    for c in text.chars() {
        if allowed(c) {
            after_separator = false;
        } else if started && separators.contains(c) && (!after_separator || matches!(c, '_' | '-'))
        {
            after_separator = true;
        } else {
            return false;
        }
        started = true;
    }
    started && !after_separator
}

/// 0.37's rule for application names.
pub fn is_application_name(name: &str) -> bool {
    is_hyphenated(name, |c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// 0.37's rule for service roles.
pub fn is_role(role: &str) -> bool {
    is_hyphenated(role, |c| c.is_ascii_alphanumeric())
}

fn is_hyphenated(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    !text.is_empty()
        && text
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(&allowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_only_for_near_misses() {
        let known = ["image", "persist", "environment-variables", "secrets"];
        assert_eq!(suggest("imagee", &known), Some("image"));
        assert_eq!(
            suggest("enviroment-variables", &known),
            Some("environment-variables")
        );
        assert_eq!(suggest("banana", &known), None);
    }

    #[test]
    fn variable_names() {
        assert!(is_variable_name("DB_NAME"));
        assert!(is_variable_name("_x1"));
        assert!(!is_variable_name("1X"));
        assert!(!is_variable_name("MY-DB"));
        assert!(!is_variable_name(""));
    }

    #[test]
    fn constant_case_makes_shell_names() {
        assert_eq!(constant_case("my-db"), "MY_DB");
        assert_eq!(constant_case("users-service"), "USERS_SERVICE");
    }

    #[test]
    fn image_references() {
        for image in [
            "postgres",
            "postgres:16.1-alpine",
            "originate/exocom:0.27.0",
            "docker.io/library/redis:7",
            "localhost:5000/team/web:latest",
            "exo-base/busybox:1",
            "my_org/my__image",
            "a--b/c",
            "redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(image_problem(image), None, "{image}");
        }
        for image in [
            "postgres:16 ",
            "post gres",
            "redis\n:7",
            "Postgres",
            "redis:",
            "redis:-x",
            "redis@md5",
            "/redis",
            "redis/",
            "a..b",
            "_redis",
            "${REGISTRY}/web",
        ] {
            assert!(image_problem(image).is_some(), "{image}");
        }
    }

    #[test]
    fn application_names_follow_0_37() {
        assert!(is_application_name("space-tweet"));
        assert!(is_application_name("app2"));
        assert!(!is_application_name("invalid app"));
        assert!(!is_application_name("Upper"));
        assert!(!is_application_name("a--b"));
        assert!(!is_application_name("-a"));
        assert!(!is_application_name(""));
    }

    #[test]
    fn roles_follow_0_37() {
        assert!(is_role("users-Service2"));
        assert!(!is_role("invalid-service!"));
        assert!(!is_role("a_b"));
        assert!(!is_role("a-"));
    }
}
