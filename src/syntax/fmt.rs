//! Stage 1 backwards: an AST and the comments of its source to text in the
//! one canonical layout ([`format_source`], `caselint fmt`).
//!
//! The layout:
//! - items and the members of a block (pack clauses, enum values, fields,
//!   table rows, calendar lines, rule clauses) one per line, indented by two
//!   spaces; the blank lines between them are kept, at most one in a row;
//! - `title zh "…"` and `cite  zh "…"` with the other languages on the lines
//!   below, aligned under the first; a message's texts on the lines below it;
//! - a construct longer than [`MAX_WIDTH`] columns (a CJK character takes two)
//!   is broken: a chain of `and` / `or` before each operator, a quantifier or
//!   aggregate before `where` / `satisfies`, a pattern before its edges, all
//!   with a 4-space continuation indent; `if` chains one `else` per line;
//!   `for` bindings one per line aligned under the first; lists, arguments
//!   and table rows filled line by line;
//! - literals as written; strings with the canonical escapes; parentheses
//!   exactly where the author wrote them.
//!
//! Comments are not in the AST: [`format_source`] scans the source for them
//! and gives each one back its place. A comment on a line of its own goes
//! before the item, member or clause it precedes; a comment after code goes
//! at the end of the line of the item, member or clause it follows (or of
//! the `{` line it is on). A clause (or other element) with a comment
//! inside it, within a multi-line expression say, is printed as written,
//! only re-indented, so that each comment stays beside the code it is about:
//! the canonical layout has no place for it.

mod doc;
mod expr;

use super::ast::*;
use super::parse::parse_file;
use crate::diag::{Code, Diagnostic, Level};
use doc::{Doc, align, cat, group, join, nest, render, text};
use expr::{Follow, bracket, expr, fill, pattern, shape, template};

/// The message of the one diagnostic [`format_source`] returns when its own
/// check refuses its output (the file parses; formatting it would change its
/// meaning or comments, which is a formatter bug).
pub const REFUSED: &str =
    "the formatted text would not mean the same as this file, so it is left as it is";

/// Lines are kept within this many columns where the code allows
/// (strings and comments are never broken).
pub const MAX_WIDTH: usize = 100;

/// Formats one rule file: parses it and prints it in the canonical layout,
/// keeping every comment.
///
/// The result parses to the same AST as `text`, holds the same comments, and
/// formats to itself. A file with syntax errors is returned as its
/// diagnostics (spans in file 0).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use caselint::syntax::format_source;
///
/// let out = format_source("def  adult(p:person):bool=age(p, today)>=18 # CL 17\n")
///     .map_err(|d| format!("{} diagnostics", d.len()))?;
/// assert_eq!(out, "def adult(p: person): bool = age(p, today) >= 18  # CL 17\n");
/// # Ok(())
/// # }
/// ```
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (file, diags) = parse_file(0, text);
    if diags.iter().any(|d| d.level == Level::Error) {
        return Err(diags);
    }
    let comments = scan_comments(text);
    let mut f = Fmt {
        src: text,
        comments,
        next: 0,
        synthetic: false,
    };
    let doc = f.file(&file);
    let out = finish(&doc);
    // A formatter bug must never cost an author their file: check the promise.
    let (again, diags) = parse_file(0, &out);
    if !diags.is_empty() || again != file || comment_texts(&out) != comment_texts(text) {
        return Err(vec![
            Diagnostic::error(Code::Syntax, Span::default(), REFUSED)
                .with_help("this is a bug in `caselint fmt`; please report it with the file"),
        ]);
    }
    Ok(out)
}

/// Prints an AST in the canonical layout, with a blank line between items
/// (an AST has no comments). Parentheses are added where the tree needs them
/// to read back the same (a tree from the parser never does: it keeps the
/// author's parentheses as [`ExprKind::Paren`]).
pub fn print_file(file: &File) -> String {
    let mut f = Fmt {
        src: "",
        comments: vec![],
        next: 0,
        synthetic: true,
    };
    let doc = f.file(file);
    finish(&doc)
}

