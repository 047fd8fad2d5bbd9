//! The Dockerfile rules: root in the final stage of Dockerfile.prod, `ADD`
//! of a URL, a download piped into a shell, `.env` or key files copied in.

use super::{Finding, Location};
use crate::core::model::security::{ADD_URL, PIPE_TO_SHELL, ROOT_USER, SECRET_FILE_COPIED};

/// One instruction: the line it starts on, its keyword (uppercase) and its
/// arguments with continuation lines joined.
struct Instruction {
    line: usize,
    keyword: String,
    arguments: String,
}

fn instructions(text: &str) -> Vec<Instruction> {
    let mut all = Vec::new();
    let mut current: Option<Instruction> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if current.is_none() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        let (body, continues) = match line.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (line, false),
        };
        match &mut current {
            Some(instruction) => {
                if !body.starts_with('#') {
                    instruction.arguments.push(' ');
                    instruction.arguments.push_str(body.trim());
                }
            }
            None => {
                let (keyword, arguments) =
                    body.split_once(char::is_whitespace).unwrap_or((body, ""));
                current = Some(Instruction {
                    line: index + 1,
                    keyword: keyword.to_ascii_uppercase(),
                    arguments: arguments.trim().to_owned(),
                });
            }
        }
        if !continues {
            all.extend(current.take());
        }
    }
    all.extend(current);
    all
}

pub fn findings(role: &str, file: &str, text: &str) -> Vec<Finding> {
    let all = instructions(text);
    let at = |line| Location::line(file, text, line);
    let mut findings = Vec::new();
    if file.ends_with("Dockerfile.prod")
        && let Some(last_from) = all.iter().rposition(|i| i.keyword == "FROM")
    {
        let user = all[last_from..].iter().rfind(|i| i.keyword == "USER");
        let root = user.is_none_or(|u| {
            let name = u.arguments.split(':').next().unwrap_or_default();
            name == "root" || name == "0"
        });
        if root {
            let line = user.map_or(all[last_from].line, |u| u.line);
            findings.push(Finding::of(
                ROOT_USER,
                role,
                at(line),
                "the final stage runs as root".to_owned(),
            ));
        }
    }
    for instruction in &all {
        let words: Vec<&str> = instruction
            .arguments
            .split_whitespace()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let sources = words.split_last().map_or(&[][..], |(_, s)| s);
        if instruction.keyword == "ADD"
            && sources
                .iter()
                .any(|s| s.starts_with("http://") || s.starts_with("https://"))
        {
            findings.push(Finding::of(
                ADD_URL,
                role,
                at(instruction.line),
                "`ADD` downloads a URL without checking what it got".to_owned(),
            ));
        }
        if instruction.keyword == "RUN" && pipes_download_to_shell(&instruction.arguments) {
            findings.push(Finding::of(
                PIPE_TO_SHELL,
                role,
                at(instruction.line),
                "a downloaded script runs unchecked".to_owned(),
            ));
        }
        if matches!(instruction.keyword.as_str(), "COPY" | "ADD")
            && let Some(secret) = sources.iter().find(|s| is_secret_file(s))
        {
            findings.push(Finding::of(
                SECRET_FILE_COPIED,
                role,
                at(instruction.line),
                format!("`{secret}` ends up in the image's layers"),
            ));
        }
    }
    findings
}

fn pipes_download_to_shell(command: &str) -> bool {
    command.split("&&").any(|part| {
        let mut stages = part.split('|').map(str::trim);
        let Some(first) = stages.next() else {
            return false;
        };
        let downloads = first.starts_with("curl") || first.starts_with("wget");
        downloads
            && stages.any(|stage| {
                let program = stage.split_whitespace().next().unwrap_or_default();
                let program = program.rsplit('/').next().unwrap_or_default();
                matches!(
                    program,
                    "sh" | "bash" | "zsh" | "dash" | "ash" | "python" | "python3"
                )
            })
    })
}

/// `.env`, `.env.production`, `id_rsa`, `*.pem`, `*.key`.
fn is_secret_file(path: &str) -> bool {
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    name == ".env"
        || name.starts_with(".env.")
        || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || name.ends_with(".pem")
        || name.ends_with(".key")
}

#[cfg(test)]
mod tests {
    use super::findings;

    fn ids(text: &str) -> Vec<(String, usize)> {
        findings("web", "web/Dockerfile.prod", text)
            .into_iter()
            .map(|f| (f.rule, f.location.line))
            .collect()
    }

    #[test]
    fn each_rule_points_at_its_line() {
        let text = "FROM alpine:3\nADD https://example.com/x.tgz /x\nRUN apk add curl && \\\n    curl -fsSL https://x.sh | sh\nCOPY .env /app/.env\n";
        assert_eq!(
            ids(text),
            [
                ("EXO-S002".to_owned(), 1),
                ("EXO-S008".to_owned(), 2),
                ("EXO-S009".to_owned(), 3),
                ("EXO-S010".to_owned(), 5),
            ]
        );
    }

    #[test]
    fn a_user_in_the_final_stage_and_plain_copies_pass() {
        let text = "FROM alpine:3 AS build\nUSER app\nFROM alpine:3\nCOPY --chown=app . /app\nRUN curl -fsSL -o x.sh https://x && sha256sum -c x.sum\nUSER app\n";
        assert_eq!(ids(text), []);
        let root_again = "FROM alpine:3\nUSER app\nFROM alpine:3\n";
        assert_eq!(ids(root_again), [("EXO-S002".to_owned(), 3)]);
    }
}
