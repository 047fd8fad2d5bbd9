//! The application as a graph, for people: each container with the check
//! that makes it ready, an arrow from what must be ready to what starts after
//! it (dashed for a service's `depends-on`). Graphviz's dot language and
//! Mermaid flowcharts; pure text from the start plan.

use crate::core::model::{Application, ServiceSource};
use crate::core::plan::{NodeKind, Plan};

/// One box: its name and the lines under it.
struct Item {
    name: String,
    details: Vec<String>,
    dependency: bool,
}

impl Item {
    /// The name and the details, each escaped, joined by `separator`.
    fn label(&self, escape: impl Fn(&str) -> String, separator: &str) -> String {
        std::iter::once(&self.name)
            .chain(self.details.iter().filter(|d| !d.is_empty()))
            .map(|line| escape(line))
            .collect::<Vec<_>>()
            .join(separator)
    }
}

/// `from` must be ready before `to` starts.
struct Arrow {
    from: usize,
    to: usize,
    depends_on: bool,
}

fn layout(app: &Application, plan: &Plan) -> (Vec<Item>, Vec<Arrow>) {
    let dependencies = crate::core::deployed::all_dependencies(app);
    let boxes: Vec<Item> = plan
        .nodes
        .iter()
        .map(|(name, node)| {
            let what = match (node.kind, dependencies.get(name), app.services.get(name)) {
                (NodeKind::Dependency, Some(dependency), _) => dependency.image.clone(),
                (_, _, Some(service)) => match &service.source {
                    ServiceSource::Location(location) => {
                        let location = location.trim_start_matches("./");
                        format!("{} service in ./{location}", service.config.kind.name())
                    }
                    ServiceSource::Image(image) => {
                        format!("{} service of {image}", service.config.kind.name())
                    }
                },
                _ => String::new(),
            };
            Item {
                name: name.clone(),
                details: vec![what, format!("ready: {}", node.readiness.describe())],
                dependency: node.kind == NodeKind::Dependency,
            }
        })
        .collect();
    let index = |name: &str| plan.nodes.get_index_of(name);
    let arrows = plan
        .nodes
        .values()
        .enumerate()
        .flat_map(|(to, node)| {
            node.needs.iter().filter_map(move |need| {
                let from = index(need)?;
                Some(Arrow {
                    from,
                    to,
                    depends_on: plan.nodes[from].kind == NodeKind::Service,
                })
            })
        })
        .collect();
    (boxes, arrows)
}

/// Graphviz: `exo graph | dot -Tsvg > graph.svg`.
pub fn dot(app: &Application, plan: &Plan) -> String {
    let (boxes, arrows) = layout(app, plan);
    let quote = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = format!(
        "// {}: an arrow goes from a container to one that starts once it is ready\n",
        app.name
    );
    out.push_str(&format!("digraph {} {{\n", quote(&app.name)));
    out.push_str("  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    for b in &boxes {
        let label = b.label(
            |line| line.replace('\\', "\\\\").replace('"', "\\\""),
            "\\n",
        );
        let shape = if b.dependency { ", shape=cylinder" } else { "" };
        out.push_str(&format!(
            "  {} [label=\"{label}\"{shape}];\n",
            quote(&b.name)
        ));
    }
    for arrow in &arrows {
        let style = if arrow.depends_on {
            " [style=dashed, label=\"depends-on\"]"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {} -> {}{style};\n",
            quote(&boxes[arrow.from].name),
            quote(&boxes[arrow.to].name)
        ));
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart, to paste into Markdown in a ```` ```mermaid ```` block.
pub fn mermaid(app: &Application, plan: &Plan) -> String {
    let (boxes, arrows) = layout(app, plan);
    // Mermaid reads `"` and `<`, `>` in labels as markup: entity codes.
    let escape = |text: &str| {
        text.replace('&', "#amp;")
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
    };
    let mut out = String::from("flowchart LR\n");
    for (i, b) in boxes.iter().enumerate() {
        let label = b.label(escape, "<br/>");
        let (open, close) = if b.dependency {
            ("[(", ")]")
        } else {
            ("[", "]")
        };
        out.push_str(&format!("  n{i}{open}\"{label}\"{close}\n"));
    }
    for arrow in &arrows {
        let link = if arrow.depends_on {
            "-.->|depends-on|"
        } else {
            "-->"
        };
        out.push_str(&format!("  n{} {link} n{}\n", arrow.from, arrow.to));
    }
    out
}
