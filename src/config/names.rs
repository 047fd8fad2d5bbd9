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
}