fn finish(doc: &Doc) -> String {
    let mut out = render(doc, MAX_WIDTH);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------- comments

/// A comment: where its `#` is, and its text without trailing blanks.
#[derive(Clone, Debug)]
struct Comment {
    pos: u32,
    text: String,
}

/// The comments of a source, in order: `#` to the end of the line, outside
/// strings. A comment inside a string's `{…}` hole counts (the grammar allows one there).
fn scan_comments(src: &str) -> Vec<Comment> {
    scan(src).0
}

/// `src` without its comments (each `#` to the end of its line, outside
/// strings), line breaks kept.
pub(crate) fn without_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for c in scan_comments(src) {
        let pos = c.pos as usize;
        out.push_str(src.get(at..pos).unwrap_or(""));
        at = src
            .get(pos..)
            .and_then(|r| r.find('\n'))
            .map_or(src.len(), |n| pos + n);
    }
    out.push_str(src.get(at..).unwrap_or(""));
    out
}

/// Whether a string literal in `code` (which starts outside one) holds a
/// line break.
fn string_spans_lines(code: &str) -> bool {
    scan(code).1
}

/// One walk over a source (which starts outside a string): its comments,
/// and whether a string literal in it holds a line break.
fn scan(src: &str) -> (Vec<Comment>, bool) {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Code,
        Str,
        Hole,
    }
    let bytes = src.as_bytes();
    let mut stack = vec![St::Code];
    let mut out = vec![];
    let mut multi_line = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let top = stack.last().copied().unwrap_or(St::Code);
        match (top, b) {
            (St::Code | St::Hole, b'#') => {
                let end = src
                    .get(i..)
                    .and_then(|r| r.find('\n'))
                    .map_or(src.len(), |n| i + n);
                out.push(Comment {
                    pos: u32::try_from(i).unwrap_or(u32::MAX),
                    text: src.get(i..end).unwrap_or("").trim_end().to_string(),
                });
                i = end;
                continue;
            }
            (St::Code | St::Hole, b'"') => stack.push(St::Str),
            (St::Hole, b'}') | (St::Str, b'"') => {
                stack.pop();
            }
            (St::Str, b'\n') => multi_line = true,
            (St::Str, b'\\') => i += 1,
            (St::Str, b'{' | b'}') if bytes.get(i + 1) == Some(&b) => i += 1,
            (St::Str, b'{') => stack.push(St::Hole),
            _ => {}
        }
        i += 1;
    }
    (out, multi_line)
}

/// The texts of a source's comments, sorted: what formatting must keep.
fn comment_texts(src: &str) -> Vec<String> {
    let mut v: Vec<String> = scan_comments(src).into_iter().map(|c| c.text).collect();
    v.sort_unstable();
    v
}

/// The columns a line's leading text takes, a tab counting 4.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{feff}' | '\u{3000}')
}

/// Elements of a block (or of the file), each on its own line(s).
#[derive(Default)]
struct Block {
    /// Each element, and whether a blank line goes before it.
    elems: Vec<(bool, Doc)>,
}

impl Block {
    fn push(&mut self, blank: bool, d: Doc) {
        let blank = blank && !self.elems.is_empty();
        self.elems.push((blank, d));
    }

    fn comment(&mut self, blank: bool, c: Comment) {
        self.push(blank, text(c.text));
    }

    /// The elements, one per line; `lead`: a line break before the first too.
    fn lines(self, lead: bool) -> Doc {
        let mut v = vec![];
        for (i, (blank, d)) in self.elems.into_iter().enumerate() {
            if lead || i > 0 {
                v.push(Doc::HardLine);
            }
            if blank {
                v.push(Doc::HardLine);
            }
            v.push(d);
        }
        cat(v)
    }
}

/// A member of a block: where it is in the source, and its layout.
struct Member {
    start: u32,
    end: u32,
    doc: Doc,
    /// Whether `start..end` is all of the element's source, so that it may
    /// be printed as written (when a comment is inside it).
    exact: bool,
}

