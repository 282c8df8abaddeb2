//! Load errors: what went wrong in a case file, where (JSON path, line and
//! column), and how to fix it; plus the collector the loader fills.

use std::fmt;

/// What kind of problem a [`LoadError`] reports. Each variant's doc shows an
/// input that triggers it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// Not JSON: `{"id": "x",}` (trailing comma), an unclosed string, …
    Syntax,
    /// The bytes are not UTF-8.
    NotUtf8,
    /// The reader failed before the end of the input.
    Io,
    /// `{"id": "x", "nodes": [], "edgse": []}`
    UnknownTopLevelKey,
    /// `"format": "caselint/case@2"`
    BadFormat,
    /// A node without `id`, an edge without `to`, an envelope without `nodes`.
    MissingKey,
    /// A JSON value of the wrong type: `"days": "3"`, `"days": 1.5`, `"nodes": {}`.
    WrongType,
    /// `{"id": "p1", "kind": "persn"}`
    UnknownNodeKind,
    /// `{"kind": "subjcet", "from": "e1", "to": "p1"}`
    UnknownEdgeKind,
    /// `{"id": "p1", "kind": "person", "brith_date": "2001-01-01"}`
    UnknownField,
    /// `"birth_date": "2024-02-30"` or `"2024-2-3"`
    InvalidDate,
    /// `"time": "24:00"` or `"9:30"`
    InvalidTime,
    /// `"role": "defendent"`
    InvalidEnumValue,
    /// `"amount": "12,000"`, or a decimal that does not fit 96 bits and 28
    /// fractional digits exactly.
    InvalidDecimal,
    /// The same key twice in one object: `{"id": "a", "id": "b"}`.
    DuplicateKey,
    /// Two nodes with `"id": "p1"`.
    DuplicateNodeId,
    /// `{"kind": "subject", "from": "e1", "to": "nobody"}`
    MissingNode,
    /// A `subject` edge from a `person` (it must start at an `event`).
    EdgeKindMismatch,
    /// A `person` node without `role`.
    MissingRequiredField,
    /// No `case` node, or two.
    SingletonCount,
    /// The input is larger than [`MAX_INPUT_BYTES`](super::MAX_INPUT_BYTES).
    TooLarge,
    /// JSON nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    TooDeep,
}

impl LoadErrorKind {
    /// The kind as a stable `snake_case` code, for machine-readable output.
    pub fn code(self) -> &'static str {
        match self {
            LoadErrorKind::Syntax => "syntax",
            LoadErrorKind::NotUtf8 => "not_utf8",
            LoadErrorKind::Io => "io",
            LoadErrorKind::UnknownTopLevelKey => "unknown_top_level_key",
            LoadErrorKind::BadFormat => "bad_format",
            LoadErrorKind::MissingKey => "missing_key",
            LoadErrorKind::WrongType => "wrong_type",
            LoadErrorKind::UnknownNodeKind => "unknown_node_kind",
            LoadErrorKind::UnknownEdgeKind => "unknown_edge_kind",
            LoadErrorKind::UnknownField => "unknown_field",
            LoadErrorKind::InvalidDate => "invalid_date",
            LoadErrorKind::InvalidTime => "invalid_time",
            LoadErrorKind::InvalidEnumValue => "invalid_enum_value",
            LoadErrorKind::InvalidDecimal => "invalid_decimal",
            LoadErrorKind::DuplicateKey => "duplicate_key",
            LoadErrorKind::DuplicateNodeId => "duplicate_node_id",
            LoadErrorKind::MissingNode => "missing_node",
            LoadErrorKind::EdgeKindMismatch => "edge_kind_mismatch",
            LoadErrorKind::MissingRequiredField => "missing_required_field",
            LoadErrorKind::SingletonCount => "singleton_count",
            LoadErrorKind::TooLarge => "too_large",
            LoadErrorKind::TooDeep => "too_deep",
        }
    }
}

impl fmt::Display for LoadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem in a case file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", DisplayLoadError(self))]
pub struct LoadError {
    /// What kind of problem.
    pub kind: LoadErrorKind,
    /// The JSON path of the offending value: `nodes[12].birth_date`,
    /// `edges[3].to`; empty for the root. For a missing key, the path the
    /// key would have.
    pub path: String,
    /// 1-based line of the offending value or key in the input; 0 when there
    /// is no input text (a case built with [`CaseBuilder`](super::CaseBuilder)).
    pub line: u32,
    /// 1-based column, counted in Unicode scalar values; 0 as for `line`.
    pub column: u32,
    /// Lowercase, user input in backticks; says what was expected and what
    /// was found.
    pub message: String,
    /// How to fix it, when the loader can tell: "did you mean `birth_date`?"
    pub help: Option<String>,
}

struct DisplayLoadError<'a>(&'a LoadError);

impl fmt::Display for DisplayLoadError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        if e.line > 0 {
            write!(f, "{}:{}: ", e.line, e.column)?;
        }
        if !e.path.is_empty() {
            write!(f, "{}: ", e.path)?;
        }
        f.write_str(&e.message)?;
        if let Some(help) = &e.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Every problem found in one case file, in input order, at most
