//! Diagnostics shared by every stage: what went wrong, where, and how to fix it.
//!
//! Diagnostics are plain data. Rendering them (underlined source, colour)
//! is the command-line tool's job; see [`SourceFile::line_col`] for the
//! positions an embedder needs.

use crate::syntax::ast::Span;
use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Suspicious but accepted.
    Warning,
    /// The pack cannot be used.
    Error,
}

/// What kind of problem a diagnostic reports. Embedders match on this, not on messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Code {
    /// The text does not follow the grammar: `rule x {` (expected `}`).
    Syntax,
    /// A file or the pack is larger than the limits allow.
    TooLarge,
    /// Brackets or expressions nested deeper than the limit.
    TooDeep,
    /// A file could not be read.
    Io,
    /// A name that nothing declares: `d.birth_dat`.
    UnknownName,
    /// A name declared twice: two rules `cn.x`, two fields `name`.
    Duplicate,
    /// A value of the wrong type: `x.date + 3`.
    Type,
    /// A definition called with the wrong number of arguments.
    Arity,
    /// A literal that is not a valid value: `2024-02-30`, `25:00`.
    BadLiteral,
    /// A rule without a required clause (severity, title, cite, message), or a view without a title.
    MissingClause,
    /// A clause given twice or in a place it does not belong.
    MisplacedClause,
    /// A text lacks a language the pack requires.
    MissingLanguage,
    /// A language tag the pack does not declare.
    UnknownLanguage,
    /// A definition, pattern or table nothing uses.
    Unused,
    /// A condition that can never hold.
    NeverHolds,
    /// Definitions that refer to themselves.
    Cycle,
    /// Something about the pack as a whole (no pack header, no schema).
    Pack,
}

/// One problem found in a rule file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// The kind of problem.
    pub code: Code,
    /// Lowercase, no final period, user input in backticks.
    pub message: String,
    /// The main place.
    #[serde(skip)]
    pub span: Span,
    /// What is expected there, underlined at `span`.
    pub label: Option<String>,
    /// A suggestion: "did you mean `birth_date`?"
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            code,
            message: message.into(),
            span,
            label: None,
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// Adds the label shown under the span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One source file of a pack.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Its name as shown to the user (a path relative to the pack, or a label).
    pub name: String,
    /// Its text.
    pub text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// A file with the given name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .text
            .get(start as usize..offset as usize)
            .map_or(1, |s| s.chars().count() + 1);
        (line as u32, col as u32)
    }

    /// The text of a span, or "" when it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// The files of a pack, indexed by [`Span::file`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Adds a file and returns its index.
    pub fn add(&mut self, file: SourceFile) -> u32 {
        self.files.push(file);
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// The file a span points into.
    pub fn file(&self, index: u32) -> Option<&SourceFile> {
        self.files.get(index as usize)
    }

    /// All files in order.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// `file:line:column` of the start of a span.
    pub fn location(&self, span: Span) -> Location {
        match self.file(span.file) {
            Some(f) => {
                let (line, column) = f.line_col(span.start);
                Location {
                    file: f.name.clone(),
                    line,
                    column,
                }
            }
            None => Location {
                file: String::new(),
                line: 0,
                column: 0,
            },
        }
    }
}

/// A place in a pack's sources, as people read it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The file's name.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        let limit = (name.chars().count().max(c.chars().count()) / 3).clamp(1, 3);
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a", "ab\n拘留x\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(9), (2, 3));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("birth_dat", ["birth_date", "name"]).as_deref(),
            Some("did you mean `birth_date`?")
        );
        assert_eq!(did_you_mean("zzz", ["birth_date"]), None);
    }
}
