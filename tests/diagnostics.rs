//! Diagnostics of the parser and the checker, data-driven.
//!
//! Every file in `tests/snippets/` (except the prelude `_schema.rules`) is one
//! test case: a small rule file checked with `RulePack::from_sources` together
//! with the prelude, unless its header says `# prelude: none`. The comment
//! lines at the top of the snippet say what must come out, exactly:
//!
//! ```text
//! # expect: ok                                   no diagnostic at all
//! # expect: error unknown_name 3:14              level, `Code` in snake_case, line:column
//! # expect: error unknown_name 3:14 help: did you mean `birth_date`?
//! # expect: warning unused 2:5
//! # prelude: none                                the snippet is the whole pack
//! ```
//!
//! Lines and columns are those of the snippet itself (1-based, columns in
//! characters), as `SourceMap::location` gives them. The expected list must
//! equal the diagnostics the pack produces — no more, no fewer; a `help:`
//! part must equal the diagnostic's help. Messages are not compared.
//!
//! The second half renders a few representative diagnostics exactly as the
//! command line does (`caselint check` on a temporary pack folder with
//! `NO_COLOR=1`) and compares them with insta snapshots in
//! `tests/snapshots/`. After a deliberate change of the rendering, bless them
//! with `cargo insta review` (needs `cargo install cargo-insta`) or
//! `INSTA_UPDATE=always cargo test --test diagnostics`, and review the diff.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::RulePack;
use caselint::diag::{Code, Diagnostic, Level};
use std::path::{Path, PathBuf};
use std::process::Command;

const PRELUDE: &str = "_schema.rules";

fn snippet_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snippets")
}

/// One expected diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expect {
    line: u32,
    column: u32,
    level: String,
    code: String,
    help: Option<String>,
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}:{}",
            self.level, self.code, self.line, self.column
        )?;
        if let Some(h) = &self.help {
            write!(f, " help: {h}")?;
        }
        Ok(())
    }
}

/// What a snippet's header asks for.
struct Header {
    expects: Vec<Expect>,
    ok: bool,
    prelude: bool,
}

fn parse_header(name: &str, text: &str) -> Header {
    let mut h = Header {
        expects: vec![],
        ok: false,
        prelude: true,
    };
    for line in text.lines() {
        let Some(comment) = line.strip_prefix('#') else {
            break;
        };
        let comment = comment.trim();
        if let Some(rest) = comment.strip_prefix("expect:") {
            let rest = rest.trim();
            if rest == "ok" {
                h.ok = true;
                continue;
            }
            let (main, help) = match rest.split_once(" help: ") {
                Some((m, hlp)) => (m, Some(hlp.trim().to_string())),
                None => (rest, None),
            };
            let parts: Vec<&str> = main.split_whitespace().collect();
            let [level, code, pos] = parts.as_slice() else {
                panic!("{name}: malformed expectation `{line}`");
            };
            assert!(
                matches!(*level, "error" | "warning"),
                "{name}: level must be error or warning in `{line}`"
            );
            let (l, c) = pos
                .split_once(':')
                .unwrap_or_else(|| panic!("{name}: position must be LINE:COL in `{line}`"));
            h.expects.push(Expect {
                line: l.parse().unwrap(),
                column: c.parse().unwrap(),
                level: level.to_string(),
                code: code.to_string(),
                help,
            });
        } else if comment == "prelude: none" {
            h.prelude = false;
        }
    }
    assert!(
        h.ok == h.expects.is_empty(),
        "{name}: say `# expect: ok` or give `# expect:` lines (not both)"
    );
    h
}

fn code_name(c: Code) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{c:?}"))
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// Checks `text` (the snippet `name`) with or without the prelude; every diagnostic.
fn check(name: &str, text: &str, prelude: bool) -> (Vec<Diagnostic>, caselint::SourceMap) {
    let mut files: Vec<(String, String)> = vec![];
    if prelude {
        let p = std::fs::read_to_string(snippet_dir().join(PRELUDE)).unwrap();
        files.push((PRELUDE.to_string(), p));
    }
    files.push((name.to_string(), text.to_string()));
    match RulePack::from_sources(files) {
        Ok(pack) => (pack.warnings().to_vec(), pack.sources().clone()),
        Err(e) => (e.diagnostics, e.sources),
    }
}

