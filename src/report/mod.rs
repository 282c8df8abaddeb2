//! Stage 4: findings → the JSON report of case-format.md §5, and text for people.

pub mod html;
mod text;

pub use text::render_text;

use crate::syntax::ast::Severity;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// The review of one case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The case number, from the case file's `id`.
    pub case: String,
    /// Findings, sorted by rule id, then nodes.
    pub findings: Vec<Finding>,
    /// The pack's views (such as the sentencing worksheet), when asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<ViewTable>,
    /// The language the texts are in (`all` for every language); not part of the JSON.
    #[serde(skip)]
    pub lang: String,
}

/// The rows of one view of the pack: the computation behind the findings, for people.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViewTable {
    /// The view's name.
    pub name: String,
    /// Its title.
    pub title: LocalText,
    /// Its columns.
    pub columns: Vec<ViewColumn>,
    /// One row per binding, sorted by nodes.
    pub rows: Vec<ViewRow>,
}

/// A column of a view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViewColumn {
    /// The key.
    pub name: String,
    /// The heading.
    pub label: LocalText,
}

/// A row of a view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViewRow {
    /// The nodes the row is about, in binding order.
    pub nodes: Vec<String>,
    /// Each column's value as text (exact: decimals as written).
    pub text: Vec<String>,
    /// Each column's value as JSON: numbers, bools, text, or null when unknown.
    pub values: Vec<serde_json::Value>,
}

/// Whether `c` changes the direction of the text after it (a bidirectional
/// formatting character).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_where(s: &str, bad: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(&bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if bad(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Text for a terminal, from a case file (names, ids, messages that quote
/// them): control characters but the line end, and the bidirectional
/// formatting ones, escaped (`\u{1b}`), so that a file cannot move the
/// cursor, clear the screen or reorder a line.
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    escape_where(s, |c| (c.is_control() && c != '\n') || is_bidi_control(c))
}

/// [`terminal_safe`] for text shown within one line: line ends escaped too.
pub fn one_line_safe(s: &str) -> std::borrow::Cow<'_, str> {
    escape_where(s, |c| c.is_control() || is_bidi_control(c))
}

/// A text in the review's language, or in every language of the pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalText {
    /// One language.
    One(String),
    /// Language tag → text.
    All(BTreeMap<String, String>),
}

impl LocalText {
    /// The text in one language (the first, for `All`).
    pub fn as_str(&self) -> &str {
        match self {
            LocalText::One(s) => s,
            LocalText::All(m) => m.values().next().map_or("", String::as_str),
        }
    }

    /// Orders texts deterministically: by the text, or by the texts of every
    /// language in turn (as if joined by U+001F), without building either.
    pub(crate) fn cmp_text(&self, other: &LocalText) -> std::cmp::Ordering {
        fn chars(t: &LocalText) -> Box<dyn Iterator<Item = char> + '_> {
            match t {
                LocalText::One(s) => Box::new(s.chars()),
                LocalText::All(m) => {
                    Box::new(m.values().enumerate().flat_map(|(i, s)| {
                        (i > 0).then_some('\u{1f}').into_iter().chain(s.chars())
                    }))
                }
            }
        }
        match (self, other) {
            (LocalText::One(a), LocalText::One(b)) => a.cmp(b),
            _ => chars(self).cmp(chars(other)),
        }
    }
}

impl Serialize for LocalText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LocalText::One(t) => s.serialize_str(t),
            LocalText::All(m) => m.serialize(s),
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The catalog id of the rule.
    pub rule: String,
    /// `error`, `warning` or `info` (a pending obligation is `info`).
    #[serde(serialize_with = "ser_severity")]
    pub severity: Severity,
    /// The rule's title.
    pub title: LocalText,
    /// What was found, naming the persons, acts and dates.
    pub message: LocalText,
    /// The article of law.
    pub citation: LocalText,
    /// Ids of the nodes the finding is about, in the rule's binding order.
    pub nodes: Vec<String>,
    /// For a pending obligation: when it falls due (`2024-03-05` or `2024-03-05 14:30`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Where the rule is written (`rules/cn-criminal/procedure.rules:12:1`); not part of the JSON report.
    #[serde(skip)]
    pub source: Option<String>,
}

impl Finding {
    /// Whether this is a pending obligation rather than a breach.
    pub fn is_pending(&self) -> bool {
        self.due.is_some()
    }
}

/// The lowercase name of a severity.
pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn ser_severity<S: Serializer>(v: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(severity_name(*v))
}

impl Report {
    /// The report as the JSON object of case-format.md §5 (one line).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Whether some finding is an error (not pending).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}
