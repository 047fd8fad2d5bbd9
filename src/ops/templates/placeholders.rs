//! The placeholders of a template: `__role__`, `__type__` and `__app__`, and
//! case variants of the role and the application's name:
//! `__role_kebab__` (users-api), `__role_snake__` (users_api),
//! `__role_camel__` (usersApi), `__role_pascal__` (UsersApi) and
//! `__role_upper__` (USERS_API); the same with `app`. Any other text, such
//! as Python's `__name__`, stays as it is. An Exosphere 0.37 template's
//! `{{name}}` placeholders are filled too, from [`Placeholders::with_fields`].

use std::collections::BTreeMap;

pub struct Placeholders {
    pairs: Vec<(String, String)>,
    /// The values of a 0.37 template's `{{name}}` placeholders.
    fields: Option<BTreeMap<String, String>>,
}

impl Placeholders {
    pub fn new(role: &str, kind: &str, app: &str) -> Self {
        let mut pairs = vec![("__type__".to_owned(), kind.to_owned())];
        for (key, value) in [("role", role), ("app", app)] {
            let words = words(value);
            let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
            let capitalized: Vec<String> = lower.iter().map(|w| capitalize(w)).collect();
            let camel = match capitalized.split_first() {
                Some((_, rest)) => format!("{}{}", lower[0], rest.concat()),
                None => String::new(),
            };
            pairs.extend([
                (format!("__{key}__"), value.to_owned()),
                (format!("__{key}_kebab__"), lower.join("-")),
                (format!("__{key}_snake__"), lower.join("_")),
                (format!("__{key}_camel__"), camel),
                (format!("__{key}_pascal__"), capitalized.concat()),
                (format!("__{key}_upper__"), lower.join("_").to_uppercase()),
            ]);
        }
        Placeholders {
            pairs,
            fields: None,
        }
    }

    /// Also fills `{{name}}` placeholders, with these values.
    pub fn with_fields(self, fields: BTreeMap<String, String>) -> Self {
        Placeholders {
            fields: Some(fields),
            ..self
        }
    }

    /// `text` with every placeholder replaced; the name of a `{{name}}`
    /// placeholder with no value is the error.
    pub fn fill(&self, text: &str) -> Result<String, String> {
        let text = self.apply(text);
        match &self.fields {
            Some(fields) => super::exosphere::fill(&text, fields),
            None => Ok(text),
        }
    }

    /// `text` with every placeholder replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("__") {
            out.push_str(&rest[..at]);
            let candidate = &rest[at..];
            match self
                .pairs
                .iter()
                .find(|(key, _)| candidate.starts_with(key.as_str()))
            {
                Some((key, value)) => {
                    out.push_str(value);
                    rest = &candidate[key.len()..];
                }
                None => {
                    out.push('_');
                    rest = &candidate[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// The words of a name: split at hyphens and where a lowercase letter or
/// digit is followed by an uppercase one (`usersAPI-v2` is users, API, v2).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(['-', '_']).filter(|p| !p.is_empty()) {
        let mut word = String::new();
        let mut previous: Option<char> = None;
        for c in part.chars() {
            if c.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
            {
                words.push(std::mem::take(&mut word));
            }
            word.push(c);
            previous = Some(c);
        }
        words.push(word);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_variants() {
        let p = Placeholders::new("usersService-2", "public", "space-tweet");
        assert_eq!(
            p.apply("__role__ __role_kebab__ __role_snake__ __role_camel__ __role_pascal__ __role_upper__"),
            "usersService-2 users-service-2 users_service_2 usersService2 UsersService2 USERS_SERVICE_2"
        );
        assert_eq!(p.apply("__app_pascal__/__type__"), "SpaceTweet/public");
    }

    #[test]
    fn other_underscores_stay() {
        let p = Placeholders::new("web", "worker", "a");
        assert_eq!(
            p.apply("if __name__ == \"__main__\": x__role__y ___"),
            "if __name__ == \"__main__\": xweby ___"
        );
    }
}
