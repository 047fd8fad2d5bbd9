//! Problems found in the configuration, each pointing into the file where it
//! was written, rendered by `miette`.

use super::yaml::Span;
use miette::{Diagnostic, LabeledSpan, SourceCode};
use std::fmt;
use std::sync::Arc;

/// The text of one configuration file and the name it is shown under.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the application directory, e.g. `web/service.yml`.
    pub name: String,
    pub text: String,
}

/// A place in a configuration file.
#[derive(Debug, Clone)]
pub struct Site {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Site {
    pub fn new(file: &Arc<SourceFile>, span: Span) -> Self {
        Site {
            file: Arc::clone(file),
            span,
        }
    }

    /// 1-based line and column, for plain-text output.
    pub fn line_column(&self) -> (usize, usize) {
        let before = &self.file.text[..self.span.offset.min(self.file.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }
}

/// One thing wrong with the configuration.
#[derive(Debug, Clone)]
pub struct Problem {
    pub message: String,
    pub site: Option<Site>,
    /// Short text under the caret, e.g. "unknown key".
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Problem {
    pub fn at(site: Site, message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            site: Some(site),
            label: None,
            help: None,
        }
    }

    /// A problem that no single place in a file shows.
    pub fn general(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            site: None,
            label: None,
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column: message`, the one-line form used in plain output.
    pub fn headline(&self) -> String {
        match &self.site {
            Some(site) => {
                let (line, column) = site.line_column();
                format!("{}:{line}:{column}: {}", site.file.name, self.message)
            }
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

impl std::error::Error for Problem {}

/// Named source shared by the `miette` rendering of every problem in one file.
struct FileSource(Arc<SourceFile>);

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents =
            self.0
                .text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // miette counts the column of `file:line:column` in bytes; editors,
        // and `Site::line_column`, count characters.
        let column = if context_lines_before == 0 {
            let text = &self.0.text;
            text.get(..span.offset())
                .map(|before| {
                    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
                    before[line_start..].chars().count()
                })
                .unwrap_or(contents.column())
        } else {
            contents.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.0.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

/// The `miette` view of a [`Problem`]; built on demand by the printer.
pub struct ProblemDiagnostic {
    problem: Problem,
    source: Option<FileSource>,
}

impl From<Problem> for ProblemDiagnostic {
    fn from(problem: Problem) -> Self {
        let source = problem
            .site
            .as_ref()
            .map(|s| FileSource(Arc::clone(&s.file)));
        ProblemDiagnostic { problem, source }
    }
}

impl fmt::Debug for ProblemDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.problem, f)
    }
}

impl fmt::Display for ProblemDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem.message)
    }
}

impl std::error::Error for ProblemDiagnostic {}

impl Diagnostic for ProblemDiagnostic {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let site = self.problem.site.as_ref()?;
        let label = LabeledSpan::new(
            Some(self.problem.label.clone().unwrap_or_else(|| "here".into())),
            site.span.offset,
            site.span.len,
        );
        Some(Box::new(std::iter::once(label)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
}

/// Every problem of one load, in the order they were found.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<Problem> {
        self.0
    }
}