/// Turns diagnostics into comparable expectations; those outside `name` keep their file.
fn actual(
    name: &str,
    diags: &[Diagnostic],
    sources: &caselint::SourceMap,
) -> Vec<(Expect, String)> {
    diags
        .iter()
        .map(|d| {
            let loc = sources.location(d.span);
            let code = if loc.file == name {
                code_name(d.code)
            } else {
                format!("{}@{}", code_name(d.code), loc.file)
            };
            (
                Expect {
                    line: loc.line,
                    column: loc.column,
                    level: level_name(d.level).to_string(),
                    code,
                    help: d.help.clone(),
                },
                d.message.clone(),
            )
        })
        .collect()
}

fn assert_expected(
    name: &str,
    expects: &[Expect],
    diags: &[Diagnostic],
    sources: &caselint::SourceMap,
) {
    let got = actual(name, diags, sources);
    let key = |e: &Expect| (e.line, e.column, e.level.clone(), e.code.clone());
    let mut want: Vec<&Expect> = expects.iter().collect();
    want.sort_by_key(|e| key(e));
    let mut have: Vec<&(Expect, String)> = got.iter().collect();
    have.sort_by_key(|(e, _)| key(e));
    let listing = || {
        got.iter()
            .map(|(e, m)| format!("  # expect: {e}    ({m})"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let same = want.len() == have.len()
        && want
            .iter()
            .zip(&have)
            .all(|(w, (h, _))| key(w) == key(h) && (w.help.is_none() || w.help == h.help));
    assert!(
        same,
        "{name}: diagnostics differ\nwanted:\n{}\ngot:\n{}",
        want.iter()
            .map(|e| format!("  # expect: {e}"))
            .collect::<Vec<_>>()
            .join("\n"),
        listing()
    );
}

fn run_snippet(file: &str) {
    let path = snippet_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = parse_header(file, &text);
    let (diags, sources) = check(file, &text, header.prelude);
    assert_expected(file, &header.expects, &diags, &sources);
    // A pack without errors loads; one with errors does not.
    let has_error = diags.iter().any(|d| d.level == Level::Error);
    let wanted_error = header.expects.iter().any(|e| e.level == "error");
    assert_eq!(has_error, wanted_error, "{file}: error presence");
}

/// One `#[test]` per snippet; `every_snippet_has_a_test` keeps the list complete.
macro_rules! snippets {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_snippet($file);
            }
        )*
        const LISTED: &[&str] = &[$($file),*];
    };
}

