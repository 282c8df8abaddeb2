//! caselint: review criminal court case files the way a linter reviews code.
//!
//! A rule pack (a folder of `.rules` files) declares the vocabulary of the
//! case files it reviews and the checks the law requires. The pipeline:
//! rule text → AST ([`syntax`]) → checked, typed IR ([`check`]) →
//! evaluation over a [`graph::CaseGraph`] ([`eval`]) → a [`Report`].
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use caselint::RulePack;
//!
//! let pack = RulePack::load("rules/cn-criminal")?;
//! let json = std::fs::read_to_string("examples/cases/robbery-juvenile-defects.json")?;
//! let case = pack.load_case(&json)?;
//! let report = pack.review(&case)?;
//! assert!(report.findings.iter().any(|f| f.rule == "cn.cpl.285.minor_closed_trial"));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod check;
pub mod diag;
pub mod eval;
pub mod r#gen;
pub mod graph;
mod pack;
pub mod pack_test;
pub mod report;
pub mod syntax;

/// The README's example, compiled and run as a test.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use diag::{Diagnostic, Location, SourceMap};
pub use eval::{Coverage, EvalError, Lang, ReviewOptions};
pub use graph::{CaseBuilder, CaseGraph, LoadError, LoadErrors, Schema, Value};
pub use pack::{MAX_PACK_BYTES, MAX_PACK_FILES, PackError, ReviewError, RulePack};
pub use report::{Finding, LocalText, Report};
