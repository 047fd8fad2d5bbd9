//! The values of the `remote` sections that a target reads: each rule
//! says why a value would be refused later (by `docker tag`, an Ingress,
//! AWS), so that `exo check` refuses it first, where it is written. Each
//! rule is also a pattern, for the JSON Schemas ([`super::patterns`]); a
//! test holds the two to the same verdicts.

/// `host[:port][/path]` as `docker tag` takes it before an image name:
/// a host name (with a port) or a first path component, then path
/// components of lowercase letters and digits joined by `.`, `_`, `__` or
/// hyphens. No `$`, so nothing in it is a Compose variable.
pub fn registry_problem(value: &str) -> Option<&'static str> {
    if value.contains("://") {
        return Some("a registry is named without a scheme");
    }
    if value.contains('$') {
        return Some(
            "a registry name holds no `$`, which Compose would read as a variable of the deploying machine",
        );
    }
    if !value.is_ascii() {
        return Some("an image reference is ASCII only");
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("a registry name has no spaces");
    }
    if value.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("Docker refuses capital letters in image references");
    }
    let mut parts = value.split('/');
    let first = parts.next().unwrap_or_default();
    if value.split('/').any(str::is_empty) {
        return Some("each `/` separates two names");
    }
    let first_valid = if first.contains(['.', ':']) || first == "localhost" {
        is_host_and_port(first)
    } else {
        is_path_component(first)
    };
    if !first_valid || !parts.all(is_path_component) {
        return Some(
            "a registry is a host name (with a port), then names of lowercase letters and digits joined by `.`, `_` or `-`",
        );
    }
    None
}

fn is_host_and_port(text: &str) -> bool {
    let (host, port) = match text.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    };
    let port_valid =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    port_valid && host.split('.').all(is_host_label)
}

/// A DNS label: letters and digits, hyphens inside, at most 63.
fn is_host_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, Docker's path component.
fn is_path_component(part: &str) -> bool {
    let alphanumeric = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = part.as_bytes();
    if bytes.is_empty() || !alphanumeric(bytes[0]) || !alphanumeric(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut separator = String::new();
    for &b in bytes {
        if alphanumeric(b) {
            let valid = matches!(separator.as_str(), "" | "." | "_" | "__")
                || separator.bytes().all(|s| s == b'-');
            if !valid {
                return false;
            }
            separator.clear();
        } else {
            separator.push(char::from(b));
        }
    }
    true
}

/// A host name as an Ingress rule and a load balancer's host header take
/// it (exo adds `https://`): lowercase DNS labels joined by dots.
pub fn host_name_problem(value: &str) -> Option<&'static str> {
    if value.contains("://") {
        Some("it is a host name, without a scheme: exo adds `https://`")
    } else if value.contains('/') {
        Some("it is a host name, without a path")
    } else if !value.is_ascii() {
        Some("a host name is ASCII only (write an internationalised name in its `xn--` form)")
    } else if value.chars().any(|c| c.is_ascii_uppercase()) {
        Some("a host name is written in lowercase")
    } else if value.len() > 253 || !value.split('.').all(is_host_label) {
        Some("a host name is labels of letters, digits and hyphens, joined by dots")
    } else {
        None
    }
}

