//! Which tags are versions, and which of them is the newest to move to.

use std::cmp::Ordering;

/// A tag read as a version: `v` optional, one to four dot-separated
/// numbers, and a suffix after `-` (`16.2-alpine`) that a newer tag must
/// share, since it names another build of the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub numbers: Vec<u64>,
    pub prefix: bool,
    pub suffix: String,
}

impl Version {
    pub fn parse(tag: &str) -> Option<Version> {
        let (prefix, rest) = match tag.strip_prefix('v') {
            Some(rest) => (true, rest),
            None => (false, tag),
        };
        let (numbers, suffix) = match rest.split_once('-') {
            Some((numbers, suffix)) if !suffix.is_empty() => (numbers, suffix.to_owned()),
            Some(_) => return None,
            None => (rest, String::new()),
        };
        let numbers: Vec<u64> = numbers
            .split('.')
            .map(|part| {
                (!part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
                    .then(|| part.parse().ok())
                    .flatten()
            })
            .collect::<Option<_>>()?;
        (1..=4).contains(&numbers.len()).then_some(Version {
            numbers,
            prefix,
            suffix,
        })
    }

    fn compare(&self, other: &Version) -> Ordering {
        self.numbers.cmp(&other.numbers)
    }
}

/// The newest of `tags` that is the same kind of version as `current`
/// (same number of parts, prefix and suffix) and newer than it; with
/// `major: false` only versions of the same major version count.
pub fn newest<'a>(current: &str, tags: &'a [String], major: bool) -> Option<&'a str> {
    let current = Version::parse(current)?;
    tags.iter()
        .filter_map(|tag| Some((tag.as_str(), Version::parse(tag)?)))
        .filter(|(_, v)| {
            v.numbers.len() == current.numbers.len()
                && v.prefix == current.prefix
                && v.suffix == current.suffix
                && (major || v.numbers[0] == current.numbers[0])
                && v.compare(&current) == Ordering::Greater
        })
        .max_by(|(_, a), (_, b)| a.compare(b))
        .map(|(tag, _)| tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn the_newest_keeps_major_shape_and_suffix() {
        let all = tags(&[
            "latest",
            "16",
            "16.1",
            "16.4",
            "16.10",
            "17.0",
            "16.4-alpine",
            "16.9-alpine",
            "16.11rc1",
            "nightly",
        ]);
        assert_eq!(newest("16.1", &all, false), Some("16.10"));
        assert_eq!(newest("16.1", &all, true), Some("17.0"));
        assert_eq!(newest("16.4-alpine", &all, false), Some("16.9-alpine"));
        assert_eq!(newest("16", &all, false), None);
        assert_eq!(newest("16.10", &all, false), None);
        assert_eq!(newest("latest", &all, true), None);
        assert_eq!(newest("v1.2", &tags(&["v1.3", "1.4"]), false), Some("v1.3"));
    }

    #[test]
    fn tags_that_are_not_versions() {
        for tag in ["latest", "1.x", "1..2", "1.2-", "", "1.2.3.4.5", "sha-abc"] {
            assert_eq!(Version::parse(tag), None, "{tag}");
        }
    }
}
