//! Text output for people: findings grouped by defendant and severity.

use super::one_line_safe as clean;
use super::{Report, severity_name};
use crate::graph::CaseGraph;
use crate::syntax::ast::Severity;
use unicode_width::UnicodeWidthStr;

/// The words of the text output, in the report's language.
struct Words {
    case: &'static str,
    no_findings: &'static str,
    the_case: &'static str,
    due: &'static str,
    no_rows: &'static str,
    summary: fn(usize, usize, usize) -> String,
}

const EN: Words = Words {
    case: "case",
    no_findings: "no findings",
    the_case: "the case",
    due: "due",
    no_rows: "(no rows)",
    summary: |e, w, i| {
        let n =
            |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        format!(
            "{}, {}, {i} pending or informational",
            n(e, "error", "errors"),
            n(w, "warning", "warnings")
        )
    },
};

const ZH: Words = Words {
    case: "案件",
    no_findings: "未发现问题",
    the_case: "全案",
    due: "期限",
    no_rows: "（无）",
    summary: |e, w, i| format!("错误 {e} 项，警告 {w} 项，待办或提示 {i} 项"),
};

/// A text in one language, or each language on its own line.
fn lines(t: &super::LocalText, indent: &str) -> String {
    match t {
        super::LocalText::One(s) => format!("{indent}{}\n", clean(s)),
        super::LocalText::All(m) => m
            .iter()
            .map(|(l, s)| format!("{indent}[{l}] {}\n", clean(s)))
            .collect(),
    }
}

/// Renders a report as text. Findings are grouped by the first defendant
/// they name (a `person` node whose `role` is `defendant`; otherwise "the
/// case"), then by severity, errors first.
pub fn render_text(report: &Report, case: Option<&CaseGraph>, color: bool) -> String {
    let words = if report.lang == "zh" { &ZH } else { &EN };
    let mut out = String::new();
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let defendant_of = |nodes: &[String]| -> Option<String> {
        let g = case?;
        let schema = g.schema();
        let person = schema.node_kind("person")?;
        let role = schema.field(person, "role")?;
        let role_enum = schema
            .kind(person)?
            .fields
            .get(role.0 as usize)?
            .ty
            .enum_id()?;
        let defendant = schema.enum_value(role_enum, "defendant")?;
        let name_f = schema.field(person, "name");
        nodes.iter().find_map(|id| {
            let n = g.node_by_id(id)?;
            (g.node_kind(n) == person
                && g.field(n, role).and_then(|v| v.as_enum()) == Some(defendant))
            .then(
                || match name_f.and_then(|f| g.field(n, f)).and_then(|v| v.as_text()) {
                    // (A blank name is no name.)
                    Some(name) if !name.trim().is_empty() => format!("{name} ({id})"),
                    _ => id.clone(),
                },
            )
        })
    };
    out.push_str(&format!("{} {}\n", words.case, clean(&report.case)));
    if report.findings.is_empty() {
        out.push_str(&format!("  {}\n", words.no_findings));
        views(report, words, &mut out, &paint);
        return out;
    }
    let mut groups: Vec<(String, Vec<&super::Finding>)> = vec![];
    for f in &report.findings {
        let key = defendant_of(&f.nodes).unwrap_or_else(|| words.the_case.to_string());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    groups.sort_by(|a, b| (a.0 == words.the_case, &a.0).cmp(&(b.0 == words.the_case, &b.0)));
    for (who, mut fs) in groups {
        out.push_str(&format!("\n{}\n", paint("1", &clean(&who))));
        fs.sort_by_key(|f| std::cmp::Reverse(f.severity));
        for f in fs {
            let sev = severity_name(f.severity);
            let sev = match f.severity {
                Severity::Error => paint("31;1", sev),
                Severity::Warning => paint("33;1", sev),
                Severity::Info => paint("36", sev),
            };
            match &f.title {
                super::LocalText::One(t) => {
                    out.push_str(&format!("  {sev}[{}] {}\n", f.rule, clean(t)))
                }
                all => {
                    out.push_str(&format!("  {sev}[{}]\n", f.rule));
                    out.push_str(&lines(all, "    "));
                }
            }
            out.push_str(&lines(&f.message, "    "));
            if let Some(d) = &f.due {
                out.push_str(&format!("    {}: {d}\n", words.due));
            }
            match &f.citation {
                super::LocalText::One(c) => out.push_str(&format!(
                    "    = {}  [{}]\n",
                    clean(c),
                    clean(&f.nodes.join(", "))
                )),
                all => {
                    out.push_str(&lines(all, "    = "));
                    out.push_str(&format!("    [{}]\n", clean(&f.nodes.join(", "))));
                }
            }
        }
    }
    let (e, w, i) = report
        .findings
        .iter()
        .fold((0, 0, 0), |(e, w, i), f| match f.severity {
            Severity::Error => (e + 1, w, i),
            Severity::Warning => (e, w + 1, i),
            Severity::Info => (e, w, i + 1),
        });
    out.push_str(&format!("\n{}\n", (words.summary)(e, w, i)));
    views(report, words, &mut out, &paint);
    out
}

/// The pack's views (the sentencing worksheet), one block per row, one line per column.
fn views(report: &Report, words: &Words, out: &mut String, paint: &dyn Fn(&str, &str) -> String) {
    for v in &report.views {
        out.push_str(&format!("\n{}\n", paint("1", v.title.as_str())));
        if v.rows.is_empty() {
            out.push_str(&format!("  {}\n", words.no_rows));
        }
        let width = v
            .columns
            .iter()
            .map(|c| c.label.as_str().width())
            .max()
            .unwrap_or(0);
        for row in &v.rows {
            out.push_str(&format!("  [{}]\n", clean(&row.nodes.join(", "))));
            for (c, t) in v.columns.iter().zip(&row.text) {
                let label = c.label.as_str();
                let pad = width.saturating_sub(label.width());
                out.push_str(&format!("    {label}{}  {}\n", " ".repeat(pad), clean(t)));
            }
        }
    }
}
