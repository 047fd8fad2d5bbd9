//! Whether a literal looks like a secret: an AWS access key id, a private
//! key block, a JWT, or a long high-entropy token.

/// What kind of secret `value` looks like, if any.
pub fn kind(value: &str) -> Option<&'static str> {
    let value = value.trim();
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key block");
    }
    if value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(is_aws_key_id)
    {
        return Some("an AWS access key id");
    }
    if is_jwt(value) {
        return Some("a JSON Web Token");
    }
    if value.len() >= 32
        && !value.contains(char::is_whitespace)
        && !value.contains("://")
        && entropy(value) >= 4.0
    {
        return Some("a long high-entropy token");
    }
    None
}

fn is_aws_key_id(word: &str) -> bool {
    word.len() == 20
        && ["AKIA", "ASIA"].iter().any(|p| word.starts_with(p))
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn is_jwt(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 3
        && value.starts_with("eyJ")
        && parts.iter().all(|p| {
            p.len() >= 4
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Shannon entropy in bits per character.
fn entropy(value: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in value.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let total = value.chars().count() as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::kind;

    #[test]
    fn finds_each_kind_of_secret_and_not_ordinary_values() {
        assert_eq!(kind("AKIAIOSFODNN7EXAMPLE"), Some("an AWS access key id"));
        assert_eq!(
            kind("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"),
            Some("a private key block")
        );
        assert_eq!(
            kind("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZw"),
            Some("a JSON Web Token")
        );
        assert_eq!(
            kind("q8Xv2LmP9zR4tW7yB3nK6cF1hJ5dG0sA"),
            Some("a long high-entropy token")
        );
        for ordinary in [
            "info",
            "http://localhost:3000/api/v1/things",
            "production",
            "8080",
        ] {
            assert_eq!(kind(ordinary), None, "{ordinary}");
        }
    }
}
