//! The layout engine of the formatter: documents with groups that are laid
//! out flat when they fit the line and broken otherwise (Wadler's "prettier
//! printer", as in Prettier: `group`, `fill`, `align`, line suffixes).

/// A document to lay out.
#[derive(Clone, Debug)]
pub(super) enum Doc {
    /// Text without line breaks.
    Text(String),
    /// A space when flat, a line break when broken.
    Line,
    /// Nothing when flat, a line break when broken.
    SoftLine,
    /// Always a line break; the groups around it are broken.
    HardLine,
    /// Documents one after the other.
    Concat(Vec<Doc>),
    /// Line breaks inside are indented this much more.
    Nest(usize, Box<Doc>),
    /// Line breaks inside are indented to the column where this starts.
    Align(Box<Doc>),
    /// Laid out flat when it fits, broken otherwise. `hard`: it holds a hard line.
    Group { doc: Box<Doc>, hard: bool },
    /// `content, separator, content, …`: as many contents per line as fit.
    Fill(Vec<Doc>),
    /// A trailing comment: printed as is, but never counted when measuring,
    /// so that a comment does not change the layout of the code before it.
    Suffix(String),
}

/// Text.
pub(super) fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

/// Documents one after the other.
pub(super) fn cat(docs: Vec<Doc>) -> Doc {
    Doc::Concat(docs)
}

/// Indents line breaks inside `d` by `n` more columns.
pub(super) fn nest(n: usize, d: Doc) -> Doc {
    Doc::Nest(n, Box::new(d))
}

/// Indents line breaks inside `d` to the current column.
pub(super) fn align(d: Doc) -> Doc {
    Doc::Align(Box::new(d))
}

/// Flat if it fits, broken otherwise.
pub(super) fn group(d: Doc) -> Doc {
    let hard = has_hard_line(&d);
    Doc::Group {
        doc: Box::new(d),
        hard,
    }
}

/// `docs` separated by `sep`.
pub(super) fn join(docs: Vec<Doc>, sep: &Doc) -> Doc {
    let mut out = Vec::with_capacity(docs.len() * 2);
    for (i, d) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push(sep.clone());
        }
        out.push(d);
    }
    Doc::Concat(out)
}

fn has_hard_line(d: &Doc) -> bool {
    match d {
        Doc::HardLine => true,
        Doc::Text(_) | Doc::Line | Doc::SoftLine | Doc::Suffix(_) => false,
        Doc::Concat(v) | Doc::Fill(v) => v.iter().any(has_hard_line),
        Doc::Nest(_, d) | Doc::Align(d) => has_hard_line(d),
        Doc::Group { hard, .. } => *hard,
    }
}

/// Columns a text takes on a terminal: CJK ideographs and full-width forms take two.
pub(super) fn text_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// What is left to print: a document, or the rest of a `fill` from an index.
#[derive(Clone, Copy)]
enum Item<'a> {
    Doc(&'a Doc),
    FillFrom(&'a [Doc], usize),
}

type Cmd<'a> = (usize, Mode, Item<'a>);

/// Lays `doc` out in lines of at most `width` columns where it can.
/// Lines carry no trailing spaces; the result ends without a line break.
pub(super) fn render(doc: &Doc, width: usize) -> String {
    let mut p = Printer {
        out: String::new(),
        col: 0,
        width,
    };
    let mut stack: Vec<Cmd<'_>> = vec![(0, Mode::Break, Item::Doc(doc))];
    while let Some((ind, mode, item)) = stack.pop() {
        match item {
            Item::Doc(d) => p.doc(ind, mode, d, &mut stack),
            Item::FillFrom(parts, i) => p.fill_from(ind, parts, i, &mut stack),
        }
    }
    let end = p.out.trim_end().len();
    p.out.truncate(end);
    p.out
}

struct Printer {
    out: String,
    col: usize,
    width: usize,
}

