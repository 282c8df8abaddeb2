//! Stage 1: rule text to AST ([`parse_file`]). Later stages never see pest.

pub mod ast;
mod parse;

pub use parse::{MAX_BRACKET_DEPTH, MAX_EXPR_DEPTH, MAX_FILE_BYTES, parse_expr, parse_file};
