//! Reading what `docker compose ps --format json` says.

use serde::Deserialize;

/// One container of the project.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ContainerInfo {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Service")]
    pub service: String,
    #[serde(rename = "Name", default)]
    pub name: String,
    /// `created`, `running`, `exited`, ...
    #[serde(rename = "State", default)]
    pub state: String,
}

/// `ps --format json` prints one JSON object per line (Compose 2.21 and
/// later) or one array (earlier versions); both are read.
pub fn parse_ps_lines(output: &str) -> Result<Vec<ContainerInfo>, serde_json::Error> {
    let trimmed = output.trim();
    if trimmed.starts_with('[') {
        return serde_json::from_str(trimmed);
    }
    trimmed
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(serde_json::from_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_lines_and_arrays() {
        let lines = "{\"ID\":\"abc\",\"Service\":\"web\",\"Name\":\"shop-web-1\",\"State\":\"created\"}\n{\"ID\":\"def\",\"Service\":\"db\",\"Name\":\"shop-db-1\"}\n";
        let parsed = parse_ps_lines(lines).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[1].service, "db");
        let array = "[{\"ID\":\"abc\",\"Service\":\"web\",\"Name\":\"x\"}]";
        assert_eq!(parse_ps_lines(array).unwrap()[0].id, "abc");
        assert!(parse_ps_lines("").unwrap().is_empty());
    }
}
