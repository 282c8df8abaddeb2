//! The façade: load a rule pack once, then load and review cases against it.

use crate::check::{self, ir::Program};
use crate::diag::{Code, Diagnostic, Level, SourceFile, SourceMap};
use crate::eval::{self, EvalError, ReviewOptions};
use crate::graph::{CaseBuilder, CaseGraph, LoadErrors, Schema};
use crate::report::Report;
use crate::syntax::{self, ast::Span};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Most `.rules` files a pack may have.
pub const MAX_PACK_FILES: usize = 1000;
/// Largest total size of a pack's sources, in bytes.
pub const MAX_PACK_BYTES: usize = 16 << 20;

/// A checked rule pack, ready to review cases. `Send + Sync`: share one
/// across threads; reviewing takes `&self`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use caselint::RulePack;
/// let pack = RulePack::load("rules/cn-criminal")?;
/// let case = pack.load_case(r#"{"id": "(2024)沪0104刑初1号", "nodes": [
///     {"id": "k", "kind": "case", "procedure": "ordinary"}]}"#)?;
/// let report = pack.review(&case)?;
/// assert_eq!(report.case, "(2024)沪0104刑初1号");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RulePack {
    program: Arc<Program>,
    sources: Arc<SourceMap>,
    warnings: Vec<Diagnostic>,
    rule_sources: HashMap<String, String>,
}

/// A pack that could not be loaded: every diagnostic, and the sources they point into.
#[derive(Clone, Debug, thiserror::Error)]
#[error("the rule pack has {} error(s)", self.errors().count())]
pub struct PackError {
    /// Every diagnostic (errors and warnings), in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The pack's files, for rendering the diagnostics.
    pub sources: SourceMap,
}

impl PackError {
    /// The diagnostics that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.level == Level::Error)
    }
}