/// An environment name: lowercase letters and digits in parts joined by
/// single hyphens, at most 63 characters (it becomes file names, a
/// Kubernetes label, part of AWS names).
pub fn is_environment_name(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 63
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A Kubernetes namespace: a DNS label of at most 63 characters.
pub fn is_namespace(name: &str) -> bool {
    name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// An AWS region: lowercase words and a number, joined by hyphens, e.g.
/// `eu-west-1`, `us-gov-west-1`.
pub fn is_region(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    words.len() >= 2
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
}

/// An AWS account id: twelve digits.
pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// The ARN of a certificate a load balancer's HTTPS listener takes: an ACM
/// certificate (`arn:aws:acm:<region>:<account>:certificate/<id>`) or an
/// IAM server certificate (`arn:aws:iam::<account>:server-certificate/...`).
pub fn is_certificate_arn(value: &str) -> bool {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let id = |prefix: &str| {
        resource
            .strip_prefix(prefix)
            .is_some_and(|id| !id.is_empty() && !id.contains(char::is_whitespace))
    };
    let kind = match service {
        "acm" => is_region(region) && id("certificate/"),
        "iam" => region.is_empty() && id("server-certificate/"),
        _ => false,
    };
    arn == "arn" && partition.starts_with("aws") && is_account_id(account) && kind
}

/// A Swarm placement constraint, `key == value` or `key != value`, e.g.
/// `node.role == worker`.
pub fn is_placement_constraint(value: &str) -> bool {
    let Some((key, rest)) = value.split_once("==").or_else(|| value.split_once("!=")) else {
        return false;
    };
    let key = key.trim();
    let value = rest.trim();
    let key_valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    key_valid && !value.is_empty() && !value.contains(['=', '!'])
}

#[cfg(test)]
mod tests {
    use super::super::patterns::{self, matches};
    use super::*;

    const REGISTRIES: [&str; 6] = [
        "127.0.0.1:5000",
        "ghcr.io/team",
        "localhost:5000/a/b",
        "team",
        "reg.io/a__b/c-d/e.f",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    ];
    const NOT_REGISTRIES: [&str; 13] = [
        "a:b:c",
        "r@x",
        "reg.io//team",
        "-reg.io",
        "reg.io/-team",
        "rég.io",
        "reg.io/${user}",
        "http://reg.io",
        "Reg.io",
        "reg.io:",
        "reg.io/a..b",
        "a_b.c/x",
        "a b",
    ];
    const NOT_HOST_NAMES: [&str; 8] = [
        "https://shop.example.com",
        "shop.example.com/x",
        "shop example.com",
        "\"shop\".com",
        "Shop.example.com",
        "shöp.example.com",
        "shop..com",
        "-shop.com",
    ];
    const OTHERS: [&str; 24] = [
        "shop.example.com",
        "localhost",
        "eu-west-1",
        "us-gov-west-1",
        "test-region",
        "eu-1",
        "123456789012",
        "12345678901",
        "arn:aws:acm:us-west-2:653673351586:certificate/744b5913-9a40",
        "arn:aws:iam::123456789012:server-certificate/shop",
        "arn:aws:acm:us-west-2:123:certificate/x",
        "node.role == worker",
        "node.labels.disk!=ssd",
        "node.role = worker",
        "== worker",
        "a == ",
        "a != b == c",
        "staging",
        "qa-2",
        "a--b",
        "",
        "shop-staging-",
        "a123456789012345678901234567890123456789012345678901234567890123",
        "a12345678901234567890123456789012345678901234567890123456789012",
    ];

    type Rule<'r> = (&'r str, &'r dyn Fn(&str) -> bool);

    #[test]
    fn patterns_and_rules_give_the_same_verdicts() {
        let registry = |t: &str| {
            let t = t.trim_end_matches('/');
            !t.is_empty() && registry_problem(t).is_none()
        };
        let host_name = |t: &str| host_name_problem(t).is_none();
        let rules: [Rule; 8] = [
            (patterns::ENVIRONMENT_NAME, &is_environment_name),
            (patterns::NAMESPACE, &is_namespace),
            (patterns::REGISTRY, &registry),
            (patterns::HOST_NAME, &host_name),
            (patterns::REGION, &is_region),
            (patterns::ACCOUNT_ID, &is_account_id),
            (patterns::CERTIFICATE_ARN, &is_certificate_arn),
            (patterns::PLACEMENT, &is_placement_constraint),
        ];
        let samples = REGISTRIES
            .iter()
            .chain(&NOT_REGISTRIES)
            .chain(&NOT_HOST_NAMES)
            .chain(&OTHERS);
        for sample in samples {
            for (pattern, rule) in &rules {
                assert_eq!(
                    matches(pattern, sample),
                    rule(sample),
                    "{pattern} on {sample:?}"
                );
            }
        }
    }

    #[test]
    fn registries_docker_tag_accepts() {
        for good in REGISTRIES {
            assert_eq!(registry_problem(good), None, "{good}");
        }
        for bad in NOT_REGISTRIES {
            assert!(registry_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn host_names_only() {
        assert_eq!(host_name_problem("shop.example.com"), None);
        assert_eq!(host_name_problem("localhost"), None);
        for bad in NOT_HOST_NAMES {
            assert!(host_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn aws_values() {
        assert!(is_region("eu-west-1") && is_region("us-gov-west-1"));
        assert!(!is_region("test-region") && !is_region("EU-west-1") && !is_region("eu-1"));
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("123") && !is_account_id("12345678901a"));
        assert!(is_certificate_arn(
            "arn:aws:acm:us-west-2:653673351586:certificate/744b5913-9a40"
        ));
        assert!(is_certificate_arn(
            "arn:aws:iam::123456789012:server-certificate/shop"
        ));
        for bad in [
            "abc",
            "arn:aws:acm:us-west-2:123:certificate/x",
            "arn:aws:s3:::bucket",
        ] {
            assert!(!is_certificate_arn(bad), "{bad}");
        }
    }

    #[test]
    fn placement_constraints() {
        for good in ["node.role == worker", "node.labels.disk!=ssd"] {
            assert!(is_placement_constraint(good), "{good}");
        }
        for bad in [
            "node.role",
            "node.role = worker",
            "== worker",
            "a b == c",
            "a == ",
        ] {
            assert!(!is_placement_constraint(bad), "{bad}");
        }
    }
}
