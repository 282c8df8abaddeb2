//! Stage 1: rule text to AST. The only code in the crate that sees pest.
//!
//! Each grammar rule has one function that matches its children as a
//! slice; a mismatch is a diagnostic with the pest span, never a panic.

use super::ast::*;
use crate::diag::{Code, Diagnostic};
use pest::Parser;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::OnceLock;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/caselint.pest"]
struct Grammar;

/// Largest rule file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Deepest nesting of brackets accepted.
pub const MAX_BRACKET_DEPTH: usize = 64;
/// Deepest expression tree accepted (a long chain `a + b + … ` counts one level per operator).
pub const MAX_EXPR_DEPTH: u32 = 128;
/// Syntax errors reported per file before giving up.
const MAX_SYNTAX_ERRORS: usize = 20;

type PResult<T> = Result<T, Diagnostic>;

/// Parses one file. `file` is its index in the pack's source map (spans carry it).
///
/// Returns the items parsed and every diagnostic; after a syntax error the
/// parser skips to the next top-level declaration and goes on, so one run
/// reports the errors of every item.
pub fn parse_file(file: u32, text: &str) -> (File, Vec<Diagnostic>) {
    // The grammar is recursive (an `if` inside an `else`, a quantifier inside a `where`);
    // parse on a thread with room for the deepest nesting the limits allow.
    let owned = text.to_string();
    let worker = std::thread::Builder::new()
        .name("caselint-parse".into())
        .stack_size(PARSE_STACK_BYTES)
        .spawn(move || parse_file_here(file, &owned));
    match worker.map(|h| h.join()) {
        Ok(Ok(result)) => result,
        _ => parse_file_here(file, text),
    }
}

/// Stack of the parsing thread.
const PARSE_STACK_BYTES: usize = 256 << 20;
/// Most nesting keywords (`if`, `exists`, `count`, …) one declaration may hold.
pub const MAX_NESTING_WORDS: usize = 1000;

fn parse_file_here(file: u32, text: &str) -> (File, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut items = Vec::new();
    if text.len() > MAX_FILE_BYTES {
        diags.push(Diagnostic::error(
            Code::TooLarge,
            Span {
                file,
                start: 0,
                end: 0,
            },
            format!(
                "rule file is {} bytes; the limit is {MAX_FILE_BYTES}",
                text.len()
            ),
        ));
        return (File { items }, diags);
    }
    if let Some(d) = check_depth(file, text) {
        diags.push(d);
        return (File { items }, diags);
    }
    if let Some(d) = check_nesting_words(file, text) {
        diags.push(d);
        return (File { items }, diags);
    }
    let mut offset = 0usize;
    while offset <= text.len() {
        let rest = text.get(offset..).unwrap_or("");
        let cx = Cx {
            file,
            base: offset as u32,
            line0: text.get(..offset).unwrap_or("").matches('\n').count(),
            sub_depth: std::cell::Cell::new(0),
        };
        match Grammar::parse(Rule::file, rest) {
            Ok(pairs) => {
                cx.push_items(pairs, &mut items, &mut diags);
                break;
            }
            Err(e) => {
                let (pos, d) = cx.syntax_error(&e, rest);
                // Keep the items before the error: parse the prefix up to the start of the
                // failing item, then resume at the next item after the error.
                let item_start = last_item_start(rest, pos);
                if item_start > 0 {
                    let prefix = rest.get(..item_start).unwrap_or("");
                    if !cx.parse_items(prefix, (0, 0), &mut items, &mut diags) {
                        // (An item of the prefix is not closed: keep the others,
                        // each parsed alone; the error below names the open one.)
                        let mut starts = item_starts(prefix);
                        starts.push(prefix.len());
                        for w in starts.windows(2) {
                            if let [a, b] = *w
                                && let Some(chunk) = prefix.get(a..b)
                            {
                                let lines = prefix.get(..a).unwrap_or("").matches('\n').count();
                                cx.parse_items(chunk, (a, lines), &mut items, &mut diags);
                            }
                        }
                    }
                }
                diags.push(d);
                if diags.len() >= MAX_SYNTAX_ERRORS {
                    break;
                }
                match next_item_start(rest, pos) {
                    Some(next) => offset += next,
                    None => break,
                }
            }
        }
    }
    (File { items }, diags)
}

/// Parses a single expression (for tests, the REPL-like `explain`, and tools).
pub fn parse_expr(file: u32, text: &str) -> PResult<Expr> {
    let owned = text.to_string();
    let worker = std::thread::Builder::new()
        .name("caselint-parse".into())
        .stack_size(PARSE_STACK_BYTES)
        .spawn(move || parse_expr_here(file, &owned));
    match worker.map(|h| h.join()) {
        Ok(Ok(result)) => result,
        _ => parse_expr_here(file, text),
    }
}

fn parse_expr_here(file: u32, text: &str) -> PResult<Expr> {
    if let Some(d) = check_nesting_words(file, text) {
        return Err(d);
    }
    if let Some(d) = check_depth(file, text) {
        return Err(d);
    }
    let cx = Cx {
        file,
        base: 0,
        line0: 0,
        sub_depth: std::cell::Cell::new(0),
    };
    let mut pairs = Grammar::parse(Rule::expr, text).map_err(|e| cx.syntax_error(&e, text).1)?;
    let pair = pairs.next().ok_or_else(|| {
        Diagnostic::error(Code::Syntax, cx.span_at(0, 0), "expected an expression")
    })?;
    if pair.as_span().end() != text.len() && !text[pair.as_span().end()..].trim().is_empty() {
        let at = pair.as_span().end() as u32;
        return Err(Diagnostic::error(
            Code::Syntax,
            cx.span_at(at, at + 1),
            "unexpected text after the expression",
        ));
    }
    cx.expr(pair)
}

/// Words that start a top-level declaration.
const ITEM_WORDS: [&str; 10] = [
    "pack", "enum", "node", "edge", "pattern", "def", "table", "calendar", "rule", "view",
];

/// Byte offsets of the lines of `text` that start a top-level item (the
/// first line too, whatever it holds).
fn item_starts(text: &str) -> Vec<usize> {
    let mut out = vec![0];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if at > 0 && starts_item(line) {
            out.push(at);
        }
        at += line.len();
    }
    out
}

/// The start of the item still open at `pos`, when `pos` begins a line that
/// starts an item, or only blanks and comments follow it: an earlier item
/// line after which more `{` than `}` were written (strings and comments
/// aside). With it, whether the file ends there.
fn unclosed_before(text: &str, pos: usize) -> Option<(usize, bool)> {
    let rest = text.get(pos..)?;
    let at_end = rest.lines().all(|l| {
        let l = l.trim_start();
        l.is_empty() || l.starts_with('#')
    });
    let line_start = text.get(..pos)?.rfind('\n').map_or(0, |i| i + 1);
    if !at_end && (line_start != pos || !starts_item(rest)) {
        return None;
    }
    let opener = last_item_start(text, pos.checked_sub(1)?);
    if !starts_item(text.get(opener..)?) {
        return None;
    }
    let mut depth = 0i64;
    for line in text.get(opener..pos)?.split_inclusive('\n') {
        for c in strip_strings_and_comment(line).chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
    }
    (depth > 0).then_some((opener, at_end))
}

