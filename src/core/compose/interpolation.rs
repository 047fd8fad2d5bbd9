//! Compose's interpolation of `$` in a file's values, as `docker compose`
//! does it before it makes a container. Pure: the variables are asked of a
//! function.

use super::OneOffError;

/// `text` with Compose's interpolation done: `$$` is `$`; `${NAME}` and
/// `$NAME` the variable (empty when unset, as Compose); `${NAME:-default}`
/// and `${NAME-default}` a default when unset (or empty, with `:`);
/// `${NAME:?message}` and `${NAME?message}` an error when unset.
pub fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    service: &str,
) -> Result<String, OneOffError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(braced) = rest.strip_prefix('{') {
            let Some(end) = braced.find('}') else {
                out.push_str("${");
                rest = braced;
                continue;
            };
            out.push_str(&expression(&braced[..end], lookup, service)?);
            rest = &braced[end + 1..];
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 {
                out.push('$');
            } else {
                out.push_str(&lookup(&rest[..end]).unwrap_or_default());
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of what is between `${` and `}`.
fn expression(
    inner: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    service: &str,
) -> Result<String, OneOffError> {
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, operator) = inner.split_at(end);
    let value = lookup(name);
    let (empty_counts, operator) = match operator.strip_prefix(':') {
        Some(rest) => (true, rest),
        None => (false, operator),
    };
    let missing = match &value {
        None => true,
        Some(value) => empty_counts && value.is_empty(),
    };
    if let Some(default) = operator.strip_prefix('-') {
        return Ok(if missing {
            default.to_owned()
        } else {
            value.unwrap_or_default()
        });
    }
    if let Some(message) = operator.strip_prefix('?')
        && missing
    {
        return Err(OneOffError::Required {
            service: service.to_owned(),
            name: name.to_owned(),
            message: message.to_owned(),
        });
    }
    Ok(value.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str) -> Option<String> {
        match name {
            "TOKEN" => Some("s3cret".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn values_are_interpolated_as_compose_does() {
        let value = |text: &str| interpolate(text, &host, "web");
        assert_eq!(
            value("a$$b ${TOKEN} $TOKEN.").unwrap(),
            "a$b s3cret s3cret."
        );
        assert_eq!(
            value("${UNSET}|${UNSET:-x}|${EMPTY:-y}|${EMPTY-z}").unwrap(),
            "|x|y|"
        );
        assert_eq!(value("${TOKEN:?no}").unwrap(), "s3cret");
        assert_eq!(
            value("${UNSET:?set it}").unwrap_err(),
            OneOffError::Required {
                service: "web".into(),
                name: "UNSET".into(),
                message: "set it".into()
            }
        );
        assert_eq!(value("cost: 5$ ${open").unwrap(), "cost: 5$ ${open");
    }
}
