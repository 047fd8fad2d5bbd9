//! Exosphere 0.37's service templates, used as they are: boilr's layout in
//! `.exosphere/service_templates/<name>/`, a `project.json` of placeholder
//! defaults and the service's files in `template/{{serviceRole}}/`, whose
//! text and names hold `{{serviceRole}}`, `{{serviceType}}` and the
//! template's own placeholders (`{{modelName}}`).

use super::{Origin, Template, TemplateError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where 0.37 kept an application's templates, relative to it.
pub const EXOSPHERE_TEMPLATES: &str = ".exosphere/service_templates";

/// The 0.37 templates of the application in `app_dir`: each directory of
/// [`EXOSPHERE_TEMPLATES`] with a `project.json`.
pub fn list(app_dir: &Path) -> Result<Vec<Template>, TemplateError> {
    let mut templates = Vec::new();
    for entry in super::entries(&app_dir.join(EXOSPHERE_TEMPLATES))? {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if name.starts_with('.') || !path.join("project.json").is_file() {
            continue;
        }
        crate::adapters::paths::inside(app_dir, &path)?;
        let description = std::fs::read(root(&name, &path)?.join("service.yml"))
            .map(|text| super::description(&text))
            .unwrap_or_default();
        templates.push(Template {
            name,
            description,
            origin: Origin::Exosphere(path),
        });
    }
    Ok(templates)
}

/// The directory of the service's files: the one directory in `template/`
/// (`{{serviceRole}}`, which names the service's directory in boilr).
pub fn root(name: &str, dir: &Path) -> Result<PathBuf, TemplateError> {
    let template = dir.join("template");
    let entries: Vec<PathBuf> = std::fs::read_dir(&template)
        .map_err(TemplateError::io(&template))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    match entries.as_slice() {
        [only] if only.is_dir() => Ok(only.clone()),
        _ => Err(TemplateError::NotBoilr(name.to_owned())),
    }
}

/// The placeholders' values: `project.json`'s defaults (an empty one is
/// none: boilr would have asked), then the service's role and type, then
/// `set` (`--set KEY=VALUE`), each over the one before.
pub fn values(
    template: &Template,
    dir: &Path,
    role: &str,
    kind: Option<&str>,
    set: &[(String, String)],
) -> Result<BTreeMap<String, String>, TemplateError> {
    let path = dir.join("project.json");
    let text = std::fs::read_to_string(&path).map_err(TemplateError::io(&path))?;
    let bad = |message: String| TemplateError::ProjectJson {
        template: template.name.clone(),
        message,
    };
    let defaults: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).map_err(|err| bad(err.to_string()))?;
    let mut values = BTreeMap::new();
    for (key, value) in defaults {
        let text = match value {
            serde_json::Value::String(text) => text,
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => value.to_string(),
            _ => return Err(bad(format!("`{key}` must be text, a number or true/false"))),
        };
        if !text.is_empty() {
            values.insert(key, text);
        }
    }
    values.insert("serviceRole".to_owned(), role.to_owned());
    if let Some(kind) = kind {
        values.insert("serviceType".to_owned(), kind.to_owned());
    }
    values.extend(set.iter().cloned());
    Ok(values)
}

/// `text` with each `{{ name }}` replaced; the name of the first placeholder
/// with no value is the error. What is not a plain name (`{{ .Title }}`,
/// `{{if x}}`) stays as written.
pub fn fill(text: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = after[..end].trim();
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        match values.get(name) {
            Some(value) if plain => out.push_str(value),
            None if plain => return Err(name.to_owned()),
            _ => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn placeholders_are_filled_and_other_braces_stay() {
        let known = values(&[("serviceRole", "ping"), ("modelName", "user")]);
        assert_eq!(
            fill("{{serviceRole}}: {{ modelName }} {{ .Title }} {{", &known).unwrap(),
            "ping: user {{ .Title }} {{"
        );
    }

    #[test]
    fn a_placeholder_without_a_value_is_named() {
        assert_eq!(
            fill("a {{serviceType}}", &values(&[])).unwrap_err(),
            "serviceType"
        );
    }
}