snippets! {
    // Syntax
    syntax_recovery_resumes_at_the_next_item => "syntax_recovery_resumes_at_the_next_item.rules",
    syntax_unterminated_string => "syntax_unterminated_string.rules",
    syntax_unclosed_rule_keeps_what_comes_before => "syntax_unclosed_rule_keeps_what_comes_before.rules",
    syntax_misspelt_unit => "syntax_misspelt_unit.rules",
    syntax_unclosed_hole => "syntax_unclosed_hole.rules",
    syntax_unclosed_hole_at_line_end => "syntax_unclosed_hole_at_line_end.rules",
    syntax_unclosed_at_end_of_file => "syntax_unclosed_at_end_of_file.rules",
    syntax_unclosed_after_an_earlier_error => "syntax_unclosed_after_an_earlier_error.rules",
    ok_tagged_text_then_clause => "ok_tagged_text_then_clause.rules",
    ok_in_force_after_unless => "ok_in_force_after_unless.rules",
    qualified_in_place_enum_value => "qualified_in_place_enum_value.rules",
    cycle_constant_defs_only_cycle => "cycle_constant_defs_only_cycle.rules",
    too_deep_ignores_comments => "too_deep_ignores_comments.rules",
    syntax_missing_brace => "syntax_missing_brace.rules",
    syntax_clause_keyword_typo => "syntax_clause_keyword_typo.rules",
    syntax_bad_operator => "syntax_bad_operator.rules",
    syntax_string_runs_to_next_quote => "syntax_string_runs_to_next_quote.rules",
    syntax_every_without_satisfies => "syntax_every_without_satisfies.rules",
    syntax_in_force_without_dates => "syntax_in_force_without_dates.rules",
    syntax_bad_severity => "syntax_bad_severity.rules",
    // Limits
    too_deep_brackets => "too_deep_brackets.rules",
    too_deep_chain => "too_deep_chain.rules",
    // Names
    unknown_field_did_you_mean => "unknown_field_did_you_mean.rules",
    unknown_kind => "unknown_kind.rules",
    unknown_edge => "unknown_edge.rules",
    unknown_function => "unknown_function.rules",
    unknown_enum_value => "unknown_enum_value.rules",
    unknown_variable => "unknown_variable.rules",
    unknown_type => "unknown_type.rules",
    ambiguous_enum_value => "ambiguous_enum_value.rules",
    qualified_enum_value_resolves => "qualified_enum_value_resolves.rules",
    // Duplicates
    duplicate_rule_id => "duplicate_rule_id.rules",
    duplicate_rule_part => "duplicate_rule_part.rules",
    duplicate_rule_body_checked => "duplicate_rule_body_checked.rules",
    syntax_misspelt_declaration => "syntax_misspelt_declaration.rules",
    duplicate_rule_part_and_plain => "duplicate_rule_part_and_plain.rules",
    duplicate_def => "duplicate_def.rules",
    duplicate_field => "duplicate_field.rules",
    duplicate_binding => "duplicate_binding.rules",
    duplicate_pack_header => "duplicate_pack_header.rules",
    parts_share_an_id => "parts_share_an_id.rules",
    // Types
    type_date_plus_int => "type_date_plus_int.rules",
    type_date_vs_datetime => "type_date_vs_datetime.rules",
    type_is_true_on_non_bool => "type_is_true_on_non_bool.rules",
    type_edge_direction => "type_edge_direction.rules",
    type_due_of_wrong_type => "type_due_of_wrong_type.rules",
    type_enum_has_no_order => "type_enum_has_no_order.rules",
    type_enum_compared_with_quoted_value => "type_enum_compared_with_quoted_value.rules",
    unused_variables => "unused_variables.rules",
    type_date_has_no_hours => "type_date_has_no_hours.rules",
    type_where_not_bool => "type_where_not_bool.rules",
    type_if_branches_differ => "type_if_branches_differ.rules",
    type_def_declared_type => "type_def_declared_type.rules",
    type_round_places => "type_round_places.rules",
    // Arity
    arity_def => "arity_def.rules",
    arity_builtin => "arity_builtin.rules",
    arity_constant_def_called => "arity_constant_def_called.rules",
    arity_table_row => "arity_table_row.rules",
    // Literals
    bad_literal_date => "bad_literal_date.rules",
    bad_literal_time => "bad_literal_time.rules",
    bad_literal_int => "bad_literal_int.rules",
    bad_literal_calendar_range => "bad_literal_calendar_range.rules",
    // Clauses
    missing_clause => "missing_clause.rules",
    misplaced_clause_twice => "misplaced_clause_twice.rules",
    misplaced_due_without_require => "misplaced_due_without_require.rules",
    misplaced_last_message_when => "misplaced_last_message_when.rules",
    // Languages
    missing_language => "missing_language.rules",
    unknown_language => "unknown_language.rules",
    unknown_default_language => "unknown_default_language.rules",
    // Warnings and whole-pack problems
    unused_definitions => "unused_definitions.rules",
    never_holds => "never_holds.rules",
    no_node_kinds => "no_node_kinds.rules",
    // Cycles
    cycle_self => "cycle_self.rules",
    cycle_mutual => "cycle_mutual.rules",
    // Reporting
    all_errors_reported => "all_errors_reported.rules",
    all_errors_reported_after_syntax_errors => "all_errors_reported_after_syntax_errors.rules",
    // Accepted
    ok_every_construct => "ok_every_construct.rules",
}

#[test]
fn every_snippet_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(snippet_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rules") && n != PRELUDE)
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = LISTED.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "list every snippet in `snippets!`");
}