/// [`MAX_ERRORS`](super::MAX_ERRORS) of them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", DisplayLoadErrors(self))]
pub struct LoadErrors {
    /// The errors, at least one.
    pub errors: Vec<LoadError>,
    /// More errors were found than the cap and were dropped.
    pub truncated: bool,
}

struct DisplayLoadErrors<'a>(&'a LoadErrors);

impl fmt::Display for DisplayLoadErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        let n = e.errors.len();
        write!(
            f,
            "the case file has {}{} error{}",
            if e.truncated { "more than " } else { "" },
            n,
            if n == 1 && !e.truncated { "" } else { "s" }
        )?;
        for err in &e.errors {
            write!(f, "\n  {err}")?;
        }
        Ok(())
    }
}

impl LoadErrors {
    /// The errors of one kind.
    pub fn of_kind(&self, kind: LoadErrorKind) -> impl Iterator<Item = &LoadError> {
        self.errors.iter().filter(move |e| e.kind == kind)
    }
}

/// The cap on errors reported for one case file.
pub const MAX_ERRORS: usize = 100;

/// An error before line and column are known: a byte offset instead.
#[derive(Debug)]
struct Pending {
    kind: LoadErrorKind,
    path: String,
    offset: Option<usize>,
    message: String,
    help: Option<String>,
}

/// Collects errors during a load, up to [`MAX_ERRORS`].
#[derive(Debug, Default)]
pub(crate) struct ErrorSink {
    pending: Vec<Pending>,
    truncated: bool,
}

impl ErrorSink {
    /// Records an error at a byte offset of the input (`None`: no input).
    pub(crate) fn push(
        &mut self,
        kind: LoadErrorKind,
        path: String,
        offset: Option<usize>,
        message: String,
        help: Option<String>,
    ) {
        if self.pending.len() >= MAX_ERRORS {
            self.truncated = true;
            return;
        }
        self.pending.push(Pending {
            kind,
            path,
            offset,
            message,
            help,
        });
    }

    /// The cap is reached: further errors are dropped, so the caller may stop.
    pub(crate) fn is_full(&self) -> bool {
        self.pending.len() >= MAX_ERRORS
    }

    /// Records that the caller stopped looking for errors at the cap.
    pub(crate) fn mark_truncated(&mut self) {
        self.truncated = true;
    }

    /// No error so far.
    pub(crate) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// The errors in input order, offsets turned into line and column of
    /// `text` (one pass over the text, only when there are errors).
    pub(crate) fn finish(self, text: &[u8]) -> LoadErrors {
        let mut pending = self.pending;
        // Stable: errors at the same place keep the order they were found in.
        pending.sort_by_key(|p| p.offset.unwrap_or(usize::MAX));
        let mut cursor = LineCursor::default();
        let errors = pending
            .into_iter()
            .map(|p| {
                let (line, column) = match p.offset {
                    Some(off) => cursor.advance(text, off),
                    None => (0, 0),
                };
                LoadError {
                    kind: p.kind,
                    path: p.path,
                    line,
                    column,
                    message: p.message,
                    help: p.help,
                }
            })
            .collect();
        LoadErrors {
            errors,
            truncated: self.truncated,
        }
    }
}

/// Walks the input forward, counting lines (`\n`) and columns (UTF-8 lead
/// bytes, so Unicode scalar values), so that a sorted list of offsets costs
/// one pass.
#[derive(Debug)]
struct LineCursor {
    pos: usize,
    line: u32,
    column: u32,
}

impl Default for LineCursor {
    fn default() -> Self {
        LineCursor {
            pos: 0,
            line: 1,
            column: 1,
        }
    }
}

impl LineCursor {
    fn advance(&mut self, text: &[u8], offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        if offset < self.pos {
            *self = LineCursor::default();
        }
        for &b in text.get(self.pos..offset).unwrap_or_default() {
            if b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column = self.column.saturating_add(1);
            }
        }
        self.pos = offset;
        (self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "{\n  \"名字\": x\n}".as_bytes();
        let x = text.iter().position(|&b| b == b'x').unwrap();
        let mut sink = ErrorSink::default();
        sink.push(
            LoadErrorKind::Syntax,
            String::new(),
            Some(x),
            "m".into(),
            None,
        );
        sink.push(
            LoadErrorKind::Syntax,
            String::new(),
            Some(0),
            "m".into(),
            None,
        );
        let errs = sink.finish(text);
        assert_eq!((errs.errors[0].line, errs.errors[0].column), (1, 1));
        assert_eq!((errs.errors[1].line, errs.errors[1].column), (2, 9));
    }

    #[test]
    fn cap_truncates() {
        let mut sink = ErrorSink::default();
        for _ in 0..MAX_ERRORS + 5 {
            sink.push(LoadErrorKind::Syntax, String::new(), None, "m".into(), None);
        }
        assert!(sink.is_full());
        let errs = sink.finish(b"");
        assert_eq!(errs.errors.len(), MAX_ERRORS);
        assert!(errs.truncated);
        assert!(
            errs.to_string()
                .starts_with("the case file has more than 100 errors")
        );
    }
}
