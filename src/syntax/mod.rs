//! Stage 1: rule text to AST ([`parse_file`]). Later stages never see pest.

pub mod ast;
mod fmt;
mod parse;

pub(crate) use fmt::without_comments;
pub use fmt::{MAX_WIDTH, REFUSED, format_source, print_file};
pub use parse::{
    MAX_BRACKET_DEPTH, MAX_EXPR_DEPTH, MAX_FILE_BYTES, MAX_NESTING_WORDS, parse_expr, parse_file,
};