/// The printer: the source (for comments and blank lines) and a cursor
/// into its comments, which are handed out in source order.
struct Fmt<'s> {
    src: &'s str,
    comments: Vec<Comment>,
    next: usize,
    /// No source: a blank line between items, none inside them.
    synthetic: bool,
}

impl Fmt<'_> {
    /// The comments that start before `pos` and are not placed yet.
    fn take_before(&mut self, pos: u32) -> Vec<Comment> {
        let mut v = vec![];
        while let Some(c) = self.comments.get(self.next) {
            if c.pos >= pos {
                break;
            }
            v.push(c.clone());
            self.next += 1;
        }
        v
    }

    /// The next comment, when it follows `end` on the same line and starts before `limit`.
    fn take_trailing(&mut self, end: u32, limit: Option<u32>) -> Option<Comment> {
        let c = self.comments.get(self.next)?;
        if c.pos < end || limit.is_some_and(|l| c.pos >= l) {
            return None;
        }
        let gap = self.src.get(end as usize..c.pos as usize)?;
        if gap.contains('\n') {
            return None;
        }
        let c = c.clone();
        self.next += 1;
        Some(c)
    }

    /// Whether the source has a blank line just before `pos`.
    fn blank_before(&self, pos: u32) -> bool {
        let before = self.src.get(..pos as usize).unwrap_or("");
        let code = before.trim_end_matches(is_blank).len();
        before
            .get(code..)
            .is_some_and(|ws| ws.matches('\n').count() >= 2)
    }

    fn blank(&self, pos: u32, item: bool) -> bool {
        if self.synthetic {
            item
        } else {
            self.blank_before(pos)
        }
    }

    /// The end of the code of a span: pest lets a rule that ends in `x*` or
    /// `x?` take the blanks and comments after it, so spans may run past it.
    fn code_end(&self, end: u32) -> u32 {
        if self.synthetic {
            return end;
        }
        let mut end = end.min(u32::try_from(self.src.len()).unwrap_or(u32::MAX));
        loop {
            let before = self.src.get(..end as usize).unwrap_or("");
            end = u32::try_from(before.trim_end_matches(is_blank).len()).unwrap_or(0);
            let i = self.comments.partition_point(|c| c.pos < end);
            match i.checked_sub(1).and_then(|i| self.comments.get(i)) {
                Some(c) if c.pos + u32::try_from(c.text.len()).unwrap_or(0) >= end => end = c.pos,
                _ => return end,
            }
        }
    }

    /// The `{` of a block whose header ends at `from` (skipping comments).
    fn find_brace(&self, from: u32) -> u32 {
        let rest = self.src.get(from as usize..).unwrap_or("");
        let mut in_comment = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\n' => in_comment = false,
                '#' => in_comment = true,
                '{' if !in_comment => return from + u32::try_from(i).unwrap_or(0),
                _ => {}
            }
        }
        from
    }

    /// Places the comments before `upto` that precede an element starting at
    /// `start` (each on its own line, blank lines kept), then those inside it.
    /// Returns whether a blank line goes before the element itself.
    fn leading(&mut self, block: &mut Block, start: u32, upto: u32, item: bool) -> bool {
        let mut blank = self.blank(start, item);
        for c in self.take_before(upto) {
            if c.pos < start {
                let b = self.blank_before(c.pos);
                block.comment(b, c);
            } else {
                block.comment(blank, c);
                blank = false;
            }
        }
        blank
    }

    fn with_trailing(&mut self, doc: Doc, end: u32, limit: Option<u32>) -> Doc {
        match self.take_trailing(end, limit) {
            Some(c) => cat(vec![doc, Doc::Suffix(format!("  {}", c.text))]),
            None => doc,
        }
    }

    /// An element without members: its comments, then it, then its trailing
    /// comment. An element with a comment inside it is printed as written
    /// ([`Fmt::as_written`]), so the comment stays beside the code it is
    /// about; where that cannot be (its span is not all of its source, or a
    /// string in it runs over lines), the comment goes on a line before it.
    fn leaf(&mut self, block: &mut Block, m: Member, limit: Option<u32>, item: bool) {
        let end = self.code_end(m.end);
        let written = m.exact && self.may_write_as_written(m.start, end);
        let upto = if written { m.start } else { end };
        let blank = self.leading(block, m.start, upto, item);
        let doc = match written.then(|| self.as_written(m.start, end)).flatten() {
            Some(doc) => doc,
            None => m.doc,
        };
        let doc = self.with_trailing(doc, end, limit);
        block.push(blank, doc);
    }

    /// Whether a comment not placed yet starts inside `start..end`, and no
    /// string there holds a line break (re-indenting would change it).
    fn may_write_as_written(&self, start: u32, end: u32) -> bool {
        let inside = self
            .comments
            .get(self.next..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.pos < end)
            .any(|c| c.pos >= start);
        !self.synthetic
            && inside
            && self
                .src
                .get(start as usize..end as usize)
                .is_some_and(|code| !string_spans_lines(code))
    }

    /// The source of `start..end`, its lines re-indented (each continuation
    /// line keeps its indentation relative to the first, a tab counting 4
    /// columns; one not indented more gets 4), with the comments in it taken.
    fn as_written(&mut self, start: u32, end: u32) -> Option<Doc> {
        let code = self.src.get(start as usize..end as usize)?;
        let line_start = self
            .src
            .get(..start as usize)?
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let first_col = columns(self.src.get(line_start..start as usize)?);
        self.take_before(end);
        let mut parts = vec![];
        for (i, line) in code.split('\n').enumerate() {
            let body = line.trim_start_matches(is_blank).trim_end_matches(is_blank);
            if i == 0 {
                parts.push(text(body));
                continue;
            }
            parts.push(Doc::HardLine);
            if body.is_empty() {
                continue;
            }
            let lead = line.len() - line.trim_start_matches(is_blank).len();
            let indent = columns(line.get(..lead).unwrap_or(""));
            let rel = match indent.saturating_sub(first_col) {
                0 => 4,
                rel => rel,
            };
            parts.push(text(format!("{}{body}", " ".repeat(rel))));
        }
        Some(cat(parts))
    }

    /// An item with a `{ … }` block of members.
    fn block_item(
        &mut self,
        out: &mut Block,
        span: Span,
        header_end: u32,
        limit: Option<u32>,
        header: Doc,
        members: Vec<Member>,
    ) {
        let brace = self.find_brace(header_end);
        let blank = self.leading(out, span.start, brace, true);
        let end = self.code_end(span.end);
        let close = end.saturating_sub(1);
        let first = members.first().map_or(close, |m| m.start);
        let head = self.take_trailing(brace + 1, Some(first));
        let starts: Vec<u32> = members.iter().map(|m| m.start).collect();
        let mut inner = Block::default();
        for (i, m) in members.into_iter().enumerate() {
            // (The last member's line may hold the `}` and the next item: a
            // comment after the `}` is not the member's.)
            let limit = starts.get(i + 1).copied().unwrap_or(close);
            self.leaf(&mut inner, m, Some(limit), false);
        }
        for c in self.take_before(close) {
            let b = self.blank_before(c.pos);
            inner.comment(b, c);
        }
        let mut parts = vec![header, text(" {")];
        let has_head = head.is_some();
        if let Some(c) = head {
            parts.push(Doc::Suffix(format!("  {}", c.text)));
        }
        if inner.elems.is_empty() {
            if has_head {
                parts.push(Doc::HardLine);
            }
        } else {
            parts.push(nest(2, inner.lines(true)));
            parts.push(Doc::HardLine);
        }
        parts.push(text("}"));
        let doc = self.with_trailing(cat(parts), end, limit);
        out.push(blank, doc);
    }

    fn file(&mut self, f: &File) -> Doc {
        let mut top = Block::default();
        let starts: Vec<u32> = f.items.iter().map(|i| item_span(i).start).collect();
        for (i, it) in f.items.iter().enumerate() {
            self.item(&mut top, it, starts.get(i + 1).copied());
        }
        for c in self.take_before(u32::MAX) {
            let b = self.blank_before(c.pos);
            top.comment(b, c);
        }
        top.lines(false)
    }

    fn item(&mut self, out: &mut Block, it: &Item, limit: Option<u32>) {
        match it {
            Item::Pack(p) => {
                let mut members = vec![];
                if let (Some(first), Some(last)) = (p.languages.first(), p.languages.last()) {
                    let langs: Vec<&str> = p.languages.iter().map(|l| l.name.as_str()).collect();
                    members.push(Member {
                        start: first.span.start,
                        end: last.span.end,
                        doc: text(format!("languages {}", langs.join(", "))),
                        exact: false,
                    });
                }
                if let Some(d) = &p.default {
                    members.push(Member {
                        start: d.span.start,
                        end: d.span.end,
                        doc: text(format!("default {}", d.name)),
                        exact: false,
                    });
                }
                let header = text(format!("pack {}", p.name.name));
                self.block_item(out, p.span, p.name.span.end, limit, header, members);
            }
            Item::Enum(e) => {
                let members = e
                    .values
                    .iter()
                    .map(|v| Member {
                        start: v.name.span.start,
                        end: labels_end(&v.labels).unwrap_or(v.name.span.end),
                        doc: text(format!("{}{},", v.name.name, labels(&v.labels))),
                        exact: false,
                    })
                    .collect();
                let header = text(format!("enum {}{}", e.name.name, labels(&e.labels)));
                let header_end = labels_end(&e.labels).unwrap_or(e.name.span.end);
                self.block_item(out, e.span, header_end, limit, header, members);
            }
            Item::Node(n) => {
                let one = if n.exactly_one { " (exactly one)" } else { "" };
                let header = text(format!("node {}{one}{}", n.name.name, labels(&n.labels)));
                let header_end = labels_end(&n.labels).unwrap_or(n.name.span.end);
                let members = n.fields.iter().map(field_member).collect();
                self.block_item(out, n.span, header_end, limit, header, members);
            }
            Item::Edge(e) => {
                let kinds = |v: &[Ident]| {
                    v.iter()
                        .map(|k| k.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                let header = text(format!(
                    "edge {}: {} -> {}{}",
                    e.name.name,
                    kinds(&e.from),
                    kinds(&e.to),
                    labels(&e.labels)
                ));
                if e.fields.is_empty() {
                    let m = Member {
                        start: e.span.start,
                        end: e.span.end,
                        doc: header,
                        exact: false,
                    };
                    self.leaf(out, m, limit, true);
                } else {
                    let header_end = labels_end(&e.labels)
                        .or(e.to.last().map(|k| k.span.end))
                        .unwrap_or(e.name.span.end);
                    let members = e.fields.iter().map(field_member).collect();
                    self.block_item(out, e.span, header_end, limit, header, members);
                }
            }
            Item::Pattern(p) => {
                let doc = cat(vec![
                    text(format!("pattern {} = ", p.name.name)),
                    shape(&p.shape),
                ]);
                let m = Member {
                    start: p.span.start,
                    end: p.span.end,
                    doc,
                    exact: true,
                };
                self.leaf(out, m, limit, true);
            }
            Item::Def(d) => {
                let m = Member {
                    start: d.span.start,
                    end: d.span.end,
                    doc: def(d),
                    exact: true,
                };
                self.leaf(out, m, limit, true);
            }
            Item::Table(t) => {
                let header = cat(vec![
                    text(format!("table {}", t.name.name)),
                    bracket("(", t.keys.iter().map(param).collect(), ")"),
                ]);
                let header_end = t.keys.last().map_or(t.name.span.end, |k| type_end(&k.ty));
                let mut members = vec![];
                if let (Some(first), Some(last)) = (t.columns.first(), t.columns.last()) {
                    members.push(Member {
                        start: first.name.span.start,
                        end: type_end(&last.ty),
                        doc: cat(vec![
                            text("columns "),
                            fill(t.columns.iter().map(param).collect(), ""),
                        ]),
                        exact: false,
                    });
                }
                members.extend(t.rows.iter().map(|r| Member {
                    start: r.span.start,
                    end: r.span.end,
                    doc: row(r),
                    exact: true,
                }));
                self.block_item(out, t.span, header_end, limit, header, members);
            }
            Item::Calendar(c) => {
                let mut members = vec![];
                for (word, days) in [("holidays", &c.holidays), ("workdays", &c.workdays)] {
                    if let (Some(first), Some(last)) = (days.first(), days.last()) {
                        let spans = days.iter().map(|d| text(day_span(d))).collect();
                        members.push(Member {
                            start: first.from.span.start,
                            end: last.to.as_ref().unwrap_or(&last.from).span.end,
                            doc: cat(vec![text(format!("{word} ")), fill(spans, "")]),
                            exact: false,
                        });
                    }
                }
                let header_end = c.span.start + "calendar".len() as u32;
                self.block_item(out, c.span, header_end, limit, text("calendar"), members);
            }
            Item::Rule(r) => {
                let mut header = format!("rule {}", r.id.name);
                let mut header_end = r.id.span.end;
                if let Some(p) = &r.part {
                    header.push_str(&format!(" part {}", p.name));
                    header_end = p.span.end;
                }
                let members = r
                    .clauses
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let follow = match r.clauses.get(i + 1) {
                            Some(Clause::Where(..)) => Follow::Where,
                            _ => Follow::Closed,
                        };
                        let span = c.span();
                        Member {
                            start: span.start,
                            end: span.end,
                            doc: clause(c, follow),
                            exact: true,
                        }
                    })
                    .collect();
                self.block_item(out, r.span, header_end, limit, text(header), members);
            }
            Item::View(v) => {
                // Clauses and columns may interleave: keep them in source order.
                let mut parts: Vec<(Span, Option<&Clause>, Option<&Column>)> = v
                    .clauses
                    .iter()
                    .map(|c| (c.span(), Some(c), None))
                    .chain(v.columns.iter().map(|c| (c.span, None, Some(c))))
                    .collect();
                parts.sort_by_key(|(s, ..)| s.start);
                // Column names padded to the longest, so the labels line up.
                let width = v
                    .columns
                    .iter()
                    .map(|c| c.name.name.len())
                    .max()
                    .unwrap_or(0);
                let members = parts
                    .iter()
                    .enumerate()
                    .map(|(i, (span, c, col))| {
                        let follow = match parts.get(i + 1) {
                            Some((_, Some(Clause::Where(..)), _)) => Follow::Where,
                            _ => Follow::Closed,
                        };
                        let doc = match (c, col) {
                            (Some(c), _) => clause(c, follow),
                            (None, Some(col)) => column(col, width),
                            (None, None) => text(""),
                        };
                        Member {
                            start: span.start,
                            end: span.end,
                            doc,
                            exact: true,
                        }
                    })
                    .collect();
                let header = text(format!("view {}", v.name.name));
                self.block_item(out, v.span, v.name.span.end, limit, header, members);
            }
        }
    }
}

