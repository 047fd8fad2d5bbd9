//! Building only what changed. Each built image's inputs (its context as
//! `.dockerignore` filters it, the Dockerfile, the build arguments and the
//! IDs of its base images) are hashed and recorded, with the ID of the image
//! built from them, in `.exo/builds.json` of the application. An image is
//! built again when its inputs changed or when the engine's image of that
//! name is not the one recorded (removed, or built by something else), and
//! whenever exo cannot tell (a base image named by a variable or not there).

use crate::adapters::docker::{Engine, Project};
use crate::core::plan::{BuiltImage, Plan};
use crate::ops::deploy::hash_context;
use futures_util::future::join_all;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the records are, in the application's directory.
const RECORDS: &str = ".exo/builds.json";

/// What an image was built from, by image name.
type Records = BTreeMap<String, Record>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    /// The hash of its inputs.
    inputs: String,
    /// The engine's ID of the image built from them.
    image: String,
}

/// The services to build, and what to record once they are built.
#[derive(Debug, Default)]
pub struct Builds {
    pub services: Vec<String>,
    /// Services, their image names and their inputs' hashes, where known.
    inputs: Vec<(String, String, String)>,
}

/// Which of `services` must be built: those whose image's inputs changed
/// since it was built, and those exo cannot tell about.
pub async fn changed(
    engine: &dyn Engine,
    project: &Project,
    plan: &Plan,
    services: &[String],
) -> Builds {
    let records = read(&project.app_dir);
    let checks = services.iter().map(|service| async {
        let built = plan.nodes.get(service).and_then(|n| n.build.as_ref());
        (service.clone(), image_inputs(engine, project, built).await)
    });
    let mut builds = Builds::default();
    for (service, known) in join_all(checks).await {
        let Some((image, inputs)) = known else {
            builds.services.push(service);
            continue;
        };
        let recorded = records.get(&image).filter(|r| r.inputs == inputs);
        let present = match recorded {
            Some(record) => {
                engine.image_id(&image).await.ok().flatten() == Some(record.image.clone())
            }
            None => false,
        };
        if !present {
            builds.services.push(service.clone());
            builds.inputs.push((service, image, inputs));
        }
    }
    builds
}

/// `service`, built whatever changed (after its files changed), with its
/// inputs to record.
pub async fn forced(
    engine: &dyn Engine,
    project: &Project,
    service: &str,
    built: Option<&BuiltImage>,
) -> Builds {
    Builds {
        services: vec![service.to_owned()],
        inputs: image_inputs(engine, project, built)
            .await
            .into_iter()
            .map(|(image, inputs)| (service.to_owned(), image, inputs))
            .collect(),
    }
}

/// The image's name and the hash of its inputs now, when they can all be
/// known.
async fn image_inputs(
    engine: &dyn Engine,
    project: &Project,
    built: Option<&BuiltImage>,
) -> Option<(String, String)> {
    let built = built?;
    let inputs = current_inputs(engine, &project.app_dir, built).await?;
    Some((format!("{}-{}", project.name, built.suffix), inputs))
}

impl Builds {
    /// What to record once `service` alone is built.
    pub fn of(&self, service: &str) -> Builds {
        Builds {
            services: vec![service.to_owned()],
            inputs: self
                .inputs
                .iter()
                .filter(|(own, _, _)| own == service)
                .cloned()
                .collect(),
        }
    }

    /// Records the images just built from their inputs; a record that
    /// cannot be made only means building again next time.
    pub async fn record(self, engine: &dyn Engine, project: &Project) {
        let mut records = read(&project.app_dir);
        for (_, image, inputs) in self.inputs {
            match engine.image_id(&image).await {
                Ok(Some(id)) => {
                    records.insert(image, Record { inputs, image: id });
                }
                _ => {
                    records.remove(&image);
                }
            }
        }
        let _ = write(&project.app_dir, &records);
    }
}

/// The hash of the inputs of `built` now, or `None` when they cannot all
/// be known.
async fn current_inputs(engine: &dyn Engine, app_dir: &Path, built: &BuiltImage) -> Option<String> {
    let context = app_dir.join(&built.location);
    let dockerfile = std::fs::read_to_string(context.join(&built.dockerfile)).ok()?;
    let mut bases = Vec::new();
    for base in base_images(&dockerfile)? {
        bases.push(engine.image_id(&base).await.ok()??);
    }
    let name = built.dockerfile.clone();
    let arguments = BTreeMap::new();
    tokio::task::spawn_blocking(move || inputs(&context, &name, &arguments, &bases).ok())
        .await
        .ok()?
}

/// The hash of everything a build of `dockerfile` in `context` depends on.
pub fn inputs(
    context: &Path,
    dockerfile: &str,
    arguments: &BTreeMap<String, String>,
    base_ids: &[String],
) -> std::io::Result<String> {
    let mut hash = Sha256::new();
    hash.update(b"exo build inputs 1\0");
    hash.update(dockerfile.as_bytes());
    hash.update([0]);
    // Also when `.dockerignore` leaves it out of the context.
    hash.update(std::fs::read(context.join(dockerfile))?);
    for (name, value) in arguments {
        hash.update([0]);
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(value.as_bytes());
    }
    for id in base_ids {
        hash.update([1]);
        hash.update(id.as_bytes());
    }
    hash_context(&mut hash, context)?;
    Ok(format!("{:x}", hash.finalize()))
}

