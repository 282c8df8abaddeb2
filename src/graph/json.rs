//! Text to JSON tree: a strict RFC 8259 parser that keeps byte offsets and
//! the source text of numbers.
//!
//! Why our own parser and not a crate: the loader needs (1) the byte offset of
//! every value and key, for line/column in errors; (2) the source text of
//! numbers, so that decimals are parsed exactly and never pass through `f64`;
//! (3) a nesting limit that returns an error instead of overflowing the stack.
//! `serde_json::Value` keeps no positions (and `arbitrary_precision` changes
//! number handling crate-wide, which other modules would see); the spanned
//! alternatives on crates.io (`json-spanned-value`, `spanned_json_parser`)
//! are small, little maintained, and give no depth limit or number text;
//! `jsonc-parser` accepts comments and trailing commas, which the case format
//! forbids. A strict recursive-descent parser is ~400 lines, borrows strings
//! without escapes straight from the input, and is fuzzed by the proptests.

use std::borrow::Cow;

use super::error::LoadErrorKind;

/// A parsed JSON text: the root value, and the members and elements of
/// every object and array in two flat tables that the values' [`Span`]s
/// index (no allocation per object or array).
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    pub(crate) root: Json<'a>,
    members: Vec<Member<'a>>,
    items: Vec<Json<'a>>,
}

impl<'a> Doc<'a> {
    /// The members of an object, in input order.
    pub(crate) fn members(&self, s: Span) -> &[Member<'a>] {
        self.members.get(s.start..s.end).unwrap_or_default()
    }

    /// The elements of an array.
    pub(crate) fn items(&self, s: Span) -> &[Json<'a>] {
        self.items.get(s.start..s.end).unwrap_or_default()
    }
}

/// Where an object's members or an array's elements are in their [`Doc`]
/// table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

impl Span {
    const EMPTY: Span = Span { start: 0, end: 0 };

    /// The number of members or elements.
    pub(crate) fn len(self) -> usize {
        self.end - self.start
    }
}

/// A JSON value and the byte offset where it starts.
#[derive(Debug)]
pub(crate) struct Json<'a> {
    /// Byte offset of the value's first byte.
    pub(crate) at: usize,
    /// The value.
    pub(crate) kind: Kind<'a>,
}

/// The JSON value kinds.
#[derive(Debug)]
pub(crate) enum Kind<'a> {
    Null,
    Bool(bool),
    /// The number's source text, checked against the RFC 8259 grammar.
    Number(&'a str),
    String(Cow<'a, str>),
    /// Elements, in [`Doc::items`].
    Array(Span),
    /// Members in input order, in [`Doc::members`]; duplicate keys are kept
    /// (the loader reports them).
    Object(Span),
}

/// One `"key": value` member of an object.
#[derive(Debug)]
pub(crate) struct Member<'a> {
    pub(crate) key: Cow<'a, str>,
    /// Byte offset of the key's opening quote.
    pub(crate) key_at: usize,
    pub(crate) value: Json<'a>,
}

/// A syntax error or a too-deep nesting, at a byte offset.
#[derive(Debug)]
pub(crate) struct ParseError {
    /// [`LoadErrorKind::Syntax`] or [`LoadErrorKind::TooDeep`].
    pub(crate) kind: LoadErrorKind,
    pub(crate) offset: usize,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    /// The path to the value being parsed, innermost segment first (each
    /// enclosing array or object adds its segment as the error goes up).
    segments: Vec<Segment>,
}

#[derive(Debug)]
enum Segment {
    Index(usize),
    Key(String),
}

/// Results inside the parser: the error is boxed, so that the `Ok` path
/// (taken for every value) moves a small `Result`.
type PResult<T> = Result<T, Box<ParseError>>;

impl ParseError {
    fn within(mut self: Box<Self>, s: Segment) -> Box<ParseError> {
        self.segments.push(s);
        self
    }

    /// The JSON path of the value being parsed when the error occurred,
    /// like `nodes[3].name`; empty at the root.
    pub(crate) fn path(&self) -> String {
        let mut p = String::new();
        for s in self.segments.iter().rev() {
            match s {
                Segment::Index(i) => {
                    p.push('[');
                    p.push_str(&i.to_string());
                    p.push(']');
                }
                Segment::Key(k) => super::resolve::push_key(&mut p, k),
            }
        }
        p
    }
}