#[test]
fn the_prelude_alone_is_clean() {
    let p = std::fs::read_to_string(snippet_dir().join(PRELUDE)).unwrap();
    let pack = RulePack::from_sources([(PRELUDE, p)]).unwrap();
    assert!(pack.warnings().is_empty(), "{:?}", pack.warnings());
}

#[test]
fn every_code_the_checker_emits_is_covered() {
    // Io is only reachable through `RulePack::load` (tested below).
    let mut covered = std::collections::BTreeSet::new();
    for file in LISTED {
        let text = std::fs::read_to_string(snippet_dir().join(file)).unwrap();
        for e in parse_header(file, &text).expects {
            covered.insert(e.code);
        }
    }
    covered.insert("too_large".to_string());
    covered.insert("io".to_string());
    let all = [
        Code::Syntax,
        Code::TooLarge,
        Code::TooDeep,
        Code::Io,
        Code::UnknownName,
        Code::Duplicate,
        Code::Type,
        Code::Arity,
        Code::BadLiteral,
        Code::MissingClause,
        Code::MisplacedClause,
        Code::MissingLanguage,
        Code::UnknownLanguage,
        Code::Unused,
        Code::NeverHolds,
        Code::Cycle,
        Code::Pack,
    ];
    let missing: Vec<String> = all
        .iter()
        .map(|c| code_name(*c))
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes without a snippet: {missing:?}");
}

#[test]
fn too_large_file() {
    // One byte over the 1 MiB limit, in comments: nothing else is reported for the file.
    let mut text = String::from("# padding\n");
    while text.len() <= 1 << 20 {
        text.push_str("# .................................................................\n");
    }
    let (diags, sources) = check("big.rules", &text, true);
    let want = [Expect {
        line: 1,
        column: 1,
        level: "error".into(),
        code: "too_large".into(),
        help: None,
    }];
    assert_expected("big.rules", &want, &diags, &sources);
    // Exactly at the limit is accepted.
    text.truncate(1 << 20);
    let cut = text.rfind('\n').unwrap();
    text.truncate(cut + 1);
    while text.len() < 1 << 20 {
        text.push('#');
    }
    assert_eq!(text.len(), 1 << 20);
    let (diags, _) = check("big.rules", &text, true);
    assert!(diags.is_empty(), "{diags:?}");
}

/// A rule whose only interesting line is `line` (line 6 of the text).
fn rule_with(line: &str) -> String {
    format!(
        "rule t.limit {{\n  severity error\n  title \"t\"\n  cite \"c\"\n  for d: person\n{line}\n  message \"m\"\n}}\n"
    )
}

fn codes(text: &str) -> Vec<(Code, u32, u32)> {
    let (diags, sources) = check("limit.rules", text, true);
    diags
        .iter()
        .map(|d| {
            let l = sources.location(d.span);
            (d.code, l.line, l.column)
        })
        .collect()
}

#[test]
fn bracket_depth_boundary() {
    use caselint::syntax::MAX_BRACKET_DEPTH;
    // The rule's `{` is one bracket; `k` parentheses inside it make `k + 1`.
    let nested = |k: usize| rule_with(&format!("  where {}true{}", "(".repeat(k), ")".repeat(k)));
    assert_eq!(codes(&nested(MAX_BRACKET_DEPTH - 1)), vec![]);
    let col = u32::try_from("  where ".len() + MAX_BRACKET_DEPTH).unwrap();
    assert_eq!(
        codes(&nested(MAX_BRACKET_DEPTH)),
        vec![(Code::TooDeep, 6, col)]
    );
    // Lists and calls count as brackets too.
    let lists = rule_with(&format!(
        "  where len({}1{}) > 0",
        "[".repeat(MAX_BRACKET_DEPTH),
        "]".repeat(MAX_BRACKET_DEPTH)
    ));
    assert_eq!(codes(&lists).first().map(|c| c.0), Some(Code::TooDeep));
    // Brackets inside strings do not count.
    let in_string = rule_with(&format!(
        "  where d.name = \"{}\"",
        "(".repeat(MAX_BRACKET_DEPTH * 2)
    ));
    assert_eq!(codes(&in_string), vec![]);
}