/// The images a Dockerfile builds on (`FROM`, `COPY --from`), except its
/// own stages and `scratch`; `None` when one is named by a variable.
pub fn base_images(dockerfile: &str) -> Option<Vec<String>> {
    let mut stages: Vec<String> = Vec::new();
    let mut bases = Vec::new();
    for line in dockerfile.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(instruction) = words.first().map(|w| w.to_ascii_uppercase()) else {
            continue;
        };
        let named = match instruction.as_str() {
            "FROM" => words[1..].iter().find(|w| !w.starts_with("--")).copied(),
            "COPY" => words[1..].iter().find_map(|w| w.strip_prefix("--from=")),
            _ => None,
        };
        if let Some(image) = named {
            let own = stages.iter().any(|s| s.eq_ignore_ascii_case(image))
                || image.eq_ignore_ascii_case("scratch")
                || image.parse::<usize>().is_ok();
            if image.contains('$') {
                return None;
            }
            if !own && !bases.iter().any(|b| b == image) {
                bases.push(image.to_owned());
            }
        }
        let alias = words.iter().position(|w| w.eq_ignore_ascii_case("AS"));
        if let Some(at) = alias.filter(|_| instruction == "FROM") {
            stages.extend(words.get(at + 1).map(|s| (*s).to_owned()));
        }
    }
    Some(bases)
}

fn path(app_dir: &Path) -> PathBuf {
    app_dir.join(RECORDS)
}

/// The records; none when there are none or they cannot be read.
fn read(app_dir: &Path) -> Records {
    std::fs::read(path(app_dir))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Replaces the records at once, so that a reader never sees half of them.
fn write(app_dir: &Path, records: &Records) -> std::io::Result<()> {
    let file = path(app_dir);
    let dir = file.parent().unwrap_or(app_dir);
    std::fs::create_dir_all(dir)?;
    // exo's own state: never committed.
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(ignore, "*\n")?;
    }
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    temporary.write_all(&serde_json::to_vec_pretty(records).map_err(std::io::Error::other)?)?;
    temporary.persist(file).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM base\nCOPY . /app\n").unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "*.log\n").unwrap();
        std::fs::write(dir.path().join("server.sh"), "echo hi\n").unwrap();
        dir
    }

    fn hash(dir: &Path, arguments: &[(&str, &str)], base: &str) -> String {
        let arguments = arguments
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        inputs(dir, "Dockerfile", &arguments, &[base.to_owned()]).unwrap()
    }

    #[test]
    fn nothing_changed_same_inputs_and_an_ignored_file_changes_nothing() {
        let dir = context();
        let first = hash(dir.path(), &[], "sha256:1");
        assert_eq!(hash(dir.path(), &[], "sha256:1"), first);
        std::fs::write(dir.path().join("debug.log"), "ignored").unwrap();
        assert_eq!(hash(dir.path(), &[], "sha256:1"), first);
    }

    #[test]
    fn a_changed_or_new_file_changes_the_inputs() {
        let dir = context();
        let first = hash(dir.path(), &[], "sha256:1");
        std::fs::write(dir.path().join("server.sh"), "echo ho\n").unwrap();
        let changed = hash(dir.path(), &[], "sha256:1");
        assert_ne!(changed, first);
        std::fs::create_dir(dir.path().join("lib")).unwrap();
        std::fs::write(dir.path().join("lib/new.sh"), "").unwrap();
        assert_ne!(hash(dir.path(), &[], "sha256:1"), changed);
    }

    #[test]
    fn a_changed_dockerfile_changes_the_inputs_even_when_ignored() {
        let dir = context();
        std::fs::write(dir.path().join(".dockerignore"), "Dockerfile\n").unwrap();
        let first = hash(dir.path(), &[], "sha256:1");
        std::fs::write(dir.path().join("Dockerfile"), "FROM base\nCOPY . /srv\n").unwrap();
        assert_ne!(hash(dir.path(), &[], "sha256:1"), first);
    }

    #[test]
    fn a_changed_dockerignore_changes_the_inputs() {
        let dir = context();
        let first = hash(dir.path(), &[], "sha256:1");
        std::fs::write(dir.path().join(".dockerignore"), "*.log\n*.tmp\n").unwrap();
        assert_ne!(hash(dir.path(), &[], "sha256:1"), first);
    }

    #[test]
    fn a_changed_build_argument_changes_the_inputs() {
        let dir = context();
        let first = hash(dir.path(), &[("VERSION", "1")], "sha256:1");
        assert_ne!(hash(dir.path(), &[("VERSION", "2")], "sha256:1"), first);
        assert_ne!(hash(dir.path(), &[], "sha256:1"), first);
    }

    #[test]
    fn a_changed_base_image_changes_the_inputs() {
        let dir = context();
        let first = hash(dir.path(), &[], "sha256:1");
        assert_ne!(hash(dir.path(), &[], "sha256:2"), first);
    }

    #[test]
    fn base_images_are_the_outside_images_a_dockerfile_names() {
        let dockerfile = "FROM --platform=linux/amd64 golang:1 AS build\n\
            RUN make\n\
            from exo-base/busybox:1\n\
            COPY --from=build /out /app\n\
            COPY --from=exo-base/redis:1 /bin/redis /bin/\n\
            FROM scratch\n\
            COPY --from=0 /a /b\n";
        assert_eq!(
            base_images(dockerfile),
            Some(vec![
                "golang:1".to_owned(),
                "exo-base/busybox:1".to_owned(),
                "exo-base/redis:1".to_owned(),
            ])
        );
        assert_eq!(base_images("ARG BASE=a\nFROM ${BASE}\n"), None);
    }

    #[test]
    fn records_are_written_whole_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), Records::new());
        let record = Record {
            inputs: "abc".into(),
            image: "sha256:1".into(),
        };
        let records = Records::from([("app-web:development".to_owned(), record)]);
        write(dir.path(), &records).unwrap();
        assert_eq!(read(dir.path()), records);
        let ignore = std::fs::read_to_string(dir.path().join(".exo/.gitignore")).unwrap();
        assert_eq!(ignore, "*\n");
    }
}