impl Printer {
    fn doc<'a>(&mut self, ind: usize, mode: Mode, d: &'a Doc, stack: &mut Vec<Cmd<'a>>) {
        match d {
            Doc::Text(s) | Doc::Suffix(s) => {
                self.out.push_str(s);
                self.col += text_width(s);
            }
            Doc::Line => match mode {
                Mode::Flat => {
                    self.out.push(' ');
                    self.col += 1;
                }
                Mode::Break => self.newline(ind),
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    self.newline(ind);
                }
            }
            Doc::HardLine => self.newline(ind),
            Doc::Concat(v) => {
                for x in v.iter().rev() {
                    stack.push((ind, mode, Item::Doc(x)));
                }
            }
            Doc::Nest(n, x) => stack.push((ind + n, mode, Item::Doc(x))),
            Doc::Align(x) => stack.push((self.col, mode, Item::Doc(x))),
            Doc::Group { doc, hard } => {
                let m = if *hard {
                    Mode::Break
                } else if mode == Mode::Flat
                    || self.fits(&[(ind, Mode::Flat, Item::Doc(doc))], stack)
                {
                    Mode::Flat
                } else {
                    Mode::Break
                };
                stack.push((ind, m, Item::Doc(doc)));
            }
            Doc::Fill(parts) => match mode {
                Mode::Flat => {
                    for x in parts.iter().rev() {
                        stack.push((ind, Mode::Flat, Item::Doc(x)));
                    }
                }
                Mode::Break => stack.push((ind, Mode::Break, Item::FillFrom(parts, 0))),
            },
        }
    }

    /// Prettier's `fill`: each content flat if it fits; each separator flat
    /// if the content after it fits on the line too.
    fn fill_from<'a>(&mut self, ind: usize, parts: &'a [Doc], i: usize, stack: &mut Vec<Cmd<'a>>) {
        let Some(content) = parts.get(i) else {
            return;
        };
        let flat = |d: &'a Doc| (ind, Mode::Flat, Item::Doc(d));
        let content_mode = if self.fits(&[flat(content)], &[]) {
            Mode::Flat
        } else {
            Mode::Break
        };
        if let (Some(sep), Some(next)) = (parts.get(i + 1), parts.get(i + 2)) {
            let both = self.fits(&[flat(next), flat(sep), flat(content)], &[]);
            stack.push((ind, Mode::Break, Item::FillFrom(parts, i + 2)));
            stack.push((
                ind,
                if both { Mode::Flat } else { Mode::Break },
                Item::Doc(sep),
            ));
        }
        stack.push((ind, content_mode, Item::Doc(content)));
    }

    fn newline(&mut self, ind: usize) {
        let end = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(end);
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', ind));
        self.col = ind;
    }

    /// Whether `first` (a stack: last element first) and then `rest` (the
    /// printer's stack, in its own modes) fit on the current line.
    fn fits(&self, first: &[Cmd<'_>], rest: &[Cmd<'_>]) -> bool {
        if self.col > self.width {
            return false;
        }
        let mut room = isize::try_from(self.width - self.col).unwrap_or(isize::MAX);
        let mut local: Vec<(Mode, Item<'_>)> = first.iter().map(|&(_, m, it)| (m, it)).collect();
        let mut rest = rest.iter().rev();
        loop {
            let (mode, item) = match local.pop() {
                Some(x) => x,
                None => match rest.next() {
                    Some(&(_, m, it)) => (m, it),
                    None => return true,
                },
            };
            let d = match item {
                Item::Doc(d) => d,
                Item::FillFrom(parts, i) => {
                    for x in parts.iter().skip(i).rev() {
                        local.push((mode, Item::Doc(x)));
                    }
                    continue;
                }
            };
            match d {
                Doc::Text(s) => {
                    room -= isize::try_from(text_width(s)).unwrap_or(isize::MAX);
                    if room < 0 {
                        return false;
                    }
                }
                Doc::Suffix(_) => {}
                Doc::Line => match mode {
                    Mode::Flat => {
                        room -= 1;
                        if room < 0 {
                            return false;
                        }
                    }
                    Mode::Break => return true,
                },
                Doc::SoftLine => {
                    if mode == Mode::Break {
                        return true;
                    }
                }
                Doc::HardLine => return true,
                Doc::Concat(v) | Doc::Fill(v) => {
                    for x in v.iter().rev() {
                        local.push((mode, Item::Doc(x)));
                    }
                }
                Doc::Nest(_, x) | Doc::Align(x) => local.push((mode, Item::Doc(x))),
                Doc::Group { doc, hard } => {
                    let m = if *hard { Mode::Break } else { mode };
                    local.push((m, Item::Doc(doc)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_break_when_too_wide() {
        let d = group(cat(vec![
            text("aaaa"),
            nest(2, cat(vec![Doc::Line, text("bbbb")])),
        ]));
        assert_eq!(render(&d, 20), "aaaa bbbb");
        assert_eq!(render(&d, 6), "aaaa\n  bbbb");
    }

    #[test]
    fn fill_packs_lines() {
        let parts = vec![text("a,"), Doc::Line, text("b,"), Doc::Line, text("c")];
        let d = cat(vec![text("["), align(Doc::Fill(parts)), text("]")]);
        assert_eq!(render(&d, 7), "[a, b,\n c]");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(text_width("拘留x"), 5);
    }

    #[test]
    fn suffixes_do_not_count() {
        let d = cat(vec![
            group(cat(vec![text("aaaa"), Doc::Line, text("bbbb")])),
            Doc::Suffix("  # a long comment".into()),
            Doc::HardLine,
        ]);
        assert_eq!(render(&d, 10), "aaaa bbbb  # a long comment");
    }
}