/// `column NAME TEXT = expr`, the name padded to `width`, the value on the
/// next line when it does not fit.
fn column(c: &Column, width: usize) -> Doc {
    let label = match &c.label {
        Text::Plain(s) => template(s),
        Text::Langs(ls) => ls.iter().map(lang_text).collect::<Vec<_>>().join(" "),
    };
    group(cat(vec![
        text(format!("column {:width$} {label} =", c.name.name)),
        nest(4, cat(vec![Doc::Line, expr(&c.value, 0, Follow::Closed)])),
    ]))
}

fn item_span(it: &Item) -> Span {
    match it {
        Item::Pack(x) => x.span,
        Item::Enum(x) => x.span,
        Item::Node(x) => x.span,
        Item::Edge(x) => x.span,
        Item::Pattern(x) => x.span,
        Item::Def(x) => x.span,
        Item::Table(x) => x.span,
        Item::Calendar(x) => x.span,
        Item::Rule(x) => x.span,
        Item::View(x) => x.span,
    }
}

fn type_end(t: &TypeExpr) -> u32 {
    match t {
        TypeExpr::Named(i) => i.span.end,
        TypeExpr::List(_, s) | TypeExpr::Enum(_, s) => s.end,
    }
}

fn labels_end(l: &Labels) -> Option<u32> {
    l.last().map(|t| t.text.span.end)
}

