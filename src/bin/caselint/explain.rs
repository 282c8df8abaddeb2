//! `caselint explain RULE CASE`: why a rule fired, or why it did not.

use crate::common::{default_pack, load_pack};
use crate::review::{lang_of, read_case};
use caselint::ReviewOptions;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Format {
    Text,
    Json,
}

/// Explain why a rule fired on a case, or why it did not.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  caselint explain cn.cpl.085.detention_family_notice examples/cases/robbery-juvenile-defects.json\n  caselint explain cn.cpl.085.detention_family_notice case.json --node d1\n  caselint explain cn.cl.069.combined_punishment case.json --part bounds\n  caselint explain cn.cpl.187.indictment_service case.json --format json"
)]
pub struct ExplainArgs {
    /// The rule id, e.g. cn.cpl.085.detention_family_notice.
    rule: String,
    /// The case file.
    case: PathBuf,
    /// Only bindings that involve this node id.
    #[arg(long)]
    node: Option<String>,
    /// Only this block of a rule written in several (`--part bounds` for
    /// `rule … part bounds`).
    #[arg(long)]
    part: Option<String>,
    /// The rule pack's folder (default: the shipped rules/cn-criminal).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Explain as of this day (YYYY-MM-DD).
    #[arg(long, value_parser = crate::review::parse_day)]
    as_of: Option<jiff::civil::Date>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Language of values shown (enum labels).
    #[arg(long)]
    lang: Option<String>,
}

pub fn run(a: ExplainArgs) -> u8 {
    let pack = match load_pack(&a.rules.clone().unwrap_or_else(default_pack)) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let lang = match lang_of(&pack, a.lang.as_deref()) {
        Ok(l) => l,
        Err(c) => return c,
    };
    if !pack.rule_ids().contains(&a.rule.as_str()) {
        eprintln!("error: the pack has no rule `{}`", a.rule);
        let ids = pack.rule_ids();
        let containing: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !a.rule.is_empty() && id.contains(a.rule.as_str()))
            .collect();
        if let Some(h) = caselint::diag::did_you_mean(&a.rule, ids.iter().copied()) {
            eprintln!("  help: {h}");
        } else if !containing.is_empty() && containing.len() <= 10 {
            eprintln!(
                "  help: rules whose id contains `{}`: {}",
                a.rule,
                containing.join(", ")
            );
        } else {
            eprintln!(
                "  help: a rule's id is what follows `rule` in the pack's `.rules` files, e.g. `{}`",
                ids.first()
                    .copied()
                    .unwrap_or("cn.cpl.085.detention_family_notice")
            );
        }
        return 2;
    }
    if let Some(p) = &a.part {
        let parts = pack.rule_parts(&a.rule);
        if !parts.contains(&p.as_str()) {
            eprintln!(
                "error: `--part {p}`: the rule `{}` has no part `{p}`",
                a.rule
            );
            if parts.is_empty() {
                eprintln!("  help: the rule is written in one block; leave out `--part`");
            } else {
                match caselint::diag::did_you_mean(p, parts.iter().copied()) {
                    Some(h) => eprintln!("  help: {h}"),
                    None => eprintln!("  help: its parts: {}", parts.join(", ")),
                }
            }
            return 2;
        }
    }
    let case = match read_case(&pack, &a.case) {
        Ok(c) => c,
        Err(c) => return c,
    };
    if let Some(n) = &a.node
        && case.node_by_id(n).is_none()
    {
        eprintln!(
            "error: `--node {n}`: the case `{}` has no node `{n}`",
            a.case.display()
        );
        let ids = case.nodes().map(|x| case.node_id(x));
        match caselint::diag::did_you_mean(n, ids) {
            Some(h) => eprintln!("  help: {h}"),
            None => eprintln!(
                "  help: `--node` takes the `id` of a node in the case file, such as a defendant's `d1`"
            ),
        }
        return 2;
    }
    let opts = ReviewOptions {
        as_of: a.as_of,
        lang,
        ..ReviewOptions::default()
    };
    match pack.explain_part(&case, &a.rule, a.part.as_deref(), a.node.as_deref(), &opts) {
        Ok(x) => {
            match a.format {
                Format::Text => print!("{}", caselint::report::terminal_safe(&x.to_text())),
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&x).unwrap_or_default())
                }
            }
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