/// Why a case could not be reviewed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The case file did not load.
    #[error(transparent)]
    Load(#[from] LoadErrors),
    /// Evaluation stopped at a limit.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

impl RulePack {
    /// Loads every `.rules` file under `dir` (subfolders included, in path order).
    pub fn load(dir: impl AsRef<Path>) -> Result<RulePack, PackError> {
        let dir = dir.as_ref();
        let mut paths = vec![];
        let mut io_errors = vec![];
        collect_rule_files(dir, &mut paths, &mut io_errors, 0);
        paths.sort();
        let mut files = vec![];
        let mut total = 0usize;
        for p in paths.iter().take(MAX_PACK_FILES) {
            let shown = p.display().to_string();
            match std::fs::read(p) {
                Ok(bytes) => {
                    total += bytes.len();
                    match String::from_utf8(bytes) {
                        Ok(text) => files.push((shown, text)),
                        Err(e) => io_errors.push(format!(
                            "`{shown}` is not UTF-8 (byte {})",
                            e.utf8_error().valid_up_to()
                        )),
                    }
                }
                Err(e) => io_errors.push(format!("cannot read `{shown}`: {e}")),
            }
        }
        if paths.len() > MAX_PACK_FILES {
            io_errors.push(format!(
                "the pack has more than {MAX_PACK_FILES} rule files"
            ));
        }
        if total > MAX_PACK_BYTES {
            io_errors.push(format!("the pack's sources exceed {MAX_PACK_BYTES} bytes"));
        }
        if paths.is_empty() && io_errors.is_empty() {
            io_errors.push(format!("no `.rules` files in `{}`", dir.display()));
        }
        if !io_errors.is_empty() {
            let diagnostics = io_errors
                .into_iter()
                .map(|m| Diagnostic::error(Code::Io, Span::default(), m))
                .collect();
            return Err(PackError {
                diagnostics,
                sources: SourceMap::new(),
            });
        }
        RulePack::from_sources(files)
    }

    /// Checks a pack given as `(file name, text)` pairs.
    pub fn from_sources<N: Into<String>, T: Into<String>>(
        files: impl IntoIterator<Item = (N, T)>,
    ) -> Result<RulePack, PackError> {
        let mut sources = SourceMap::new();
        let mut asts = vec![];
        let mut diagnostics = vec![];
        for (name, text) in files {
            let text: String = text.into();
            let file = sources.add(SourceFile::new(name, text));
            let text = sources.file(file).map(|f| f.text.as_str()).unwrap_or("");
            let (ast, diags) = syntax::parse_file(file, text);
            asts.push(ast);
            diagnostics.extend(diags);
        }
        // A declaration a syntax error made unreadable may be what uses a
        // definition: "never used" would then be false.
        let unreadable = diagnostics.iter().any(|d| d.level == Level::Error);
        let (program, check_diags) = check::check_pack(&asts);
        diagnostics.extend(
            check_diags
                .into_iter()
                .filter(|d| !(unreadable && d.code == crate::diag::Code::Unused)),
        );
        diagnostics.sort_by_key(|d| (d.span.file, d.span.start));
        let program = match program {
            Some(p) if !diagnostics.iter().any(|d| d.level == Level::Error) => p,
            _ => {
                return Err(PackError {
                    diagnostics,
                    sources,
                });
            }
        };
        let mut rule_sources = HashMap::new();
        for r in &program.rules {
            rule_sources
                .entry(r.id.clone())
                .or_insert_with(|| sources.location(r.span).to_string());
        }
        Ok(RulePack {
            program: Arc::new(program),
            sources: Arc::new(sources),
            warnings: diagnostics,
            rule_sources,
        })
    }

    /// The vocabulary cases are loaded against.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.program.schema
    }

    /// The checked program (rules, definitions, tables).
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The pack's sources.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// Warnings found while checking the pack.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The distinct rule ids of the pack, sorted.
    pub fn rule_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.program.rules.iter().map(|r| r.id.as_str()).collect();
        ids.dedup();
        ids
    }

    /// Loads a case file (v1 JSON) against the pack's schema.
    pub fn load_case(&self, json: &str) -> Result<CaseGraph, LoadErrors> {
        CaseGraph::from_json(self.program.schema.clone(), json)
    }

    /// A builder for a case in code, without JSON.
    pub fn case_builder(&self, case_id: &str) -> CaseBuilder {
        CaseBuilder::new(self.program.schema.clone(), case_id)
    }

    /// Reviews a case with the default options: the file complete, the pack's default language.
    pub fn review(&self, case: &CaseGraph) -> Result<Report, EvalError> {
        self.review_with(case, &ReviewOptions::default())
    }

    /// Reviews a case.
    pub fn review_with(&self, case: &CaseGraph, opts: &ReviewOptions) -> Result<Report, EvalError> {
        let mut report = eval::review(&self.program, case, opts, None)?;
        for f in &mut report.findings {
            f.source = self.rule_sources.get(&f.rule).cloned();
        }
        Ok(report)
    }

    /// Reviews a case and records which conditions of which rules were seen true and false.
    pub fn review_covered(
        &self,
        case: &CaseGraph,
        opts: &ReviewOptions,
        cov: &mut eval::Coverage,
    ) -> Result<Report, EvalError> {
        let mut report = eval::review(&self.program, case, opts, Some(cov))?;
        for f in &mut report.findings {
            f.source = self.rule_sources.get(&f.rule).cloned();
        }
        Ok(report)
    }

    /// Why rule `rule_id` fired on a case, or why it did not: every binding that reached
    /// the requirement, the conditions with their values, what a missing step searched
    /// for, and the bindings a `where` stopped. `focus`: only bindings of this node id.
    pub fn explain(
        &self,
        case: &CaseGraph,
        rule_id: &str,
        focus: Option<&str>,
        opts: &ReviewOptions,
    ) -> Result<eval::explain::Explanation, EvalError> {
        self.explain_part(case, rule_id, None, focus, opts)
    }

    /// [`explain`](Self::explain), for one block of a rule of several
    /// (`part bounds`); `part: None` explains every block.
    pub fn explain_part(
        &self,
        case: &CaseGraph,
        rule_id: &str,
        part: Option<&str>,
        focus: Option<&str>,
        opts: &ReviewOptions,
    ) -> Result<eval::explain::Explanation, EvalError> {
        eval::explain::explain(
            &self.program,
            &self.sources,
            case,
            rule_id,
            part,
            focus,
            opts,
        )
    }

    /// The part names of rule `rule_id`'s blocks, in the pack's order (by
    /// part name; empty for a rule of one block without a part name).
    pub fn rule_parts(&self, rule_id: &str) -> Vec<&str> {
        self.program
            .rules
            .iter()
            .filter(|r| r.id == rule_id)
            .filter_map(|r| r.part.as_deref())
            .collect()
    }

    /// Loads and reviews many case files on all cores; results in input order.
    pub fn review_batch<S: AsRef<str> + Sync>(
        &self,
        cases: &[S],
        opts: &ReviewOptions,
    ) -> Vec<Result<Report, ReviewError>> {
        cases
            .par_iter()
            .map(|json| {
                let g = self.load_case(json.as_ref())?;
                Ok(self.review_with(&g, opts)?)
            })
            .collect()
    }

    /// The obligations of a case still pending as of a day: the clerk's docket.
    pub fn due(
        &self,
        case: &CaseGraph,
        as_of: jiff::civil::Date,
        lang: eval::Lang,
    ) -> Result<Report, EvalError> {
        let opts = ReviewOptions {
            as_of: Some(as_of),
            lang,
            ..ReviewOptions::default()
        };
        let mut r = self.review_with(case, &opts)?;
        r.findings.retain(|f| f.is_pending());
        r.findings
            .sort_by(|a, b| (&a.due, &a.rule, &a.nodes).cmp(&(&b.due, &b.rule, &b.nodes)));
        Ok(r)
    }
}

fn collect_rule_files(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!(
                "cannot read the pack folder `{}`: {e}",
                dir.display()
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            collect_rule_files(&path, out, errors, depth + 1);
        } else if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn pack_is_send_and_sync() {
        assert_send_sync::<RulePack>();
    }
}