// ------------------------------------------------------------- declarations

/// ` (zh "…", en "…")`, or nothing.
fn labels(l: &Labels) -> String {
    if l.is_empty() {
        return String::new();
    }
    let v: Vec<String> = l.iter().map(lang_text).collect();
    format!(" ({})", v.join(", "))
}

fn lang_text(t: &LangText) -> String {
    format!("{} {}", t.lang.name, template(&t.text))
}

fn field_member(f: &FieldDecl) -> Member {
    let end = labels_end(&f.labels).unwrap_or_else(|| type_end(&f.ty));
    let mut tail = String::new();
    if f.required {
        tail.push_str(" required");
    }
    tail.push_str(&labels(&f.labels));
    Member {
        start: f.name.span.start,
        end,
        doc: cat(vec![
            text(format!("{}: ", f.name.name)),
            ty(&f.ty),
            text(tail),
        ]),
        // (Its end is that of the last label's text, before the `)`.)
        exact: false,
    }
}

fn ty(t: &TypeExpr) -> Doc {
    match t {
        TypeExpr::Named(i) => text(i.name.clone()),
        TypeExpr::List(t, _) => cat(vec![text("list("), ty(t), text(")")]),
        TypeExpr::Enum(values, _) => {
            let vals: Vec<Doc> = values
                .iter()
                .map(|v| text(format!("{}{}", v.name.name, labels(&v.labels))))
                .collect();
            if values.iter().any(|v| !v.labels.is_empty()) {
                // Labelled values: one per line when they do not fit on one.
                let sep = cat(vec![text(","), Doc::Line]);
                group(cat(vec![
                    text("enum("),
                    nest(2, cat(vec![Doc::SoftLine, join(vals, &sep)])),
                    text(")"),
                ]))
            } else {
                cat(vec![text("enum"), bracket("(", vals, ")")])
            }
        }
    }
}