/// Parses one JSON text. A leading UTF-8 byte order mark is skipped (RFC
/// 8259 §8.1 allows a parser to ignore it).
pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Doc<'_>, Box<ParseError>> {
    let mut p = Parser::new(text, max_depth);
    if p.bytes.starts_with("\u{feff}".as_bytes()) {
        p.pos = 3;
    }
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error(
            p.pos,
            format!(
                "expected the end of the input after the JSON value, found `{}`",
                p.token_at(p.pos)
            ),
            None,
        ));
    }
    Ok(Doc {
        root: value,
        members: p.done_members,
        items: p.done_items,
    })
}

/// Whether `s` is exactly one JSON number (RFC 8259 §6 grammar).
pub(crate) fn is_number(s: &str) -> bool {
    let mut p = Parser::new(s, 0);
    p.number().is_ok() && p.pos == s.len()
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
    /// Members of the objects being parsed, innermost last: an object
    /// collects its members here and moves them to `done_members` when it
    /// closes, so that each object's members end up contiguous.
    members: Vec<Member<'a>>,
    /// The same for the elements of the arrays being parsed.
    items: Vec<Json<'a>>,
    /// The members of the closed objects: [`Doc::members`].
    done_members: Vec<Member<'a>>,
    /// The elements of the closed arrays: [`Doc::items`].
    done_items: Vec<Json<'a>>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, max_depth: usize) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            max_depth,
            members: Vec::new(),
            items: Vec::new(),
            done_members: Vec::new(),
            done_items: Vec::new(),
        }
    }

    fn error(&self, offset: usize, message: String, help: Option<String>) -> Box<ParseError> {
        Box::new(ParseError {
            kind: LoadErrorKind::Syntax,
            offset,
            message,
            help,
            segments: Vec::new(),
        })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// A short excerpt of the input at `at` for messages: the next token,
    /// at most 16 characters.
    fn token_at(&self, at: usize) -> String {
        let rest = self.text.get(at..).unwrap_or_default();
        let mut out = String::new();
        for (i, c) in rest.chars().enumerate() {
            if i >= 16 {
                out.push('…');
                break;
            }
            if i > 0 && (c.is_whitespace() || ",:[]{}\"".contains(c)) {
                break;
            }
            out.extend(c.escape_debug());
        }
        out
    }

    fn found(&self, at: usize) -> String {
        if at >= self.bytes.len() {
            "the end of the input".to_owned()
        } else {
            format!("`{}`", self.token_at(at))
        }
    }

    fn value(&mut self, depth: usize) -> PResult<Json<'a>> {
        self.skip_ws();
        let at = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth + 1)?,
            Some(b'[') => self.array(depth + 1)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            _ => {
                let help = match self.peek() {
                    Some(b'\'') => Some("JSON strings use double quotes".to_owned()),
                    Some(b'/') => Some("JSON has no comments".to_owned()),
                    Some(b'+' | b'.') => Some(
                        "a JSON number starts with `-` or a digit, and has a digit before `.`"
                            .to_owned(),
                    ),
                    _ => None,
                };
                return Err(self.error(
                    at,
                    format!("expected a JSON value, found {}", self.found(at)),
                    help,
                ));
            }
        };
        Ok(Json { at, kind })
    }

    fn enter(&self, depth: usize) -> PResult<()> {
        if depth > self.max_depth {
            return Err(Box::new(ParseError {
                kind: LoadErrorKind::TooDeep,
                offset: self.pos,
                message: format!(
                    "expected at most {} levels of nested arrays and objects, found more",
                    self.max_depth
                ),
                help: None,
                segments: Vec::new(),
            }));
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static str, kind: Kind<'a>) -> PResult<Kind<'a>> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(kind)
        } else {
            Err(self.error(
                self.pos,
                format!("expected a JSON value, found {}", self.found(self.pos)),
                Some(format!("did you mean `{word}`?")),
            ))
        }
    }

    fn object(&mut self, depth: usize) -> PResult<Kind<'a>> {
        self.enter(depth)?;
        let open = self.pos;
        self.pos += 1; // `{`
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Kind::Object(Span::EMPTY));
        }
        // This object's members are `self.members[base..]`. On an error the
        // stack is left as is: the parse ends there.
        let base = self.members.len();
        loop {
            self.skip_ws();
            let key_at = self.pos;
            if self.peek() != Some(b'"') {
                let (message, help) = if self.members.len() == base {
                    (
                        format!(
                            "expected a string key or `}}`, found {}",
                            self.found(key_at)
                        ),
                        None,
                    )
                } else if self.peek() == Some(b'}') {
                    (
                        "expected a string key after `,`, found `}`".to_owned(),
                        Some("remove the trailing comma".to_owned()),
                    )
                } else {
                    (
                        format!("expected a string key, found {}", self.found(key_at)),
                        None,
                    )
                };
                return Err(self.error(key_at, message, help));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error(
                    self.pos,
                    format!("expected `:` after the key, found {}", self.found(self.pos)),
                    None,
                ));
            }
            self.pos += 1;
            let value = self
                .value(depth)
                .map_err(|e| e.within(Segment::Key(key.clone().into_owned())))?;
            self.members.push(Member { key, key_at, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    let start = self.done_members.len();
                    self.done_members.extend(self.members.drain(base..));
                    let end = self.done_members.len();
                    return Ok(Kind::Object(Span { start, end }));
                }
                None => {
                    return Err(self.error(
                        open,
                        "expected `}` to close this object, found the end of the input".to_owned(),
                        None,
                    ));
                }
                Some(_) => {
                    return Err(self.error(
                        self.pos,
                        format!(
                            "expected `,` or `}}` after an object member, found {}",
                            self.found(self.pos)
                        ),
                        None,
                    ));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> PResult<Kind<'a>> {
        self.enter(depth)?;
        let open = self.pos;
        self.pos += 1; // `[`
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Kind::Array(Span::EMPTY));
        }
        // This array's elements are `self.items[base..]` (as for objects).
        let base = self.items.len();
        loop {
            self.skip_ws();
            let index = self.items.len() - base;
            if self.peek() == Some(b']') && index > 0 {
                return Err(self.error(
                    self.pos,
                    "expected a JSON value after `,`, found `]`".to_owned(),
                    Some("remove the trailing comma".to_owned()),
                ));
            }
            let item = self
                .value(depth)
                .map_err(|e| e.within(Segment::Index(index)))?;
            self.items.push(item);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    let start = self.done_items.len();
                    self.done_items.extend(self.items.drain(base..));
                    let end = self.done_items.len();
                    return Ok(Kind::Array(Span { start, end }));
                }
                None => {
                    return Err(self.error(
                        open,
                        "expected `]` to close this array, found the end of the input".to_owned(),
                        None,
                    ));
                }
                Some(_) => {
                    return Err(self.error(
                        self.pos,
                        format!(
                            "expected `,` or `]` after an array element, found {}",
                            self.found(self.pos)
                        ),
                        None,
                    ));
                }
            }
        }
    }

    /// A string, the parser at its opening quote. Borrowed from the input
    /// when it has no escapes.
    fn string(&mut self) -> PResult<Cow<'a, str>> {
        let open = self.pos;
        let start = open + 1; // after `"`
        // Fast path: no escapes.
        let end = self.plain_end(start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(Cow::Borrowed(self.text.get(start..end).unwrap_or_default()));
        }
        self.pos = end;
        self.escaped_string(open, start)
    }

    /// The rest of a string that has an escape (or an error), the parser at
    /// the first byte that is not plain; `start` is after the opening quote.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self, open: usize, start: usize) -> PResult<Cow<'a, str>> {
        match self.peek() {
            Some(b'\\') => {}
            Some(b) => return Err(self.control_char(b)),
            None => return Err(self.unterminated(open)),
        }
        let mut out = String::from(self.text.get(start..self.pos).unwrap_or_default());
        loop {
            let run = self.pos;
            self.pos = self.plain_end(run);
            out.push_str(self.text.get(run..self.pos).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(b) => return Err(self.control_char(b)),
                None => return Err(self.unterminated(open)),
            }
        }
    }

    /// The offset of the first byte from `at` on that needs attention in a
    /// string: a `"`, `\\`, control character, or the end of the input.
    fn plain_end(&self, mut at: usize) -> usize {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // Eight bytes at a time: `(x - ONES) & !x & HIGH` marks the bytes of
        // `x` that are zero (and `(w - n * ONES) & !w & HIGH` those below
        // `n`), exactly up to the first one, which is all we need: the
        // lowest marked byte is the first `"`, `\\` or control character.
        while let Some(chunk) = self.bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
            let w = u64::from_le_bytes(*chunk);
            let quote = w ^ (ONES * u64::from(b'"'));
            let backslash = w ^ (ONES * u64::from(b'\\'));
            let marks = ((quote.wrapping_sub(ONES) & !quote)
                | (backslash.wrapping_sub(ONES) & !backslash)
                | (w.wrapping_sub(ONES * 0x20) & !w))
                & HIGH;
            if marks != 0 {
                return at + (marks.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        while let Some(&b) = self.bytes.get(at) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            at += 1;
        }
        at
    }

    fn unterminated(&self, open: usize) -> Box<ParseError> {
        self.error(
            open,
            "expected `\"` to close this string, found the end of the input".to_owned(),
            None,
        )
    }

    fn control_char(&self, b: u8) -> Box<ParseError> {
        self.error(
            self.pos,
            format!("expected a string character, found the control character U+{b:04X}"),
            Some(match b {
                b'\n' => "write a line break in a string as `\\n`".to_owned(),
                b'\t' => "write a tab in a string as `\\t`".to_owned(),
                _ => format!("write it as `\\u{b:04x}`"),
            }),
        )
    }

    /// One escape sequence, the parser at its backslash.
    fn escape(&mut self) -> PResult<char> {
        let at = self.pos;
        self.pos += 1; // `\`
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let hi = self.hex4(at)?;
                return self.surrogates(at, hi);
            }
            _ => {
                return Err(self.error(
                    at,
                    format!("expected a string escape, found {}", self.found(at)),
                    Some(
                        "the escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`"
                            .to_owned(),
                    ),
                ));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    fn surrogates(&mut self, at: usize, hi: u32) -> PResult<char> {
        let lone = |p: &Self| {
            p.error(
                at,
                format!("expected a Unicode scalar value, found the lone surrogate `\\u{hi:04x}`"),
                None,
            )
        };
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u".as_slice()) {
                return Err(lone(self));
            }
            self.pos += 2;
            let lo = self.hex4(at)?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(lone(self));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| lone(self))
    }

    fn hex4(&mut self, at: usize) -> PResult<u32> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => {
                    return Err(self.error(
                        at,
                        format!(
                            "expected four hex digits after `\\u`, found {}",
                            self.found(self.pos)
                        ),
                        None,
                    ));
                }
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A number, returned as its source text.
    fn number(&mut self) -> PResult<&'a str> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_at = self.pos;
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error(
                        int_at,
                        format!("expected a JSON number, found {}", self.found(start)),
                        Some("JSON numbers have no leading zeros".to_owned()),
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => {
                return Err(self.error(
                    start,
                    format!("expected a digit after `-`, found {}", self.found(self.pos)),
                    None,
                ));
            }
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error(
                    start,
                    format!(
                        "expected a digit after the decimal point, found {}",
                        self.found(self.pos)
                    ),
                    None,
                ));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error(
                    start,
                    format!(
                        "expected a digit in the exponent, found {}",
                        self.found(self.pos)
                    ),
                    None,
                ));
            }
        }
        Ok(self.text.get(start..self.pos).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Json<'_> {
        parse(s, 128).unwrap().root
    }

    fn err(s: &str) -> ParseError {
        *parse(s, 128).unwrap_err()
    }

    #[test]
    fn parses_values_with_offsets() {
        let doc = parse(
            r#" {"a": [1, -2.5e3, "x\u00e9\ud83d\ude00", true, null], "b": {}} "#,
            128,
        )
        .unwrap();
        let j = &doc.root;
        let Kind::Object(m) = j.kind else { panic!() };
        let m = doc.members(m);
        assert_eq!(m.len(), 2);
        assert_eq!(j.at, 1);
        assert_eq!(m[0].key, "a");
        assert_eq!(m[0].key_at, 2);
        assert_eq!(m[1].key, "b");
        assert!(matches!(m[1].value.kind, Kind::Object(s) if s.len() == 0));
        let Kind::Array(items) = m[0].value.kind else {
            panic!()
        };
        let items = doc.items(items);
        assert_eq!(items.len(), 5);
        assert!(matches!(items[0].kind, Kind::Number("1")));
        assert!(matches!(items[1].kind, Kind::Number("-2.5e3")));
        let Kind::String(s) = &items[2].kind else {
            panic!()
        };
        assert_eq!(s, "xé😀");
        assert!(matches!(items[3].kind, Kind::Bool(true)));
        assert!(matches!(items[4].kind, Kind::Null));
        assert_eq!(items[1].at, 11);
    }

    #[test]
    fn nested_containers_keep_their_members() {
        let doc = parse(r#"{"a": [[1, 2], {"b": [3], "c": {}}, []], "d": [4]}"#, 128).unwrap();
        let Kind::Object(top) = doc.root.kind else {
            panic!()
        };
        let top = doc.members(top);
        let keys: Vec<&str> = top.iter().map(|m| &*m.key).collect();
        assert_eq!(keys, ["a", "d"]);
        let Kind::Array(a) = top[0].value.kind else {
            panic!()
        };
        let a = doc.items(a);
        assert_eq!(a.len(), 3);
        let Kind::Array(pair) = a[0].kind else {
            panic!()
        };
        let pair = doc.items(pair);
        assert!(matches!(pair[0].kind, Kind::Number("1")));
        assert!(matches!(pair[1].kind, Kind::Number("2")));
        let Kind::Object(bc) = a[1].kind else {
            panic!()
        };
        let bc = doc.members(bc);
        assert_eq!(bc[0].key, "b");
        assert_eq!(bc[1].key, "c");
        let Kind::Array(three) = bc[0].value.kind else {
            panic!()
        };
        assert!(matches!(doc.items(three)[0].kind, Kind::Number("3")));
        assert!(matches!(a[2].kind, Kind::Array(s) if doc.items(s).is_empty()));
        let Kind::Array(d) = top[1].value.kind else {
            panic!()
        };
        assert!(matches!(doc.items(d)[0].kind, Kind::Number("4")));
    }

    #[test]
    fn borrows_plain_strings() {
        let j = ok(r#""张三""#);
        assert!(matches!(j.kind, Kind::String(Cow::Borrowed("张三"))));
    }

    #[test]
    fn rejects_what_rfc_8259_rejects() {
        for bad in [
            "",
            "{",
            "[1,]",
            r#"{"a":1,}"#,
            "01",
            "1.",
            ".5",
            "+1",
            "-",
            "1e",
            "tru",
            "nul",
            "'a'",
            "\"a\nb\"",
            r#""\x""#,
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\u12""#,
            "[1 2]",
            r#"{"a" 1}"#,
            r#"{1: 2}"#,
            "1 2",
            "/* c */ 1",
            "NaN",
            "Infinity",
            "\"abc",
        ] {
            let e = err(bad);
            assert_eq!(e.kind, LoadErrorKind::Syntax, "{bad:?}");
        }
    }

    #[test]
    fn error_offsets() {
        assert_eq!(err("[1,]").offset, 3);
        assert_eq!(err(r#"{"a": tru}"#).offset, 6);
        assert_eq!(err("[1 2]").offset, 3);
        assert_eq!(err("  \"abc").offset, 2);
    }

    #[test]
    fn depth_limit_is_an_error() {
        let deep = "[".repeat(129) + &"]".repeat(129);
        assert_eq!(parse(&deep, 128).unwrap_err().kind, LoadErrorKind::TooDeep);
        let fine = "[".repeat(128) + &"]".repeat(128);
        assert!(parse(&fine, 128).is_ok());
        // Far beyond the limit: no stack overflow.
        let huge = "[".repeat(1_000_000);
        assert_eq!(parse(&huge, 128).unwrap_err().kind, LoadErrorKind::TooDeep);
    }

    #[test]
    fn number_grammar() {
        for good in ["0", "-0", "12", "1.5", "1e5", "1E+5", "-1.25e-3"] {
            assert!(is_number(good), "{good}");
        }
        for bad in ["", "00", "1.", "1e", "+1", " 1", "1 ", "0x1", "1,5"] {
            assert!(!is_number(bad), "{bad}");
        }
    }

    #[test]
    fn string_scan_stops_at_the_first_special_byte() {
        // Every special byte at every position of strings longer and
        // shorter than the eight-byte steps, after ASCII and UTF-8 text.
        for fill in ["a", "é", "\u{7f}", " "] {
            for len in 0..20 {
                let body: String = fill.repeat(len);
                let text = format!("\"{body}\"");
                assert!(matches!(&ok(&text).kind, Kind::String(s) if *s == body));
                let text = format!("\"{body}\\n{body}\"");
                let want = format!("{body}\n{body}");
                assert!(matches!(&ok(&text).kind, Kind::String(s) if *s == want));
                for bad in ['\u{0}', '\u{1f}', '\n'] {
                    let e = err(&format!("\"{body}{bad}{body}\""));
                    assert_eq!(e.offset, 1 + body.len(), "{fill:?} {len} {bad:?}");
                }
            }
        }
    }

    #[test]
    fn bom_is_skipped() {
        assert!(parse("\u{feff}{}", 128).is_ok());
    }
}