fn starts_item(line: &str) -> bool {
    ITEM_WORDS.iter().any(|w| {
        line.strip_prefix(w)
            .is_some_and(|rest| rest.starts_with([' ', '\t']))
    })
}

/// Byte offset of the start of the item line at or before `pos` (0 when none).
fn last_item_start(text: &str, pos: usize) -> usize {
    let mut best = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if at > pos {
            break;
        }
        if starts_item(line) {
            best = at;
        }
        at += line.len();
    }
    best
}

/// Byte offset of the first line after `pos` that starts a top-level item.
fn next_item_start(text: &str, pos: usize) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        // The declaration the error is reported at may start exactly there (an
        // unclosed `}` before it): resume at it, but always move forward.
        if (at > pos || (at == pos && at > 0)) && starts_item(line) {
            return Some(at);
        }
        at += line.len();
    }
    None
}

/// The byte offset of the string literal still open at `pos`, if any (comments skipped;
/// a `{…}` hole counts as inside its string only when balanced, which is good enough
/// to place an "unterminated string" error).
fn open_string_at(text: &str, pos: usize) -> Option<usize> {
    let mut open: Option<usize> = None;
    let mut escaped = false;
    let mut in_comment = false;
    let mut holes = 0usize;
    for (i, c) in text.char_indices() {
        if i >= pos {
            break;
        }
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        match open {
            Some(_) if escaped => escaped = false,
            Some(_) => match c {
                '\\' => escaped = true,
                '{' => holes += 1,
                '}' => holes = holes.saturating_sub(1),
                '"' if holes == 0 => open = None,
                _ => {}
            },
            None => match c {
                '"' => {
                    open = Some(i);
                    holes = 0;
                }
                '#' => in_comment = true,
                _ => {}
            },
        }
    }
    open.filter(|_| holes == 0)
}

/// The byte offset of the `{` of a text's hole still open at `pos` and not
/// closed on the rest of its line (`"{i.date was indicted"`), if any.
fn open_hole_at(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut in_string = false;
    let mut holes: Vec<usize> = vec![];
    let mut i = 0;
    while i < pos {
        let Some(&b) = bytes.get(i) else { break };
        match (in_string, b) {
            (false, b'"') => {
                in_string = true;
                holes.clear();
            }
            (false, b'#') => {
                // A comment, to the end of its line.
                i = text
                    .get(i..)
                    .and_then(|r| r.find('\n'))
                    .map_or(pos, |n| i + n);
                continue;
            }
            (true, b'\\') => i += 1,
            // `{{` and `}}` outside a hole are the braces themselves.
            (true, b'{' | b'}') if holes.is_empty() && bytes.get(i + 1) == Some(&b) => i += 1,
            (true, b'{') => holes.push(i),
            (true, b'}') => {
                holes.pop();
            }
            (true, b'"') if holes.is_empty() => in_string = false,
            _ => {}
        }
        i += 1;
    }
    let h = *holes.last()?;
    let rest = text.get(h + 1..)?.lines().next().unwrap_or_default();
    (in_string && !rest.contains('}')).then_some(h)
}

/// Rejects a declaration with more nesting keywords than the limit: each may open a
/// level of recursion in the parser that brackets do not show.
fn check_nesting_words(file: u32, text: &str) -> Option<Diagnostic> {
    const WORDS: [&str; 13] = [
        "if", "exists", "no", "every", "count", "sum", "product", "min", "max", "earliest",
        "latest", "then", "else",
    ];
    let mut count = 0usize;
    let mut at = 0usize;
    for line in text.split_inclusive('\n') {
        if starts_item(line) {
            count = 0;
        }
        let code = strip_strings_and_comment(line);
        for w in code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if WORDS.contains(&w) {
                count += 1;
                if count > MAX_NESTING_WORDS {
                    let start = at as u32;
                    return Some(
                        Diagnostic::error(
                            Code::TooDeep,
                            Span {
                                file,
                                start,
                                end: start + line.trim_end().len() as u32,
                            },
                            format!(
                                "a declaration with more than {MAX_NESTING_WORDS} nested conditions"
                            ),
                        )
                        .with_help("split it into definitions"),
                    );
                }
            }
        }
        at += line.len();
    }
    None
}

/// A line with its string literals blanked and its comment removed.
fn strip_strings_and_comment(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_str = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            out.push(' ');
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(' ');
            }
            '#' => break,
            _ => out.push(c),
        }
    }
    out
}

/// Rejects bracket nesting deeper than the limit before pest recurses into it.
fn check_depth(file: u32, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut in_comment = false;
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        if in_comment {
            if c == '\n' {
                in_comment = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '#' => in_comment = true,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    let at = i as u32;
                    return Some(
                        Diagnostic::error(
                            Code::TooDeep,
                            Span {
                                file,
                                start: at,
                                end: at + 1,
                            },
                            format!("brackets nested more than {MAX_BRACKET_DEPTH} deep"),
                        )
                        .with_help("split the expression into definitions"),
                    );
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::or_op, Assoc::Left))
            .op(Op::infix(Rule::and_op, Assoc::Left))
            .op(Op::prefix(Rule::not_op))
            .op(Op::infix(Rule::cmp_op, Assoc::Left)
                | Op::infix(Rule::in_op, Assoc::Left)
                | Op::infix(Rule::not_in_op, Assoc::Left)
                | Op::infix(Rule::contains_op, Assoc::Left)
                | Op::infix(Rule::contains_any_op, Assoc::Left))
            .op(Op::infix(Rule::otherwise_op, Assoc::Left))
            .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
            .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
            .op(Op::prefix(Rule::neg))
            .op(Op::postfix(Rule::field_access)
                | Op::postfix(Rule::is_test)
                | Op::postfix(Rule::unit))
    })
}

/// Per-parse context: the file index and the byte offset of the parsed text in the file.
struct Cx {
    file: u32,
    base: u32,
    /// The lines of the file before `base` (for line numbers in messages).
    line0: usize,
    /// The deepest expression parsed by [`Cx::expr`] since it was last reset.
    sub_depth: std::cell::Cell<u32>,
}