fn param(p: &Param) -> Doc {
    cat(vec![text(format!("{}: ", p.name.name)), ty(&p.ty)])
}

fn def(d: &DefDecl) -> Doc {
    let mut head = vec![text(format!("def {}", d.name.name))];
    if let Some(ps) = &d.params {
        head.push(bracket("(", ps.iter().map(param).collect(), ")"));
    }
    if let Some(t) = &d.ty {
        head.push(text(": "));
        head.push(ty(t));
    }
    head.push(text(" ="));
    group(cat(vec![
        cat(head),
        nest(2, cat(vec![Doc::Line, expr(&d.body, 0, Follow::Closed)])),
    ]))
}

fn in_force(f: &InForce) -> String {
    let mut s = String::from("in force");
    if let Some(d) = &f.from {
        s.push_str(&format!(" from {}", d.text));
    }
    if let Some(d) = &f.until {
        s.push_str(&format!(" until {}", d.text));
    }
    s
}

/// `row keys [in force …]: values`, the values filled with a 4-space continuation.
fn row(r: &TableRow) -> Doc {
    let mut head = vec![text("row ")];
    match &r.keys {
        None => head.push(text("default")),
        Some(keys) => {
            let keys = keys.iter().map(|k| expr(k, 0, Follow::Closed)).collect();
            head.push(join(keys, &text(", ")));
        }
    }
    if let Some(f) = &r.in_force {
        head.push(text(format!(" {}", in_force(f))));
    }
    head.push(text(":"));
    let n = r.values.len();
    let mut parts = vec![];
    for (i, v) in r.values.iter().enumerate() {
        let comma = if i + 1 < n { "," } else { "" };
        let v = cat(vec![expr(v, 0, Follow::Closed), text(comma)]);
        if i == 0 {
            parts.push(cat(vec![cat(std::mem::take(&mut head)), text(" "), v]));
        } else {
            parts.push(Doc::Line);
            parts.push(v);
        }
    }
    if parts.is_empty() {
        return cat(head);
    }
    nest(4, Doc::Fill(parts))
}

