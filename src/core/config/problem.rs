//! Problems found in the configuration, each pointing into the file where it
//! was written, rendered by `miette`.

use super::excerpt::{Excerpt, shown};
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
    /// The directory it was read from, for checks of the paths it names;
    /// `None` for text that is no file.
    pub dir: Option<std::path::PathBuf>,
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

    /// `file:line:column: message`, the one-line form used in plain output,
    /// with control characters escaped and long text cut.
    pub fn headline(&self) -> String {
        match &self.site {
            Some(site) => {
                let (line, column) = site.line_column();
                format!(
                    "{}:{line}:{column}: {}",
                    shown(&site.file.name),
                    shown(&self.message)
                )
            }
            None => shown(&self.message),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

impl std::error::Error for Problem {}

/// What a diagnostic shows of the file: an [`Excerpt`] around the problem,
/// named and numbered as in the whole file.
struct FileSource {
    name: String,
    excerpt: Excerpt,
    /// 0-based line and column (in characters) of the problem in the file.
    line: usize,
    column: usize,
}

impl FileSource {
    fn new(site: &Site) -> Self {
        let (line, column) = site.line_column();
        FileSource {
            name: shown(&site.file.name),
            excerpt: Excerpt::new(&site.file.text, site.span),
            line: line - 1,
            column: column - 1,
        }
    }
}

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self.excerpt.text.as_str().read_span(
            span,
            context_lines_before,
            context_lines_after,
        )?;
        // The header `file:line:column` counts characters of the whole
        // file, as editors do (miette would count bytes of the excerpt).
        let (line, column) = if context_lines_before == 0 {
            (self.line, self.column)
        } else {
            (self.excerpt.first_line + contents.line(), contents.column())
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            line,
            column,
            contents.line_count(),
        )))
    }
}

/// The `miette` view of a [`Problem`]; built on demand by the printer.
pub struct ProblemDiagnostic {
    problem: Problem,
    source: Option<FileSource>,
    severity: miette::Severity,
}

impl From<Problem> for ProblemDiagnostic {
    fn from(problem: Problem) -> Self {
        let source = problem.site.as_ref().map(FileSource::new);
        ProblemDiagnostic {
            problem,
            source,
            severity: miette::Severity::Error,
        }
    }
}

impl ProblemDiagnostic {
    /// The view of a warning: shown as a problem is, without failing.
    pub fn warning(problem: Problem) -> Self {
        ProblemDiagnostic {
            severity: miette::Severity::Warning,
            ..ProblemDiagnostic::from(problem)
        }
    }

    /// The problem's one-line form.
    pub fn headline(&self) -> String {
        self.problem.headline()
    }
}

impl fmt::Debug for ProblemDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.problem, f)
    }
}

impl fmt::Display for ProblemDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown(&self.problem.message))
    }
}

impl std::error::Error for ProblemDiagnostic {}

impl Diagnostic for ProblemDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source.as_ref()?;
        let text = self.problem.label.as_deref().unwrap_or("here");
        let label = LabeledSpan::new(
            Some(shown(text)),
            source.excerpt.span.offset,
            source.excerpt.span.len,
        );
        Some(Box::new(std::iter::once(label)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem
            .help
            .as_ref()
            .map(|h| Box::new(shown(h)) as Box<dyn fmt::Display>)
    }
}

/// Every problem of one load, in the order they were found, and the
/// warnings: what loads but probably does not mean what it says.
#[derive(Debug, Default)]
pub struct Problems {
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        self.errors.push(problem);
    }

    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.errors.extend(problems);
    }

    pub fn warn(&mut self, warning: Problem) {
        self.warnings.push(warning);
    }

    /// Takes in the problems and warnings found apart (e.g. in another file).
    pub fn merge(&mut self, other: Problems) {
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }

    /// Whether there is no error (warnings do not count).
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors.
    pub fn into_vec(self) -> Vec<Problem> {
        self.errors
    }

    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }
}