fn describe(rule: &Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::ident | Rule::name => "a name",
        Rule::rule_id => "a rule id such as `cn.cpl.085.detention_family_notice`",
        Rule::pack_name => "a pack name",
        Rule::string => "a string",
        Rule::text | Rule::lang_text => "a text (`\"…\"` or `zh \"…\" en \"…\"`)",
        Rule::expr => "an expression",
        Rule::date_lit => "a date such as `2024-03-01`",
        Rule::int_lit => "a whole number",
        Rule::item
        | Rule::pack_decl
        | Rule::enum_decl
        | Rule::node_decl
        | Rule::edge_decl
        | Rule::pattern_decl
        | Rule::def_decl
        | Rule::table_decl
        | Rule::calendar_decl
        | Rule::rule_decl => {
            "a declaration (`rule`, `def`, `node`, `edge`, `enum`, `table`, `pattern`, `calendar`, `pack`)"
        }
        Rule::rule_clause
        | Rule::severity_clause
        | Rule::title_clause
        | Rule::cite_clause
        | Rule::tags_clause
        | Rule::message_clause
        | Rule::in_force_clause
        | Rule::for_clause
        | Rule::let_clause
        | Rule::where_clause
        | Rule::unless_clause
        | Rule::require_clause
        | Rule::due_clause => {
            "a rule clause (`for`, `let`, `where`, `unless`, `require`, `due`, `message`, …)"
        }
        Rule::severity => "`error`, `warning` or `info`",
        Rule::field_decl => "a field declaration `name: type`",
        Rule::type_expr => "a type",
        Rule::pattern | Rule::node_pat | Rule::node_shape_binding => {
            "a pattern such as `x: event(type = hearing)`"
        }
        Rule::node_shape => "a node kind",
        Rule::field_cond | Rule::field_conds => "a field condition such as `type = hearing`",
        Rule::step | Rule::out_step | Rule::in_step => "an edge step such as `-subject-> d`",
        Rule::edge_ref => "an edge kind",
        Rule::binding | Rule::value_binding | Rule::list_binding => "a binding",
        Rule::cmp_op => "a comparison",
        Rule::infix
        | Rule::or_op
        | Rule::and_op
        | Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::in_op
        | Rule::not_in_op
        | Rule::contains_op
        | Rule::contains_any_op
        | Rule::otherwise_op => "an operator",
        Rule::postfix | Rule::field_access | Rule::is_test | Rule::unit => {
            "`.field`, `is …` or a unit"
        }
        Rule::primary | Rule::paren | Rule::call | Rule::list_lit => "a value",
        Rule::param | Rule::params => "a parameter `name: type`",
        Rule::columns => "`columns`",
        Rule::table_row => "a table `row`",
        Rule::enum_value => "an enum value",
        Rule::labels => "labels such as `(zh \"…\", en \"…\")`",
        Rule::holidays | Rule::workdays | Rule::day_span => "`holidays` or `workdays`",
        _ => "something else",
    }
}