fn day_span(d: &DaySpan) -> String {
    match &d.to {
        Some(to) => format!("{} to {}", d.from.text, to.text),
        None => d.from.text.clone(),
    }
}

// ------------------------------------------------------------------ clauses

fn clause(c: &Clause, follow: Follow) -> Doc {
    match c {
        Clause::Severity(s, _) => text(match s {
            Severity::Error => "severity error",
            Severity::Warning => "severity warning",
            Severity::Info => "severity info",
        }),
        Clause::Title(t, _) => cat(vec![text("title "), text_doc(t)]),
        Clause::Cite(t, _) => cat(vec![text("cite  "), text_doc(t)]),
        Clause::Tags(tags, _) => {
            let names = tags.iter().map(|t| text(t.name.clone())).collect();
            cat(vec![text("tags "), fill(names, "")])
        }
        Clause::Message(cond, t, _) => {
            let mut v = vec![text("message")];
            if let Some(e) = cond {
                v.push(text(" when "));
                v.push(expr(e, 0, Follow::Closed));
            }
            match t {
                Text::Plain(s) => v.push(group(nest(2, cat(vec![Doc::Line, text(template(s))])))),
                Text::Langs(ls) => {
                    let lines = ls
                        .iter()
                        .flat_map(|l| [Doc::HardLine, text(lang_text(l))])
                        .collect();
                    v.push(nest(2, cat(lines)));
                }
            }
            cat(v)
        }
        Clause::InForce(f, e, _) => cat(vec![
            text(format!("{} on ", in_force(f))),
            expr(e, 0, follow),
        ]),
        Clause::For(bs, _) => {
            let n = bs.len();
            let docs = bs
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let f = if i + 1 == n { follow } else { Follow::Closed };
                    binding(b, f)
                })
                .collect();
            let sep = cat(vec![text(","), Doc::Line]);
            cat(vec![text("for "), align(group(join(docs, &sep)))])
        }
        Clause::Let(x, e, _) => cat(vec![text(format!("let {} = ", x.name)), expr(e, 0, follow)]),
        Clause::Where(e, _) => cat(vec![text("where "), expr(e, 0, follow)]),
        Clause::Unless(e, _) => cat(vec![text("unless "), expr(e, 0, follow)]),
        Clause::Require(e, _) => cat(vec![text("require "), expr(e, 0, follow)]),
        Clause::Due(e, _) => cat(vec![text("due "), expr(e, 0, follow)]),
    }
}

/// A title's or citation's text: the languages one per line, aligned.
fn text_doc(t: &Text) -> Doc {
    match t {
        Text::Plain(s) => text(template(s)),
        Text::Langs(ls) => align(join(
            ls.iter().map(|l| text(lang_text(l))).collect(),
            &Doc::HardLine,
        )),
    }
}

fn binding(b: &Binding, follow: Follow) -> Doc {
    match b {
        Binding::Pattern(p) => pattern(p),
        Binding::Value(x, e) => cat(vec![text(format!("{} = ", x.name)), expr(e, 0, follow)]),
        Binding::Each(x, e) => cat(vec![text(format!("{} in ", x.name)), expr(e, 0, follow)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings_only() {
        let src = "def a = \"#x{f(\"#y\")}\" # real\n# two\n";
        let c: Vec<String> = scan_comments(src).into_iter().map(|c| c.text).collect();
        assert_eq!(c, ["# real", "# two"]);
    }

    #[test]
    fn blank_lines() {
        let f = Fmt {
            src: "a\n\n  b\nc",
            comments: vec![],
            next: 0,
            synthetic: false,
        };
        assert!(f.blank_before(5));
        assert!(!f.blank_before(8));
    }
}