#[test]
fn expression_depth_boundary() {
    use caselint::syntax::MAX_EXPR_DEPTH;
    // A chain of `n` additions is `n + 1` levels deep.
    let chain = |n: u32| {
        let terms = vec!["1"; n as usize + 1].join(" + ");
        rule_with(&format!("  let _x = {terms}"))
    };
    assert_eq!(codes(&chain(MAX_EXPR_DEPTH - 1)), vec![]);
    assert_eq!(codes(&chain(MAX_EXPR_DEPTH)), vec![(Code::TooDeep, 6, 12)]);
    // Prefix operators count one level each (`d.name is present` is 3 levels).
    let nots = |n: u32| {
        rule_with(&format!(
            "  where {}d.name is present",
            "not ".repeat(n as usize)
        ))
    };
    assert_eq!(codes(&nots(MAX_EXPR_DEPTH - 3)), vec![]);
    assert_eq!(
        codes(&nots(MAX_EXPR_DEPTH - 2)).first().map(|c| c.0),
        Some(Code::TooDeep)
    );
}

#[test]
fn io_errors_from_load() {
    let dir = scratch_dir("empty-pack");
    let e = RulePack::load(&dir).unwrap_err();
    assert_eq!(e.diagnostics.len(), 1);
    assert_eq!(e.diagnostics[0].code, Code::Io);
    assert_eq!(e.diagnostics[0].level, Level::Error);
    let e = RulePack::load(dir.join("does-not-exist")).unwrap_err();
    assert!(e.diagnostics.iter().all(|d| d.code == Code::Io));
    assert!(!e.diagnostics.is_empty());
}

#[test]
fn the_did_you_mean_help_is_exact() {
    let text =
        std::fs::read_to_string(snippet_dir().join("unknown_field_did_you_mean.rules")).unwrap();
    let (diags, _) = check("unknown_field_did_you_mean.rules", &text, true);
    let d = diags.iter().find(|d| d.code == Code::UnknownName).unwrap();
    assert_eq!(d.help.as_deref(), Some("did you mean `birth_date`?"));
    assert_eq!(d.message, "unknown field `birth_dat` of `person`");
}

// ------------------------------------------------------------- rendering

/// A fresh folder under the target's temporary directory.
fn scratch_dir(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("diagnostics-{}-{n}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `caselint check pack` on a pack of the prelude and one snippet, as a user sees it.
/// The command runs inside the temporary folder, so paths in the output are `pack/…`.
fn render_check(snippet: &str) -> String {
    let root = scratch_dir("render");
    let pack = root.join("pack");
    std::fs::create_dir_all(&pack).unwrap();
    let text = std::fs::read_to_string(snippet_dir().join(snippet)).unwrap();
    if parse_header(snippet, &text).prelude {
        std::fs::copy(snippet_dir().join(PRELUDE), pack.join("schema.rules")).unwrap();
    }
    std::fs::write(pack.join(snippet), &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_caselint"))
        .arg("check")
        .arg("pack")
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let _ = std::fs::remove_dir_all(&root);
    // Belt and braces: no absolute temporary path may leak into a snapshot.
    let stdout = stdout.replace(&root.display().to_string(), "[tmp]");
    format!("exit: {:?}\n{stdout}", out.status.code())
}

macro_rules! rendered {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!(stringify!($test), render_check($file));
            }
        )*
    };
}

rendered! {
    rendered_unknown_field => "unknown_field_did_you_mean.rules",
    rendered_edge_direction => "type_edge_direction.rules",
    rendered_missing_brace => "syntax_missing_brace.rules",
    rendered_missing_language => "missing_language.rules",
    rendered_unused_warning => "unused_definitions.rules",
    rendered_bad_date => "bad_literal_date.rules",
    rendered_date_vs_datetime => "type_date_vs_datetime.rules",
}

/// The help about quotes is given only when a value is written in quotes;
/// an enum compared with a text field gets none.
#[test]
fn enum_compared_with_a_text_field_gets_no_quoting_help() {
    let (diags, _) = check(
        "limit.rules",
        &rule_with("  where case.procedure = d.name"),
        true,
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, Code::Type);
    assert_eq!(diags[0].help, None);
}