impl Cx {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        self.span_at(s.start() as u32, s.end() as u32)
    }

    /// Parses `text` (at `at` in the text this context starts at, after
    /// `lines_before` lines of it) as a file, adding its items and their
    /// errors; `false` when it is not one.
    fn parse_items(
        &self,
        text: &str,
        (at, lines_before): (usize, usize),
        items: &mut Vec<Item>,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        let Ok(pairs) = Grammar::parse(Rule::file, text) else {
            return false;
        };
        let cx = Cx {
            file: self.file,
            base: self.base + at as u32,
            line0: self.line0 + lines_before,
            sub_depth: std::cell::Cell::new(0),
        };
        cx.push_items(pairs, items, diags);
        true
    }

    /// The items of a parsed file, and the errors of those that are not
    /// well formed.
    fn push_items(
        &self,
        mut pairs: pest::iterators::Pairs<'_, Rule>,
        items: &mut Vec<Item>,
        diags: &mut Vec<Diagnostic>,
    ) {
        for p in pairs.next().into_iter().flat_map(|fp| fp.into_inner()) {
            if not_kw(&p) && p.as_rule() != Rule::EOI {
                match self.item(p) {
                    Ok(it) => items.push(it),
                    Err(d) => diags.push(d),
                }
            }
        }
    }

    fn span_at(&self, start: u32, end: u32) -> Span {
        Span {
            file: self.file,
            start: self.base + start,
            end: self.base + end,
        }
    }

    fn syntax_error(&self, e: &pest::error::Error<Rule>, text: &str) -> (usize, Diagnostic) {
        use pest::error::{ErrorVariant, InputLocation};
        let pos = match e.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
        let end = text
            .get(pos..)
            .and_then(|r| r.chars().next())
            .map_or(pos, |c| pos + c.len_utf8());
        let found = text
            .get(pos..)
            .map(|r| {
                let tok: String = r
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(20)
                    .collect();
                if tok.is_empty() {
                    "end of file".to_string()
                } else {
                    format!("`{tok}`")
                }
            })
            .unwrap_or_else(|| "end of file".to_string());
        let expected = match &e.variant {
            ErrorVariant::ParsingError { positives, .. } => {
                let mut v: Vec<&str> = positives.iter().map(describe).collect();
                v.sort_unstable();
                v.dedup();
                v.retain(|s| *s != "something else");
                v
            }
            ErrorVariant::CustomError { .. } => vec![],
        };
        let label = if expected.is_empty() {
            "unexpected here".to_string()
        } else {
            format!("expected {}", expected.join(" or "))
        };
        // A brace inside a string ends it with an error: say so at the string.
        if matches!(
            text.get(pos..).and_then(|r| r.chars().next()),
            Some('{' | '}')
        ) && let Some(q) = open_string_at(text, pos)
        {
            let d = Diagnostic::error(
                Code::Syntax,
                self.span_at(q as u32, q as u32 + 1),
                "unterminated string",
            )
            .with_label("this string is not closed before the brace")
            .with_help(
                "close the string with `\"`; inside a text write `{{` and `}}` for literal braces",
            );
            return (pos, d);
        }
        // A text's hole without its `}`: say so at the hole.
        if let Some(h) = open_hole_at(text, pos) {
            let d = Diagnostic::error(
                Code::Syntax,
                self.span_at(h as u32, h as u32 + 1),
                "unclosed `{` in a text",
            )
            .with_label("this `{` opens a value that no `}` closes")
            .with_help("close it with `}` after the value; for a brace itself write `{{`");
            return (pos, d);
        }
        // The next declaration where the last one's clauses go: that one is
        // not closed. Say so at it.
        if let Some((opener, at_end)) = unclosed_before(text, pos) {
            let head: String = text
                .get(opener..)
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default()
                .split('{')
                .next()
                .unwrap_or_default()
                .trim()
                .chars()
                .take(60)
                .collect();
            let kw_len = head.split_whitespace().next().map_or(1, str::len);
            let line = self.line0 + text.get(..pos).map_or(0, |t| t.matches('\n').count()) + 1;
            let label = if at_end {
                "no `}` closes it before the end of the file".to_string()
            } else {
                format!("no `}}` closes it before the next declaration, line {line}")
            };
            let d = Diagnostic::error(
                Code::Syntax,
                self.span_at(opener as u32, (opener + kw_len) as u32),
                format!("`{head}` is not closed"),
            )
            .with_label(label)
            .with_help("close it with `}`");
            return (pos, d);
        }
        // A misspelt keyword where a clause or a declaration belongs.
        let word: String = text
            .get(pos..)
            .unwrap_or_default()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '_')
            .collect();
        let keywords: &[&str] = if expected.contains(&describe(&Rule::rule_clause)) {
            &[
                "severity", "title", "cite", "tags", "for", "let", "where", "unless", "in",
                "require", "due", "message",
            ]
        } else if expected.contains(&describe(&Rule::item)) {
            &[
                "rule", "def", "node", "edge", "enum", "table", "pattern", "calendar", "pack",
                "view",
            ]
        } else {
            &[]
        };
        // After a number, a misspelt unit (`5 dayz`): the plural first.
        let units: [&[&str]; 2] = if expected.contains(&describe(&Rule::unit)) {
            [
                &["hours", "days", "months", "years"],
                &["hour", "day", "month", "year"],
            ]
        } else {
            [&[], &[]]
        };
        let help = if word.is_empty() || keywords.contains(&word.as_str()) {
            None
        } else {
            crate::diag::did_you_mean(&word, keywords.iter().chain(units[0]).copied())
                .or_else(|| crate::diag::did_you_mean(&word, units[1].iter().copied()))
        };
        let d = Diagnostic::error(
            Code::Syntax,
            self.span_at(pos as u32, end as u32),
            format!("unexpected {found}"),
        )
        .with_label(label)
        .with_help_opt(help);
        (pos, d)
    }

    fn err(&self, p: &Pair<'_, Rule>, what: &str) -> Diagnostic {
        Diagnostic::error(Code::Syntax, self.span(p), format!("malformed {what}"))
    }

    fn ident(&self, p: Pair<'_, Rule>) -> Ident {
        Ident {
            span: self.span(&p),
            name: p.as_str().to_string(),
        }
    }

    fn item(&self, p: Pair<'_, Rule>) -> PResult<Item> {
        Ok(match p.as_rule() {
            Rule::pack_decl => Item::Pack(self.pack(p)?),
            Rule::enum_decl => Item::Enum(self.enum_decl(p)?),
            Rule::node_decl => Item::Node(self.node_decl(p)?),
            Rule::edge_decl => Item::Edge(self.edge_decl(p)?),
            Rule::pattern_decl => {
                let span = self.span(&p);
                let c: Vec<_> = p.into_inner().filter(not_kw).collect();
                match <[_; 2]>::try_from(c) {
                    Ok([name, shape]) => Item::Pattern(PatternDecl {
                        name: self.ident(name),
                        shape: self.node_shape(shape)?,
                        span,
                    }),
                    Err(_) => {
                        return Err(Diagnostic::error(Code::Syntax, span, "malformed pattern"));
                    }
                }
            }
            Rule::def_decl => Item::Def(self.def_decl(p)?),
            Rule::table_decl => Item::Table(self.table_decl(p)?),
            Rule::calendar_decl => Item::Calendar(self.calendar(p)?),
            Rule::rule_decl => Item::Rule(self.rule_decl(p)?),
            Rule::view_decl => Item::View(self.view_decl(p)?),
            _ => return Err(self.err(&p, "declaration")),
        })
    }

    fn pack(&self, p: Pair<'_, Rule>) -> PResult<PackDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().filter(not_kw);
        let name = inner
            .next()
            .map(|n| self.ident(n))
            .ok_or_else(|| Diagnostic::error(Code::Syntax, span, "malformed pack"))?;
        let mut pack = PackDecl {
            name,
            languages: vec![],
            default: None,
            span,
        };
        for c in inner {
            match c.as_rule() {
                Rule::languages_clause => pack
                    .languages
                    .extend(c.into_inner().filter(not_kw).map(|l| self.ident(l))),
                Rule::default_clause => {
                    pack.default = c.into_inner().find(not_kw).map(|l| self.ident(l))
                }
                _ => return Err(self.err(&c, "pack clause")),
            }
        }
        Ok(pack)
    }

    fn labels(&self, p: Pair<'_, Rule>) -> PResult<Labels> {
        p.into_inner()
            .filter(not_kw)
            .map(|lt| self.lang_text(lt))
            .collect()
    }

    fn lang_text(&self, p: Pair<'_, Rule>) -> PResult<LangText> {
        let c: Vec<_> = p.clone().into_inner().filter(not_kw).collect();
        match <[_; 2]>::try_from(c) {
            Ok([lang, s]) => Ok(LangText {
                lang: self.ident(lang),
                text: self.template(s)?,
            }),
            Err(_) => Err(self.err(&p, "text")),
        }
    }

    fn enum_value(&self, p: Pair<'_, Rule>) -> PResult<EnumValue> {
        let mut inner = p.clone().into_inner().filter(not_kw);
        let name = inner
            .next()
            .map(|n| self.ident(n))
            .ok_or_else(|| self.err(&p, "enum value"))?;
        let labels = match inner.next() {
            Some(l) => self.labels(l)?,
            None => vec![],
        };
        Ok(EnumValue { name, labels })
    }

    fn enum_decl(&self, p: Pair<'_, Rule>) -> PResult<EnumDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().filter(not_kw);
        let name = inner
            .next()
            .map(|n| self.ident(n))
            .ok_or_else(|| Diagnostic::error(Code::Syntax, span, "malformed enum"))?;
        let mut decl = EnumDecl {
            name,
            labels: vec![],
            values: vec![],
            span,
        };
        for c in inner {
            match c.as_rule() {
                Rule::labels => decl.labels = self.labels(c)?,
                Rule::enum_value => decl.values.push(self.enum_value(c)?),
                _ => return Err(self.err(&c, "enum")),
            }
        }
        Ok(decl)
    }

    fn node_decl(&self, p: Pair<'_, Rule>) -> PResult<NodeDecl> {
        let span = self.span(&p);
        let mut inner = p.into_inner().filter(not_kw);
        let name = inner
            .next()
            .map(|n| self.ident(n))
            .ok_or_else(|| Diagnostic::error(Code::Syntax, span, "malformed node declaration"))?;
        let mut decl = NodeDecl {
            name,
            exactly_one: false,
            labels: vec![],
            fields: vec![],
            span,
        };
        for c in inner {
            match c.as_rule() {
                Rule::exactly_one => decl.exactly_one = true,
                Rule::labels => decl.labels = self.labels(c)?,
                Rule::field_decl => decl.fields.push(self.field_decl(c)?),
                _ => return Err(self.err(&c, "node declaration")),
            }
        }
        Ok(decl)
    }

    fn field_decl(&self, p: Pair<'_, Rule>) -> PResult<FieldDecl> {
        let mut inner = p.clone().into_inner().filter(not_kw);
        let (Some(name), Some(ty)) = (inner.next(), inner.next()) else {
            return Err(self.err(&p, "field declaration"));
        };
        let mut decl = FieldDecl {
            name: self.ident(name),
            ty: self.type_expr(ty)?,
            required: false,
            labels: vec![],
        };
        for c in inner {
            match c.as_rule() {
                Rule::required => decl.required = true,
                Rule::labels => decl.labels = self.labels(c)?,
                _ => return Err(self.err(&c, "field declaration")),
            }
        }
        Ok(decl)
    }

    fn type_expr(&self, p: Pair<'_, Rule>) -> PResult<TypeExpr> {
        let span = self.span(&p);
        let inner = p
            .clone()
            .into_inner()
            .find(not_kw)
            .ok_or_else(|| self.err(&p, "type"))?;
        Ok(match inner.as_rule() {
            Rule::ident | Rule::type_name => TypeExpr::Named(self.ident(inner)),
            Rule::list_type => {
                let t = inner
                    .clone()
                    .into_inner()
                    .find(not_kw)
                    .ok_or_else(|| self.err(&inner, "list type"))?;
                TypeExpr::List(Box::new(self.type_expr(t)?), span)
            }
            Rule::enum_type => TypeExpr::Enum(
                inner
                    .into_inner()
                    .filter(not_kw)
                    .map(|v| self.enum_value(v))
                    .collect::<PResult<_>>()?,
                span,
            ),
            _ => return Err(self.err(&inner, "type")),
        })
    }

    fn edge_decl(&self, p: Pair<'_, Rule>) -> PResult<EdgeDecl> {
        let span = self.span(&p);
        let mut inner = p.clone().into_inner().filter(not_kw);
        let (Some(name), Some(from), Some(to)) = (inner.next(), inner.next(), inner.next()) else {
            return Err(self.err(&p, "edge declaration"));
        };
        let mut decl = EdgeDecl {
            name: self.ident(name),
            from: from
                .into_inner()
                .filter(not_kw)
                .map(|k| self.ident(k))
                .collect(),
            to: to
                .into_inner()
                .filter(not_kw)
                .map(|k| self.ident(k))
                .collect(),
            labels: vec![],
            fields: vec![],
            span,
        };
        for c in inner {
            match c.as_rule() {
                Rule::labels => decl.labels = self.labels(c)?,
                Rule::field_decl => decl.fields.push(self.field_decl(c)?),
                _ => return Err(self.err(&c, "edge declaration")),
            }
        }
        Ok(decl)
    }

    fn params(&self, p: Pair<'_, Rule>) -> PResult<Vec<Param>> {
        p.into_inner()
            .filter(not_kw)
            .map(|x| self.param(x))
            .collect()
    }

    fn param(&self, p: Pair<'_, Rule>) -> PResult<Param> {
        let c: Vec<_> = p.clone().into_inner().filter(not_kw).collect();
        match <[_; 2]>::try_from(c) {
            Ok([name, ty]) => Ok(Param {
                name: self.ident(name),
                ty: self.type_expr(ty)?,
            }),
            Err(_) => Err(self.err(&p, "parameter")),
        }
    }

    fn def_decl(&self, p: Pair<'_, Rule>) -> PResult<DefDecl> {
        let span = self.span(&p);
        let mut name = None;
        let mut params = None;
        let mut ty = None;
        let mut body = None;
        for c in p.clone().into_inner().filter(not_kw) {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::params => params = Some(self.params(c)?),
                Rule::type_expr => ty = Some(self.type_expr(c)?),
                Rule::expr => body = Some(self.expr(c)?),
                _ => return Err(self.err(&c, "definition")),
            }
        }
        match (name, body) {
            (Some(name), Some(body)) => Ok(DefDecl {
                name,
                params,
                ty,
                body,
                span,
            }),
            _ => Err(self.err(&p, "definition")),
        }
    }

    fn table_decl(&self, p: Pair<'_, Rule>) -> PResult<TableDecl> {
        let span = self.span(&p);
        let mut inner = p.clone().into_inner().filter(not_kw);
        let (Some(name), Some(keys), Some(cols)) = (inner.next(), inner.next(), inner.next())
        else {
            return Err(self.err(&p, "table"));
        };
        let mut t = TableDecl {
            name: self.ident(name),
            keys: self.params(keys)?,
            columns: cols
                .into_inner()
                .filter(not_kw)
                .map(|c| self.param(c))
                .collect::<PResult<_>>()?,
            rows: vec![],
            span,
        };
        for row in inner {
            let rspan = self.span(&row);
            let mut r = row.into_inner().filter(not_kw);
            let keys_pair = r
                .next()
                .ok_or_else(|| Diagnostic::error(Code::Syntax, rspan, "malformed row"))?;
            let keys = match keys_pair.clone().into_inner().find(not_kw) {
                Some(k) if k.as_rule() == Rule::default_key => None,
                _ => Some(
                    keys_pair
                        .into_inner()
                        .filter(not_kw)
                        .map(|e| self.expr(e))
                        .collect::<PResult<Vec<_>>>()?,
                ),
            };
            let mut in_force = None;
            let mut values = vec![];
            for c in r {
                match c.as_rule() {
                    Rule::in_force => in_force = Some(self.in_force(c)?),
                    Rule::expr => values.push(self.expr(c)?),
                    _ => return Err(self.err(&c, "row")),
                }
            }
            t.rows.push(TableRow {
                keys,
                in_force,
                values,
                span: rspan,
            });
        }
        Ok(t)
    }

    fn date_lit(&self, p: Pair<'_, Rule>) -> DateLit {
        DateLit {
            text: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn in_force(&self, p: Pair<'_, Rule>) -> PResult<InForce> {
        let span = self.span(&p);
        let mut f = InForce {
            from: None,
            until: None,
            span,
        };
        for c in p.into_inner().filter(not_kw) {
            let is_from = c.as_rule() == Rule::from_date;
            let d = c
                .clone()
                .into_inner()
                .find(not_kw)
                .map(|d| self.date_lit(d))
                .ok_or_else(|| self.err(&c, "date"))?;
            if is_from {
                f.from = Some(d)
            } else {
                f.until = Some(d)
            }
        }
        Ok(f)
    }

    fn calendar(&self, p: Pair<'_, Rule>) -> PResult<CalendarDecl> {
        let span = self.span(&p);
        let mut cal = CalendarDecl {
            holidays: vec![],
            workdays: vec![],
            span,
        };
        for c in p.into_inner().filter(not_kw) {
            let holiday = c.as_rule() == Rule::holidays;
            for ds in c.into_inner().filter(not_kw) {
                let mut d = ds.clone().into_inner().filter(not_kw);
                let from = d
                    .next()
                    .map(|x| self.date_lit(x))
                    .ok_or_else(|| self.err(&ds, "day"))?;
                let to = d.next().map(|x| self.date_lit(x));
                let span = DaySpan { from, to };
                if holiday {
                    cal.holidays.push(span)
                } else {
                    cal.workdays.push(span)
                }
            }
        }
        Ok(cal)
    }

    fn text(&self, p: Pair<'_, Rule>) -> PResult<Text> {
        let first = p
            .clone()
            .into_inner()
            .find(not_kw)
            .ok_or_else(|| self.err(&p, "text"))?;
        if first.as_rule() == Rule::string {
            return Ok(Text::Plain(self.template(first)?));
        }
        Ok(Text::Langs(
            p.into_inner()
                .filter(not_kw)
                .map(|lt| self.lang_text(lt))
                .collect::<PResult<_>>()?,
        ))
    }

    fn template(&self, p: Pair<'_, Rule>) -> PResult<Template> {
        let span = self.span(&p);
        let mut parts: Vec<TemplatePart> = vec![];
        let push_lit = |parts: &mut Vec<TemplatePart>, s: &str| {
            if let Some(TemplatePart::Lit(l)) = parts.last_mut() {
                l.push_str(s);
            } else {
                parts.push(TemplatePart::Lit(s.to_string()));
            }
        };
        for c in p.into_inner().filter(not_kw) {
            match c.as_rule() {
                Rule::tpl_text => push_lit(&mut parts, c.as_str()),
                Rule::tpl_escape => {
                    let s = match c.as_str() {
                        "\\n" => "\n",
                        "\\t" => "\t",
                        "\\\"" => "\"",
                        "\\\\" => "\\",
                        "{{" => "{",
                        "}}" => "}",
                        other => other,
                    };
                    push_lit(&mut parts, s);
                }
                Rule::tpl_hole => {
                    let e = c
                        .clone()
                        .into_inner()
                        .find(not_kw)
                        .ok_or_else(|| self.err(&c, "hole"))?;
                    parts.push(TemplatePart::Hole(self.expr(e)?));
                }
                _ => return Err(self.err(&c, "string")),
            }
        }
        Ok(Template { parts, span })
    }

    fn rule_decl(&self, p: Pair<'_, Rule>) -> PResult<RuleDecl> {
        let span = self.span(&p);
        let mut inner = p.clone().into_inner().filter(not_kw);
        let id = inner
            .next()
            .map(|i| self.ident(i))
            .ok_or_else(|| self.err(&p, "rule"))?;
        let mut rule = RuleDecl {
            id,
            part: None,
            clauses: vec![],
            span,
        };
        for c in inner {
            if c.as_rule() == Rule::rule_part {
                rule.part = c.into_inner().find(not_kw).map(|n| self.ident(n));
                continue;
            }
            rule.clauses.push(self.clause(c)?);
        }
        Ok(rule)
    }

    fn view_decl(&self, p: Pair<'_, Rule>) -> PResult<ViewDecl> {
        let span = self.span(&p);
        let mut inner = p.clone().into_inner().filter(not_kw);
        let name = inner
            .next()
            .map(|i| self.ident(i))
            .ok_or_else(|| self.err(&p, "view"))?;
        let mut view = ViewDecl {
            name,
            clauses: vec![],
            columns: vec![],
            span,
        };
        for c in inner {
            if c.as_rule() == Rule::column_clause {
                let cspan = self.span(&c);
                let kids: Vec<_> = c.clone().into_inner().filter(not_kw).collect();
                let [n, label, value] =
                    <[_; 3]>::try_from(kids).map_err(|_| self.err(&c, "column"))?;
                view.columns.push(Column {
                    name: self.ident(n),
                    label: self.text(label)?,
                    value: self.expr(value)?,
                    span: cspan,
                });
                continue;
            }
            view.clauses.push(self.clause(c)?);
        }
        Ok(view)
    }

    fn clause(&self, c: Pair<'_, Rule>) -> PResult<Clause> {
        let span = self.span(&c);
        let rule = c.as_rule();
        let kids: Vec<_> = c.clone().into_inner().filter(not_kw).collect();
        let one = |kids| self.one(&c, kids);
        Ok(match rule {
            Rule::severity_clause => {
                let s = match one(kids)?.as_str() {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    _ => Severity::Info,
                };
                Clause::Severity(s, span)
            }
            Rule::title_clause => Clause::Title(self.text(one(kids)?)?, span),
            Rule::cite_clause => Clause::Cite(self.text(one(kids)?)?, span),
            Rule::tags_clause => {
                Clause::Tags(kids.into_iter().map(|k| self.ident(k)).collect(), span)
            }
            Rule::message_clause => match <[_; 2]>::try_from(kids) {
                Ok([cond, text]) => Clause::Message(Some(self.expr(cond)?), self.text(text)?, span),
                Err(kids) => Clause::Message(None, self.text(one(kids)?)?, span),
            },
            Rule::in_force_clause => match <[_; 2]>::try_from(kids) {
                Ok([f, e]) => Clause::InForce(self.in_force(f)?, self.expr(e)?, span),
                Err(_) => return Err(self.err(&c, "`in force` clause")),
            },
            Rule::for_clause => Clause::For(
                kids.into_iter()
                    .map(|b| self.binding(b))
                    .collect::<PResult<_>>()?,
                span,
            ),
            Rule::let_clause => match <[_; 2]>::try_from(kids) {
                Ok([n, e]) => Clause::Let(self.ident(n), self.expr(e)?, span),
                Err(_) => return Err(self.err(&c, "`let` clause")),
            },
            Rule::where_clause => Clause::Where(self.expr(one(kids)?)?, span),
            Rule::unless_clause => Clause::Unless(self.expr(one(kids)?)?, span),
            Rule::require_clause => Clause::Require(self.expr(one(kids)?)?, span),
            Rule::due_clause => Clause::Due(self.expr(one(kids)?)?, span),
            _ => return Err(self.err(&c, "rule clause")),
        })
    }

    fn one<'i>(&self, c: &Pair<'i, Rule>, kids: Vec<Pair<'i, Rule>>) -> PResult<Pair<'i, Rule>> {
        <[_; 1]>::try_from(kids)
            .map(|[k]| k)
            .map_err(|_| self.err(c, "clause"))
    }

    fn binding(&self, p: Pair<'_, Rule>) -> PResult<Binding> {
        let b = p
            .clone()
            .into_inner()
            .find(not_kw)
            .ok_or_else(|| self.err(&p, "binding"))?;
        Ok(match b.as_rule() {
            Rule::pattern => Binding::Pattern(self.pattern(b)?),
            Rule::value_binding | Rule::list_binding => {
                let each = b.as_rule() == Rule::list_binding;
                let kids: Vec<_> = b.clone().into_inner().filter(not_kw).collect();
                let [n, e] = <[_; 2]>::try_from(kids).map_err(|_| self.err(&b, "binding"))?;
                let (n, e) = (self.ident(n), self.expr(e)?);
                if each {
                    Binding::Each(n, e)
                } else {
                    Binding::Value(n, e)
                }
            }
            _ => return Err(self.err(&b, "binding")),
        })
    }

    fn node_shape(&self, p: Pair<'_, Rule>) -> PResult<NodeShape> {
        let span = self.span(&p);
        let mut inner = p.clone().into_inner().filter(not_kw);
        let kind = inner
            .next()
            .map(|k| self.ident(k))
            .ok_or_else(|| self.err(&p, "node shape"))?;
        let conds = match inner.next() {
            Some(fc) => self.field_conds(fc)?,
            None => vec![],
        };
        Ok(NodeShape { kind, conds, span })
    }

    fn field_conds(&self, p: Pair<'_, Rule>) -> PResult<Vec<FieldCond>> {
        p.into_inner()
            .filter(not_kw)
            .map(|fc| {
                let kids: Vec<_> = fc.clone().into_inner().filter(not_kw).collect();
                let [field, op, value] =
                    <[_; 3]>::try_from(kids).map_err(|_| self.err(&fc, "field condition"))?;
                let op = match op.as_rule() {
                    Rule::in_kw => CondOp::In,
                    _ => CondOp::Cmp(cmp_op(op.as_str())),
                };
                Ok(FieldCond {
                    field: self.ident(field),
                    op,
                    value: self.expr(value)?,
                })
            })
            .collect()
    }

    fn node_pat(&self, p: Pair<'_, Rule>) -> PResult<NodePat> {
        let inner = p
            .clone()
            .into_inner()
            .find(not_kw)
            .ok_or_else(|| self.err(&p, "pattern"))?;
        Ok(match inner.as_rule() {
            Rule::ident => NodePat::Ref(self.ident(inner)),
            Rule::node_shape_binding => {
                let kids: Vec<_> = inner.clone().into_inner().filter(not_kw).collect();
                let [n, s] = <[_; 2]>::try_from(kids).map_err(|_| self.err(&inner, "pattern"))?;
                NodePat::Bind(self.ident(n), self.node_shape(s)?)
            }
            _ => return Err(self.err(&inner, "pattern")),
        })
    }

    fn pattern(&self, p: Pair<'_, Rule>) -> PResult<Pattern> {
        let span = self.span(&p);
        let mut inner = p.clone().into_inner().filter(not_kw);
        let start = self.node_pat(inner.next().ok_or_else(|| self.err(&p, "pattern"))?)?;
        let mut steps = vec![];
        for s in inner {
            let sspan = self.span(&s);
            let st = s
                .clone()
                .into_inner()
                .find(not_kw)
                .ok_or_else(|| self.err(&s, "step"))?;
            let outgoing = st.as_rule() == Rule::out_step;
            let kids: Vec<_> = st.clone().into_inner().filter(not_kw).collect();
            let [edge, node] = <[_; 2]>::try_from(kids).map_err(|_| self.err(&st, "step"))?;
            let mut name = None;
            let mut modifier = EdgeMod::One;
            let mut conds = vec![];
            let mut edge_var = None;
            for x in edge.into_inner().filter(not_kw) {
                match x.as_rule() {
                    Rule::edge_var => edge_var = x.into_inner().find(not_kw).map(|v| self.ident(v)),
                    Rule::name => name = Some(self.ident(x)),
                    Rule::edge_mod => {
                        modifier = if x.as_str() == "?" {
                            EdgeMod::Open
                        } else {
                            EdgeMod::Path
                        }
                    }
                    Rule::field_conds => conds = self.field_conds(x)?,
                    _ => return Err(self.err(&x, "edge")),
                }
            }
            let name = name.ok_or_else(|| self.err(&st, "edge"))?;
            steps.push(Step {
                outgoing,
                edge_var,
                edge: name,
                modifier,
                conds,
                node: self.node_pat(node)?,
                span: sspan,
            });
        }
        Ok(Pattern { start, steps, span })
    }

    /// Expressions: the Pratt parser; chained comparisons are gathered here.
    fn expr(&self, p: Pair<'_, Rule>) -> PResult<Expr> {
        let (e, d) = self.expr_d(p)?;
        self.sub_depth.set(self.sub_depth.get().max(d));
        Ok(e)
    }

    fn expr_d(&self, p: Pair<'_, Rule>) -> PResult<(Expr, u32)> {
        let depth_check = |e: Expr, d: u32| -> PResult<(Expr, u32)> {
            if d > MAX_EXPR_DEPTH {
                Err(Diagnostic::error(
                    Code::TooDeep,
                    e.span,
                    format!("expression nested more than {MAX_EXPR_DEPTH} deep"),
                )
                .with_help("split it into definitions"))
            } else {
                Ok((e, d))
            }
        };
        pratt()
            .map_primary(|prim| self.primary(prim))
            .map_prefix(|op, rhs| {
                let (rhs, d) = rhs?;
                let span = self.span(&op).to(rhs.span);
                let kind = match op.as_rule() {
                    Rule::not_op => ExprKind::Not(Box::new(rhs)),
                    _ => ExprKind::Neg(Box::new(rhs)),
                };
                depth_check(Expr { kind, span }, d + 1)
            })
            .map_postfix(|lhs, op| {
                let (lhs, d) = lhs?;
                let span = lhs.span.to(self.span(&op));
                let kind = match op.as_rule() {
                    Rule::field_access => {
                        let n = op
                            .clone()
                            .into_inner()
                            .find(not_kw)
                            .ok_or_else(|| self.err(&op, "field access"))?;
                        ExprKind::Field(Box::new(lhs), self.ident(n))
                    }
                    Rule::is_test => {
                        let negated = op
                            .clone()
                            .into_inner()
                            .filter(not_kw)
                            .any(|x| x.as_rule() == Rule::is_not);
                        let what = op
                            .clone()
                            .into_inner()
                            .filter(not_kw)
                            .find(|x| x.as_rule() == Rule::is_what)
                            .ok_or_else(|| self.err(&op, "`is` test"))?;
                        let t = match what.as_str() {
                            "absent" => IsTest::Absent,
                            "present" => IsTest::Present,
                            "true" => IsTest::True,
                            "false" => IsTest::False,
                            _ => IsTest::Value(self.ident(what)),
                        };
                        ExprKind::Is(Box::new(lhs), negated, t)
                    }
                    _ => {
                        let u = match op.as_str().trim_end_matches('s') {
                            "hour" => Unit::Hours,
                            "day" => Unit::Days,
                            "month" => Unit::Months,
                            _ => Unit::Years,
                        };
                        ExprKind::Duration(Box::new(lhs), u)
                    }
                };
                depth_check(Expr { kind, span }, d + 1)
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, dl) = lhs?;
                let (rhs, dr) = rhs?;
                let span = lhs.span.to(rhs.span);
                let d = dl.max(dr) + 1;
                let bin = |b| ExprKind::Binary(b, Box::new(lhs.clone()), Box::new(rhs.clone()));
                let kind = match op.as_rule() {
                    Rule::or_op => bin(BinOp::Or),
                    Rule::and_op => bin(BinOp::And),
                    Rule::otherwise_op => bin(BinOp::Otherwise),
                    Rule::add => bin(BinOp::Add),
                    Rule::sub => bin(BinOp::Sub),
                    Rule::mul => bin(BinOp::Mul),
                    Rule::div => bin(BinOp::Div),
                    Rule::in_op => bin(BinOp::In),
                    Rule::not_in_op => bin(BinOp::NotIn),
                    Rule::contains_op => bin(BinOp::Contains),
                    Rule::contains_any_op => bin(BinOp::ContainsAny),
                    _ => {
                        let o = cmp_op(op.as_str());
                        match lhs.kind {
                            // `a <= b <= c`: extend the chain (parenthesised comparisons are Paren, not Compare).
                            ExprKind::Compare(first, mut rest) => {
                                rest.push((o, rhs));
                                ExprKind::Compare(first, rest)
                            }
                            _ => ExprKind::Compare(Box::new(lhs), vec![(o, rhs)]),
                        }
                    }
                };
                depth_check(Expr { kind, span }, d)
            })
            .parse(p.into_inner())
    }

    /// The expression inside a `where_part` or `satisfies_part`.
    fn opt_where(&self, p: Option<Pair<'_, Rule>>) -> PResult<Option<Box<Expr>>> {
        match p {
            None => Ok(None),
            Some(part) => {
                let e = part
                    .clone()
                    .into_inner()
                    .find(not_kw)
                    .ok_or_else(|| self.err(&part, "condition"))?;
                self.expr(e).map(|e| Some(Box::new(e)))
            }
        }
    }

    fn primary(&self, p: Pair<'_, Rule>) -> PResult<(Expr, u32)> {
        // Quantifiers and aggregates hold whole expressions: their depth is one more
        // than the deepest expression inside them.
        if matches!(
            p.as_rule(),
            Rule::quantifier | Rule::aggregate | Rule::order_pick
        ) {
            let saved = self.sub_depth.replace(0);
            let r = self.primary_inner(p);
            let inner = self.sub_depth.get();
            self.sub_depth.set(saved);
            let (e, _) = r?;
            let d = inner + 1;
            if d > MAX_EXPR_DEPTH {
                return Err(Diagnostic::error(
                    Code::TooDeep,
                    e.span,
                    format!("expression nested more than {MAX_EXPR_DEPTH} deep"),
                )
                .with_help("split it into definitions"));
            }
            return Ok((e, d));
        }
        self.primary_inner(p)
    }

    fn primary_inner(&self, p: Pair<'_, Rule>) -> PResult<(Expr, u32)> {
        let span = self.span(&p);
        let mk = |kind| Ok((Expr { kind, span }, 1));
        match p.as_rule() {
            Rule::int_lit => match p.as_str().parse::<i64>() {
                Ok(n) => mk(ExprKind::Int(n)),
                Err(_) => Err(Diagnostic::error(
                    Code::BadLiteral,
                    span,
                    format!("`{}` is too large for a whole number", p.as_str()),
                )),
            },
            Rule::decimal_lit => mk(ExprKind::Decimal(p.as_str().to_string())),
            Rule::date_lit => mk(ExprKind::Date(p.as_str().to_string())),
            Rule::time_lit => mk(ExprKind::Time(p.as_str().to_string())),
            Rule::bool_lit => mk(ExprKind::Bool(p.as_str() == "true")),
            Rule::string => mk(ExprKind::Str(self.template(p)?)),
            Rule::ident => mk(ExprKind::Name(self.ident(p))),
            Rule::paren => {
                let inner = p
                    .clone()
                    .into_inner()
                    .find(not_kw)
                    .ok_or_else(|| self.err(&p, "parenthesis"))?;
                let (e, d) = self.expr_d(inner)?;
                Ok((
                    Expr {
                        kind: ExprKind::Paren(Box::new(e)),
                        span,
                    },
                    d + 1,
                ))
            }
            Rule::list_lit => {
                let mut d = 0;
                let mut items = vec![];
                for x in p.into_inner().filter(not_kw) {
                    let (e, de) = self.expr_d(x)?;
                    d = d.max(de);
                    items.push(e);
                }
                Ok((
                    Expr {
                        kind: ExprKind::List(items),
                        span,
                    },
                    d + 1,
                ))
            }
            Rule::call => {
                let mut inner = p.clone().into_inner().filter(not_kw);
                let name = inner
                    .next()
                    .map(|n| self.ident(n))
                    .ok_or_else(|| self.err(&p, "call"))?;
                let mut d = 0;
                let mut args = vec![];
                for x in inner {
                    let (e, de) = self.expr_d(x)?;
                    d = d.max(de);
                    args.push(e);
                }
                Ok((
                    Expr {
                        kind: ExprKind::Call(name, args),
                        span,
                    },
                    d + 1,
                ))
            }
            Rule::if_expr => {
                let kids: Vec<_> = p.clone().into_inner().filter(not_kw).collect();
                let [c, a, b] = <[_; 3]>::try_from(kids).map_err(|_| self.err(&p, "`if`"))?;
                let (c, d1) = self.expr_d(c)?;
                let (a, d2) = self.expr_d(a)?;
                let (b, d3) = self.expr_d(b)?;
                Ok((
                    Expr {
                        kind: ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
                        span,
                    },
                    d1.max(d2).max(d3) + 1,
                ))
            }
            Rule::quantifier => {
                let mut inner = p.clone().into_inner().filter(not_kw);
                let q = match inner.next().map(|k| k.as_str().to_string()).as_deref() {
                    Some("exists") => Quant::Exists,
                    Some("no") => Quant::No,
                    _ => Quant::Every,
                };
                let pattern =
                    self.pattern(inner.next().ok_or_else(|| self.err(&p, "quantifier"))?)?;
                let mut filter = None;
                let mut body = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::where_part => filter = self.opt_where(Some(part))?,
                        _ => body = self.opt_where(Some(part))?,
                    }
                }
                mk(ExprKind::Quant {
                    quant: q,
                    pattern,
                    filter,
                    body,
                })
            }
            Rule::aggregate => {
                let a = p
                    .clone()
                    .into_inner()
                    .find(not_kw)
                    .ok_or_else(|| self.err(&p, "aggregate"))?;
                let mut inner = a.clone().into_inner().filter(not_kw);
                if a.as_rule() == Rule::count_agg {
                    let pattern =
                        self.pattern(inner.next().ok_or_else(|| self.err(&a, "count"))?)?;
                    let filter = self.opt_where(inner.next())?;
                    return mk(ExprKind::Agg {
                        agg: Agg::Count,
                        value: None,
                        pattern,
                        filter,
                    });
                }
                let agg = match inner.next().map(|k| k.as_str().to_string()).as_deref() {
                    Some("sum") => Agg::Sum,
                    Some("product") => Agg::Product,
                    Some("min") => Agg::Min,
                    _ => Agg::Max,
                };
                let value = self.expr(inner.next().ok_or_else(|| self.err(&a, "aggregate"))?)?;
                let pattern =
                    self.pattern(inner.next().ok_or_else(|| self.err(&a, "aggregate"))?)?;
                let filter = self.opt_where(inner.next())?;
                mk(ExprKind::Agg {
                    agg,
                    value: Some(Box::new(value)),
                    pattern,
                    filter,
                })
            }
            Rule::order_pick => {
                let mut inner = p.clone().into_inner().filter(not_kw);
                let agg = match inner.next().map(|k| k.as_str().to_string()).as_deref() {
                    Some("earliest") => Agg::Earliest,
                    _ => Agg::Latest,
                };
                let pattern =
                    self.pattern(inner.next().ok_or_else(|| self.err(&p, "`earliest`"))?)?;
                let filter = self.opt_where(inner.next())?;
                mk(ExprKind::Agg {
                    agg,
                    value: None,
                    pattern,
                    filter,
                })
            }
            _ => Err(self.err(&p, "expression")),
        }
    }
}

fn cmp_op(s: &str) -> CmpOp {
    match s {
        "=" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

/// Keyword tokens carry no data: every child list skips them.
fn not_kw(p: &Pair<'_, Rule>) -> bool {
    !matches!(
        p.as_rule(),
        Rule::kw_is
            | Rule::kw_if
            | Rule::kw_then
            | Rule::kw_else
            | Rule::kw_where
            | Rule::kw_satisfies
            | Rule::kw_count
            | Rule::kw_for
    )
}
