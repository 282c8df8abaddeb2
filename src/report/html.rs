//! Stage 4, for the bench: one self-contained HTML page per case.
//!
//! [`render_html`] turns a review (with the pack's views) and the
//! explanations of its rules into a page that a judge, a clerk or a panel
//! reads instead of the findings in a terminal:
//!
//! - a **timeline** per defendant (inline SVG): every procedural act on a
//!   compressed date axis, custody as bars, each statutory window as a shaded
//!   span on the row of the act it requires, a late act's overrun hatched
//!   past the end of its window, a missing act as a marker at its deadline,
//!   and every finding pinned (by number) to the acts it concerns;
//! - the **findings**, grouped by defendant and severity, with message,
//!   citation and the explanation of why the rule fired; clicking one
//!   highlights its acts on the timeline (and its rows in the tables);
//! - **pending obligations** with their due dates, when reviewed as of a day;
//! - the **sentencing worksheet** per defendant and charge, the declared
//!   sentence drawn against the statutory range and the SO2021 band;
//! - the **parties** and the **evidence**, with conflicting assertions marked.
//!
//! The page needs nothing outside itself (court networks are closed): inline
//! CSS, a small inline script, inline SVG, system font stacks that include
//! CJK fonts, and a Content-Security-Policy that forbids every load. It
//! prints on A4. Texts come from the pack (messages, titles, citations,
//! labels) in the chosen language; the page's own headings are in Chinese
//! or English. The output is deterministic (no clock, everything sorted), and
//! it is also well-formed XML, so tests can parse it.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use caselint::RulePack;
//! use caselint::report::html::{HtmlOptions, render_case_html};
//!
//! let pack = RulePack::load("rules/cn-criminal")?;
//! let json = std::fs::read_to_string("examples/cases/robbery-juvenile-defects.json")?;
//! let case = pack.load_case(&json)?;
//! let page = render_case_html(&pack, &case, &HtmlOptions::default())?;
//! assert!(page.contains(r#"class="timeline""#));
//! # Ok(())
//! # }
//! ```
//!
//! The statutory windows come from one table, [`CN_CRIMINAL_WINDOWS`]: which
//! rule checks which window, the variable of the act it is measured from and
//! the act it requires. Where the pack explains a rule, each binding that
//! reached the requirement (met, fired or pending) draws its window, so only
//! windows that apply to the case are drawn; a finding's `due` fixes the
//! window's end exactly.

use crate::check::ir::{Const, Piece, Program};
use crate::eval::explain::{BindingTrace, Explanation};
use crate::eval::{EvalError, Lang, ReviewOptions};
use crate::graph::{CaseGraph, EnumId, NodeIx, Value};
use crate::pack::RulePack;
use crate::report::{Finding, Report, ViewRow, ViewTable, severity_name};
use crate::syntax::ast::Severity;
use jiff::civil::{Date, DateTime, Time};
use jiff::{SignedDuration, Span};
use std::collections::{BTreeMap, BTreeSet};

// ------------------------------------------------------------------ API

/// How the page is rendered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    /// The language of the page (`zh`, `en`): one of the pack's; `None` or
    /// a language the pack lacks: the pack's default.
    pub lang: Option<String>,
    /// Review as of this day: acts not yet due are pending obligations,
    /// listed with their due dates and drawn on the timeline.
    pub as_of: Option<Date>,
}

impl HtmlOptions {
    /// The language the page is written in, for a pack.
    pub fn language(&self, pack: &RulePack) -> String {
        let prog = pack.program();
        match &self.lang {
            Some(l) if prog.languages.iter().any(|x| x == l) => l.clone(),
            _ => prog.default_lang.clone(),
        }
    }

    /// The review options the page is computed with: views on, one language.
    pub fn review_options(&self, pack: &RulePack) -> ReviewOptions {
        ReviewOptions {
            as_of: self.as_of,
            lang: Lang::One(self.language(pack)),
            views: true,
            ..ReviewOptions::default()
        }
    }
}

/// Reviews a case and renders its page: [`render_html`] over the review with
/// views, and the explanations of [`explanations_for`]. What `caselint
/// report` writes.
pub fn render_case_html(
    pack: &RulePack,
    case: &CaseGraph,
    opts: &HtmlOptions,
) -> Result<String, EvalError> {
    let ropts = opts.review_options(pack);
    let report = pack.review_with(case, &ropts)?;
    let explanations = explanations_for(pack, case, &report, &ropts)?;
    Ok(render_html(pack, case, &report, &explanations, opts))
}

/// The explanations a page needs: one for each rule that fired, and one for
/// each rule of [`CN_CRIMINAL_WINDOWS`] the pack has (to draw the windows
/// that apply). Sorted by rule id.
pub fn explanations_for(
    pack: &RulePack,
    case: &CaseGraph,
    report: &Report,
    opts: &ReviewOptions,
) -> Result<Vec<Explanation>, EvalError> {
    let known: BTreeSet<&str> = pack.rule_ids().into_iter().collect();
    let mut rules: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    rules.extend(
        CN_CRIMINAL_WINDOWS
            .iter()
            .map(|w| w.rule)
            .filter(|r| known.contains(r)),
    );
    rules
        .into_iter()
        .map(|r| pack.explain(case, r, None, opts))
        .collect()
}

/// Renders the page of a reviewed case. `report` should be reviewed with
/// views on (see [`HtmlOptions::review_options`]); `explanations` are those
/// of the rules that fired (they are shown with each finding) and of the
/// rules of [`CN_CRIMINAL_WINDOWS`] (they decide which windows are drawn;
/// without them, only the windows of findings are). Every text from the case
/// is escaped.
pub fn render_html(
    pack: &RulePack,
    case: &CaseGraph,
    report: &Report,
    explanations: &[Explanation],
    opts: &HtmlOptions,
) -> String {
    let cx = Cx::new(pack.program(), case, opts.language(pack), opts.as_of);
    let findings = order_findings(&cx, report, explanations);
    let timelines = build_timelines(&cx, &findings, explanations);
    let mut out = String::with_capacity(128 * 1024);
    page_head(&cx, report, &mut out);
    page_header(&cx, report, &findings, &mut out);
    timeline_section(&cx, &timelines, &findings, &mut out);
    findings_section(&cx, &findings, &mut out);
    if cx.as_of.is_some() {
        pending_section(&cx, &findings, &mut out);
    }
    worksheet_section(&cx, report, &mut out);
    parties_section(&cx, &findings, &mut out);
    page_end(&cx, &mut out);
    out
}

// --------------------------------------------- the cn-criminal knowledge
//
// Everything the page knows about the cn-criminal pack beyond its schema and
// labels is here: the statutory windows by rule id, the acts that start and
// end custody, and the table of statutory ranges.

/// When a statutory window ends, counted from the act it is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `n` hours after the act (to the minute when it has a time; else
    /// through the day after it, as the pack's `deadline_24h`).
    Hours(i64),
    /// Through the `n`th day after the act's day.
    Days(i64),
    /// Through the same day `n` months later.
    Months(i64),
    /// `n` months plus the months in the binding's value of this name.
    MonthsPlus(i64, &'static str),
    /// Through the `n`th day before the act's day.
    DaysBefore(i64),
    /// The binding's value of this name: a day (the window runs through it)
    /// or a number of days after the act.
    Var(&'static str),
}

/// A statutory window: the span in which the law requires an act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatutoryWindow {
    /// The id of the rule that checks it.
    pub rule: &'static str,
    /// The rule's variable bound to the act the window is measured from.
    pub anchor: &'static str,
    /// That act's event type (to find it among a finding's nodes when the
    /// rule was not explained).
    pub anchor_type: &'static str,
    /// The rule's variable bound to the act found for it, if the rule binds one.
    pub act: Option<&'static str>,
    /// The event type required in the window: the timeline row it is drawn on.
    pub act_type: &'static str,
    /// When the window closes.
    pub limit: Limit,
    /// For a window counted back from its anchor: the event type that opens it.
    pub opens_with: Option<&'static str>,
}

const fn win(
    rule: &'static str,
    anchor: &'static str,
    anchor_type: &'static str,
    act: Option<&'static str>,
    act_type: &'static str,
    limit: Limit,
) -> StatutoryWindow {
    StatutoryWindow {
        rule,
        anchor,
        anchor_type,
        act,
        act_type,
        limit,
        opens_with: None,
    }
}

const fn before(
    rule: &'static str,
    act: Option<&'static str>,
    act_type: &'static str,
    days: i64,
) -> StatutoryWindow {
    StatutoryWindow {
        rule,
        anchor: "h",
        anchor_type: "hearing",
        act,
        act_type,
        limit: Limit::DaysBefore(days),
        opens_with: Some("court_acceptance"),
    }
}

/// The statutory windows of the cn-criminal pack, by the rule that checks
/// each: 24 hours after a detention or an arrest (family notice, delivery to
/// the detention house, interrogation), 7 days after an arrest request,
/// the custody and review periods, 3 days to notify the right to counsel,
/// 10 and 3 days before the hearing, the trial periods from the acceptance,
/// and 5 days to serve the judgment.
pub const CN_CRIMINAL_WINDOWS: &[StatutoryWindow] = &[
    win(
        "cn.cpl.085.detention_family_notice",
        "x",
        "detention",
        Some("n"),
        "family_notice",
        Limit::Hours(24),
    ),
    win(
        "cn.cpl.085.detention_to_custody",
        "x",
        "detention",
        Some("c"),
        "custody_delivery",
        Limit::Hours(24),
    ),
    win(
        "cn.cpl.086.detention_interrogation",
        "x",
        "detention",
        Some("i"),
        "interrogation",
        Limit::Hours(24),
    ),
    win(
        "cn.cpl.091.arrest_request",
        "x",
        "detention",
        Some("r"),
        "arrest_request",
        Limit::Var("limit"),
    ),
    win(
        "cn.cpl.091.arrest_decision",
        "q",
        "arrest_request",
        Some("a"),
        "arrest_decision",
        Limit::Days(7),
    ),
    win(
        "cn.cpl.093.arrest_family_notice",
        "r",
        "arrest",
        Some("n"),
        "family_notice",
        Limit::Hours(24),
    ),
    win(
        "cn.cpl.094.arrest_interrogation",
        "r",
        "arrest",
        Some("i"),
        "interrogation",
        Limit::Hours(24),
    ),
    win(
        "cn.cpl.156.investigation_custody",
        "r",
        "arrest",
        Some("t"),
        "transfer_for_prosecution",
        Limit::Var("limit"),
    ),
    win(
        "cn.cpl.172.review_period",
        "t",
        "transfer_for_prosecution",
        Some("i"),
        "indictment",
        Limit::Var("limit"),
    ),
    win(
        "cn.cpl.034.counsel_notice_prosecution",
        "t",
        "transfer_for_prosecution",
        Some("n"),
        "counsel_notice",
        Limit::Days(3),
    ),
    win(
        "cn.cpl.034.counsel_notice_court",
        "a",
        "court_acceptance",
        Some("n"),
        "counsel_notice",
        Limit::Days(3),
    ),
    before(
        "cn.cpl.187.indictment_service",
        Some("s"),
        "indictment_service",
        10,
    ),
    before("cn.cpl.187.trial_notice", Some("n"), "trial_notice", 3),
    before(
        "cn.cpl.187.public_announcement",
        Some("n"),
        "trial_announcement",
        3,
    ),
    win(
        "cn.cpl.208.trial_period",
        "a",
        "court_acceptance",
        Some("j"),
        "judgment",
        Limit::MonthsPlus(3, "extra"),
    ),
    win(
        "cn.cpl.220.simplified_period",
        "a",
        "court_acceptance",
        Some("j"),
        "judgment",
        Limit::Var("limit"),
    ),
    win(
        "cn.cpl.225.fasttrack_period",
        "a",
        "court_acceptance",
        Some("j"),
        "judgment",
        Limit::Var("limit"),
    ),
    win(
        "cn.cpl.202.judgment_service",
        "j",
        "judgment",
        Some("s"),
        "judgment_service",
        Limit::Days(5),
    ),
];

/// Event types that put a defendant in custody.
const CUSTODY_STARTS: &[&str] = &["detention", "arrest"];
/// Event types that end custody.
const CUSTODY_ENDS: &[&str] = &["release", "bail", "residential_surveillance"];
/// Event types that start a non-custodial measure.
const MEASURES: &[&str] = &["bail", "residential_surveillance"];
/// The pack's table of statutory ranges by crime and tier, and its month columns.
const RANGE_TABLE: &str = "statutory_range";
/// The worksheet views.
const WORKSHEET_VIEW: &str = "sentencing_worksheet";
const CIRCUMSTANCE_VIEW: &str = "sentencing_circumstances";

// ------------------------------------------------------------ page texts

/// The page's own texts: key, Chinese, English.
const UI: &[(&str, &str, &str)] = &[
    ("doc_title", "案件审查报告", "Case review"),
    ("timeline", "诉讼时间线", "Procedural timeline"),
    ("findings", "审查发现", "Findings"),
    ("pending", "待履行义务", "Pending obligations"),
    ("worksheet", "量刑计算", "Sentencing worksheet"),
    ("parties", "诉讼参与人", "Parties"),
    ("evidence", "证据", "Evidence"),
    ("case_level", "案件整体", "The case as a whole"),
    ("sev_error", "错误", "Errors"),
    ("sev_warning", "警告", "Warnings"),
    ("sev_info", "提示", "Notes"),
    ("error", "错误", "error"),
    ("warning", "警告", "warning"),
    ("info", "提示", "note"),
    ("pending_one", "待履行", "pending"),
    ("no_findings", "未发现问题。", "No findings."),
    (
        "no_pending",
        "截至该日没有待履行的义务。",
        "No obligation is pending on that day.",
    ),
    ("why", "触发依据", "Why it fired"),
    ("bindings", "绑定", "Binding"),
    ("searched", "查找", "Searched"),
    ("candidates", "个候选", "candidate(s)"),
    ("nearest", "最接近", "nearest"),
    ("custody_row", "羁押与强制措施", "Custody and measures"),
    ("custody", "羁押", "custody"),
    ("measure", "非羁押措施", "non-custodial"),
    ("missing", "缺失", "missing"),
    ("late", "超出", "late by"),
    ("as_of", "审查基准日", "as of"),
    ("due", "期限", "due"),
    ("days_left", "剩余", "left"),
    ("overdue", "已届满", "due today"),
    ("day_unit", "日", " d"),
    ("hour_unit", "小时", " h"),
    ("minute_unit", "分", " min"),
    ("month_unit", "个月", " months"),
    ("months_axis", "月", "months"),
    ("procedure", "程序", "procedure"),
    ("court_level", "法院层级", "court level"),
    ("region", "地区", "region"),
    ("pack", "规则包", "rule pack"),
    ("defendants", "被告人", "defendants"),
    ("summary_errors", "项错误", "errors"),
    ("summary_warnings", "项警告", "warnings"),
    ("summary_pending", "项待履行", "pending"),
    ("legend_event", "诉讼行为", "act"),
    (
        "legend_via",
        "向辩护人/代理人所为",
        "act on a representative",
    ),
    ("legend_window", "法定期间", "statutory window"),
    ("legend_overrun", "超出期间", "overrun"),
    (
        "legend_missing",
        "缺失的行为（期限处）",
        "missing act, at its deadline",
    ),
    ("legend_pin", "审查发现编号", "finding number"),
    (
        "axis_note",
        "时间轴按事件压缩，≈ 表示省略的空白日期。",
        "The axis is compressed between acts; ≈ marks skipped days.",
    ),
    (
        "click_hint",
        "点击某一发现可在时间线上突出显示相关行为。",
        "Click a finding to highlight its acts on the timeline.",
    ),
    (
        "off_timeline",
        "不涉及具体日期的发现",
        "Findings not tied to a date",
    ),
    ("statutory_range", "法定刑幅度", "statutory range"),
    ("starting_point", "量刑起点", "starting point"),
    ("so_band", "参考区间", "SO2021 band"),
    ("declared", "宣告刑", "sentence"),
    (
        "no_band",
        "本罪名无SO2021量刑起点，仅显示法定刑幅度。",
        "No SO2021 starting point for this crime: the statutory range only.",
    ),
    ("circumstances", "量刑情节", "Sentencing circumstances"),
    (
        "no_circumstances",
        "无量刑情节。",
        "No sentencing circumstances.",
    ),
    ("role", "身份", "role"),
    ("name", "姓名", "name"),
    ("id", "编号", "id"),
    ("birth_date", "出生日期", "born"),
    ("represents", "代理/辩护", "represents"),
    ("type", "种类", "type"),
    ("provided_by", "提供人", "provided by"),
    ("collected_on", "收集日期", "collected"),
    ("supports", "证明", "supports"),
    ("asserts", "所证事实", "asserts"),
    ("signed", "签名", "signed"),
    ("excluded", "排除", "excluded"),
    ("flags", "发现", "findings"),
    ("amount", "数额", "amount"),
    ("offense_date", "犯罪日期", "offence date"),
    ("blood_alcohol", "血液酒精含量", "blood alcohol"),
    ("crime", "罪名", "crime"),
    ("penalty", "刑种", "penalty"),
    ("term", "刑期", "term"),
    ("completed_on", "刑罚执行完毕", "completed"),
    ("yes", "是", "yes"),
    ("no", "否", "no"),
    (
        "conflict_note",
        "红色标出的为同一罪名下相互矛盾的证据主张。",
        "Assertions in red contradict another item supporting the same charge.",
    ),
    ("deadline", "期限", "deadline"),
    ("before", "前", " before"),
    ("by", "至", "by "),
    ("within", "在幅度内", "within the band"),
];

// ------------------------------------------------------------- context

struct Cx<'a> {
    prog: &'a Program,
    g: &'a CaseGraph,
    lang: String,
    zh: bool,
    as_of: Option<Date>,
}

impl<'a> Cx<'a> {
    fn new(prog: &'a Program, g: &'a CaseGraph, lang: String, as_of: Option<Date>) -> Self {
        let zh = lang == "zh" || lang.starts_with("zh-");
        Cx {
            prog,
            g,
            lang,
            zh,
            as_of,
        }
    }

    fn t(&self, key: &str) -> String {
        UI.iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, zh, en)| if self.zh { *zh } else { *en })
            .unwrap_or(key)
            .to_string()
    }

    fn kind(&self, n: NodeIx) -> &str {
        let schema = self.g.schema();
        schema
            .kind(self.g.node_kind(n))
            .map_or("", |k| k.name.as_str())
    }

    fn kind_label(&self, name: &str) -> String {
        self.g
            .schema()
            .node_kind(name)
            .and_then(|k| self.prog.labels.kinds.get(&k))
            .and_then(|m| m.get(&self.lang))
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    fn field(&self, n: NodeIx, name: &str) -> Option<&Value> {
        let f = self.g.schema().field(self.g.node_kind(n), name)?;
        self.g.field(n, f)
    }

    fn enum_of(&self, n: NodeIx, name: &str) -> Option<(EnumId, u16)> {
        let schema = self.g.schema();
        let k = self.g.node_kind(n);
        let f = schema.field(k, name)?;
        let e = schema.field_def(k, f)?.ty.enum_id()?;
        Some((e, self.g.field(n, f)?.as_enum()?))
    }

    fn enum_name(&self, n: NodeIx, name: &str) -> Option<&str> {
        let (e, v) = self.enum_of(n, name)?;
        self.g.schema().enum_value_name(e, v)
    }

    fn label(&self, e: EnumId, v: u16) -> String {
        self.prog
            .labels
            .enum_values
            .get(&(e, v))
            .and_then(|m| m.get(&self.lang))
            .cloned()
            .or_else(|| self.g.schema().enum_value_name(e, v).map(str::to_string))
            .unwrap_or_else(|| v.to_string())
    }

    fn has_label(&self, e: EnumId, v: u16) -> bool {
        self.prog
            .labels
            .enum_values
            .get(&(e, v))
            .is_some_and(|m| m.contains_key(&self.lang))
    }

    fn enum_label(&self, n: NodeIx, name: &str) -> Option<String> {
        let (e, v) = self.enum_of(n, name)?;
        Some(self.label(e, v))
    }

    /// The label of an enum value of a node kind's field, by value name.
    fn value_label(&self, kind: &str, field: &str, value: &str) -> String {
        let schema = self.g.schema();
        let found = (|| {
            let k = schema.node_kind(kind)?;
            let f = schema.field(k, field)?;
            let e = schema.field_def(k, f)?.ty.enum_id()?;
            let v = schema.enum_value(e, value)?;
            Some(self.label(e, v))
        })();
        found.unwrap_or_else(|| value.to_string())
    }

    /// The index of a value name in a node kind's enum field (its declared order).
    fn value_rank(&self, kind: &str, field: &str, value: &str) -> Option<u16> {
        let schema = self.g.schema();
        let k = schema.node_kind(kind)?;
        let f = schema.field(k, field)?;
        let e = schema.field_def(k, f)?.ty.enum_id()?;
        schema.enum_value(e, value)
    }

    fn text(&self, n: NodeIx, name: &str) -> Option<String> {
        self.field(n, name)?.as_text().map(str::to_string)
    }

    fn date(&self, n: NodeIx, name: &str) -> Option<Date> {
        self.field(n, name)?.as_date()
    }

    fn targets(&self, n: NodeIx, edge: &str) -> Vec<NodeIx> {
        let Some(k) = self.g.schema().edge_kind(edge) else {
            return vec![];
        };
        let mut v: Vec<NodeIx> = self
            .g
            .out_edges(n, k)
            .iter()
            .map(|e| self.g.edge_target(*e))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn is_defendant(&self, n: NodeIx) -> bool {
        self.kind(n) == "person" && self.enum_name(n, "role") == Some("defendant")
    }

    fn defendants(&self) -> Vec<NodeIx> {
        self.g.nodes().filter(|n| self.is_defendant(*n)).collect()
    }

    fn id(&self, n: NodeIx) -> &str {
        self.g.node_id(n)
    }

    /// A person's name, or the node id (for a blank name too).
    fn who(&self, n: NodeIx) -> String {
        self.text(n, "name")
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| self.g.node_id(n).to_string())
    }

    fn is_event(&self, n: NodeIx) -> bool {
        self.kind(n) == "event"
    }

    fn event_type(&self, n: NodeIx) -> Option<&str> {
        if !self.is_event(n) {
            return None;
        }
        self.enum_name(n, "type")
    }

    /// When an act happened: to the minute when it has a time (`true`), else noon.
    fn moment(&self, n: NodeIx) -> Option<(DateTime, bool)> {
        let d = self.date(n, "date")?;
        match self.field(n, "time").and_then(Value::as_time) {
            Some(t) => Some((d.to_datetime(t), true)),
            None => Some((d.to_datetime(noon()), false)),
        }
    }

    fn node_of_value(&self, shown: &str) -> Option<NodeIx> {
        // `e02 (event detention 2024-03-06 01:20)`: the id comes first.
        if let Some(n) = self.g.node_by_id(shown) {
            return Some(n);
        }
        shown
            .match_indices(" (")
            .find_map(|(i, _)| self.g.node_by_id(shown.get(..i)?))
    }

    fn rule_title(&self, rule: &str) -> String {
        self.prog
            .rules
            .iter()
            .find(|r| r.id == rule)
            .and_then(|r| r.title.by_lang.get(&self.lang))
            .map(|pieces| {
                pieces
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Lit(s) => Some(s.as_str()),
                        Piece::Hole(_) => None,
                    })
                    .collect::<String>()
            })
            .unwrap_or_else(|| rule.to_string())
    }
}

fn noon() -> Time {
    Time::constant(12, 0, 0, 0)
}

// --------------------------------------------------------------- escaping

/// Escapes text for HTML and XML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Characters XML forbids: dropped rather than emitted.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn esc(s: &str) -> String {
    escape(s)
}

/// A JSON array of strings, for a `data-` attribute (escaped).
fn json_attr(items: &[String]) -> String {
    esc(&serde_json::to_string(items).unwrap_or_else(|_| "[]".into()))
}

fn num(v: f64) -> String {
    // Coordinates: one decimal, no `-0.0`.
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Rough width of a text in pixels at a font size: CJK and other wide
/// characters one em, the rest about half.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(1);
            if w >= 2 { size } else { size * 0.56 }
        })
        .sum()
}

// ------------------------------------------------------------- findings

struct Fv<'a> {
    f: &'a Finding,
    num: usize,
    id: String,
    who: Option<NodeIx>,
    trace: Option<&'a BindingTrace>,
}

impl Fv<'_> {
    fn pending(&self) -> bool {
        self.f.is_pending()
    }
    fn sev_class(&self) -> &'static str {
        if self.pending() {
            "pending"
        } else {
            severity_name(self.f.severity)
        }
    }
}

/// Findings in page order: breaches grouped by defendant (in id order, the
/// case last), errors first; then pending obligations by due date. Numbered
/// from 1 in that order.
fn order_findings<'a>(
    cx: &Cx<'_>,
    report: &'a Report,
    explanations: &'a [Explanation],
) -> Vec<Fv<'a>> {
    let who = |f: &Finding| {
        f.nodes
            .iter()
            .filter_map(|id| cx.g.node_by_id(id))
            .find(|n| cx.is_defendant(*n))
    };
    let mut breaches: Vec<(usize, &Finding)> = report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_pending())
        .collect();
    breaches.sort_by_key(|(i, f)| {
        let w = who(f);
        (w.is_none(), w, std::cmp::Reverse(f.severity), *i)
    });
    let mut pending: Vec<(usize, &Finding)> = report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_pending())
        .collect();
    pending.sort_by(|a, b| {
        (&a.1.due, &a.1.rule, &a.1.nodes, a.0).cmp(&(&b.1.due, &b.1.rule, &b.1.nodes, b.0))
    });
    breaches
        .into_iter()
        .chain(pending)
        .enumerate()
        .map(|(k, (_, f))| Fv {
            f,
            num: k + 1,
            id: format!("f{}", k + 1),
            who: who(f),
            trace: trace_of(cx, f, explanations),
        })
        .collect()
}

/// The binding of the finding's rule that raised it.
fn trace_of<'a>(
    cx: &Cx<'_>,
    f: &Finding,
    explanations: &'a [Explanation],
) -> Option<&'a BindingTrace> {
    let x = explanations.iter().find(|x| x.rule == f.rule)?;
    let want: BTreeSet<&str> = f.nodes.iter().map(String::as_str).collect();
    x.bindings
        .iter()
        .filter(|b| b.outcome == "fired" || b.outcome == "pending")
        .find(|b| {
            let have: BTreeSet<&str> = b
                .values
                .iter()
                .filter_map(|(_, v)| cx.node_of_value(v))
                .map(|n| cx.id(n))
                .collect();
            want.is_subset(&have)
        })
}

// ------------------------------------------------------------- timeline

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Met,
    Pending,
    Fired,
}

struct TlEvent {
    n: NodeIx,
    at: DateTime,
    exact: bool,
    /// The act was done on someone representing the defendant (a defender).
    via: Option<NodeIx>,
    /// The act concerns every defendant (it has no subject).
    shared: bool,
    rank: u16,
}

#[derive(Clone)]
struct Window {
    spec: &'static StatutoryWindow,
    anchor: NodeIx,
    start: DateTime,
    end: DateTime,
    /// The deadline as the law reads it: a day, or a day and a time.
    deadline: String,
    act: Option<NodeIx>,
    outcome: Outcome,
    finding: Option<usize>,
    rank: u16,
}

struct Bar {
    start: DateTime,
    end: DateTime,
    open: bool,
    custody: bool,
}

struct Timeline {
    d: NodeIx,
    events: Vec<TlEvent>,
    windows: Vec<Window>,
    bars: Vec<Bar>,
    /// Event → findings (indexes into the ordered findings).
    pins: BTreeMap<NodeIx, Vec<usize>>,
    /// Findings about this defendant not tied to an act on the timeline.
    loose: Vec<usize>,
    /// Timeline rows: event-type ranks, in order.
    rows: Vec<u16>,
}

fn start_of(d: Date) -> DateTime {
    d.to_datetime(Time::midnight())
}

fn end_of(d: Date) -> DateTime {
    d.tomorrow()
        .map_or_else(|_| d.to_datetime(Time::MAX), start_of)
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().try_days(n).ok()?).ok()
}

fn add_months(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().try_months(n).ok()?).ok()
}

/// `2024-03-07 01:20` → that moment; `2024-06-29` → the end of that day.
fn parse_deadline(s: &str) -> Option<(DateTime, String)> {
    let s = s.trim();
    if let Some((d, t)) = s.split_once(' ') {
        let d: Date = d.parse().ok()?;
        let t: Time = t.parse().ok()?;
        return Some((d.to_datetime(t), s.to_string()));
    }
    let d: Date = s.parse().ok()?;
    Some((end_of(d), d.to_string()))
}

fn fmt_moment(t: DateTime) -> String {
    format!("{} {}", t.date(), t.time().strftime("%H:%M"))
}

fn window_end(
    cx: &Cx<'_>,
    spec: &StatutoryWindow,
    anchor: NodeIx,
    vars: &BTreeMap<String, String>,
) -> Option<(DateTime, String)> {
    let (at, exact) = cx.moment(anchor)?;
    let day = at.date();
    match spec.limit {
        Limit::Hours(h) => {
            if exact {
                let t = at.checked_add(SignedDuration::from_hours(h)).ok()?;
                Some((t, fmt_moment(t)))
            } else {
                let d = add_days(day, (h + 23) / 24)?;
                Some((end_of(d), d.to_string()))
            }
        }
        Limit::Days(n) => add_days(day, n).map(|d| (end_of(d), d.to_string())),
        Limit::Months(n) => add_months(day, n).map(|d| (end_of(d), d.to_string())),
        Limit::MonthsPlus(n, var) => {
            let extra: i64 = vars.get(var).and_then(|v| v.parse().ok()).unwrap_or(0);
            add_months(day, n + extra).map(|d| (end_of(d), d.to_string()))
        }
        Limit::DaysBefore(n) => add_days(day, -n).map(|d| (end_of(d), d.to_string())),
        Limit::Var(var) => {
            let v = vars.get(var)?;
            if let Ok(days) = v.parse::<i64>() {
                add_days(day, days).map(|d| (end_of(d), d.to_string()))
            } else {
                parse_deadline(v)
            }
        }
    }
}

/// A binding of a window's rule: its values by name, the nodes it binds,
/// how it came out and when it falls due.
type Binding = (
    BTreeMap<String, String>,
    Vec<NodeIx>,
    Outcome,
    Option<String>,
);

/// The windows the explanations (or, for rules not explained, the findings) show.
fn collect_windows(
    cx: &Cx<'_>,
    findings: &[Fv<'_>],
    explanations: &[Explanation],
) -> Vec<(Option<NodeIx>, Window)> {
    let mut out = vec![];
    let type_rank = |t: &str| cx.value_rank("event", "type", t);
    for spec in CN_CRIMINAL_WINDOWS {
        let Some(rank) = type_rank(spec.act_type) else {
            continue;
        };
        // (values by name, nodes bound, outcome, due)
        let mut bindings: Vec<Binding> = vec![];
        if let Some(x) = explanations.iter().find(|x| x.rule == spec.rule) {
            for b in &x.bindings {
                let outcome = match b.outcome.as_str() {
                    "fired" => Outcome::Fired,
                    "pending" => Outcome::Pending,
                    "met" => Outcome::Met,
                    _ => continue,
                };
                let vars: BTreeMap<String, String> = b.values.iter().cloned().collect();
                let nodes = b
                    .values
                    .iter()
                    .filter_map(|(_, v)| cx.node_of_value(v))
                    .collect();
                bindings.push((vars, nodes, outcome, b.due.clone()));
            }
        } else {
            for f in findings.iter().filter(|f| f.f.rule == spec.rule) {
                let nodes: Vec<NodeIx> =
                    f.f.nodes
                        .iter()
                        .filter_map(|id| cx.g.node_by_id(id))
                        .collect();
                let mut vars = BTreeMap::new();
                if let Some(a) = nodes
                    .iter()
                    .find(|n| cx.event_type(**n) == Some(spec.anchor_type))
                {
                    vars.insert(spec.anchor.to_string(), cx.id(*a).to_string());
                }
                if let (Some(var), Some(act)) = (
                    spec.act,
                    nodes
                        .iter()
                        .find(|n| cx.event_type(**n) == Some(spec.act_type)),
                ) {
                    vars.insert(var.to_string(), cx.id(*act).to_string());
                }
                let outcome = if f.pending() {
                    Outcome::Pending
                } else {
                    Outcome::Fired
                };
                bindings.push((vars, nodes, outcome, f.f.due.clone()));
            }
        }
        for (vars, nodes, outcome, due) in bindings {
            let Some(anchor) = vars.get(spec.anchor).and_then(|v| cx.node_of_value(v)) else {
                continue;
            };
            if !cx.is_event(anchor) {
                continue;
            }
            let end = match due.as_deref().and_then(parse_deadline) {
                Some(e) => Some(e),
                None => window_end(cx, spec, anchor, &vars),
            };
            let (Some((end, deadline)), Some((anchor_at, exact))) = (end, cx.moment(anchor)) else {
                continue;
            };
            let start = match spec.limit {
                Limit::DaysBefore(n) => {
                    let opened = spec.opens_with.and_then(|t| {
                        cx.g.nodes()
                            .filter(|e| cx.event_type(*e) == Some(t))
                            .filter_map(|e| cx.date(e, "date"))
                            .min()
                    });
                    match opened {
                        Some(d) if start_of(d) < end => start_of(d),
                        _ => add_days(end.date(), -n).map_or(end, start_of),
                    }
                }
                Limit::Hours(_) if exact => anchor_at,
                _ => start_of(anchor_at.date()),
            };
            let act = spec
                .act
                .and_then(|v| vars.get(v))
                .and_then(|v| cx.node_of_value(v))
                .filter(|n| cx.is_event(*n));
            let who = nodes.iter().copied().find(|n| cx.is_defendant(*n));
            let ids: BTreeSet<&str> = nodes.iter().map(|n| cx.id(*n)).collect();
            let finding = findings.iter().position(|f| {
                f.f.rule == spec.rule && f.f.nodes.iter().all(|id| ids.contains(id.as_str()))
            });
            out.push((
                who,
                Window {
                    spec,
                    anchor,
                    start,
                    end,
                    deadline,
                    act,
                    outcome,
                    finding: if outcome == Outcome::Met {
                        None
                    } else {
                        finding
                    },
                    rank,
                },
            ));
        }
    }
    out
}

fn build_timelines(
    cx: &Cx<'_>,
    findings: &[Fv<'_>],
    explanations: &[Explanation],
) -> Vec<Timeline> {
    let all_windows = collect_windows(cx, findings, explanations);
    let events: Vec<NodeIx> = cx.g.nodes().filter(|n| cx.is_event(*n)).collect();
    let mut out = vec![];
    for d in cx.defendants() {
        let mut evs = vec![];
        for &e in &events {
            let subjects = cx.targets(e, "subject");
            let (via, shared) = if subjects.is_empty() {
                (None, true)
            } else if subjects.contains(&d) {
                (None, false)
            } else if let Some(p) = subjects
                .iter()
                .copied()
                .find(|p| cx.targets(*p, "represents").contains(&d))
            {
                (Some(p), false)
            } else {
                continue;
            };
            let (Some((at, exact)), Some(rank)) = (
                cx.moment(e),
                cx.event_type(e)
                    .and_then(|t| cx.value_rank("event", "type", t)),
            ) else {
                continue;
            };
            evs.push(TlEvent {
                n: e,
                at,
                exact,
                via,
                shared,
                rank,
            });
        }
        evs.sort_by_key(|e| (e.at, e.rank, e.n));

        // Windows: this defendant's and the case's, one per row and span.
        let mut windows: BTreeMap<(u16, DateTime, DateTime), Window> = BTreeMap::new();
        for (who, w) in &all_windows {
            if who.is_some_and(|w| w != d) {
                continue;
            }
            let key = (w.rank, w.start, w.end);
            match windows.get(&key) {
                Some(old) if old.outcome >= w.outcome => {}
                _ => {
                    windows.insert(key, w.clone());
                }
            }
        }
        let windows: Vec<Window> = windows.into_values().collect();

        // Custody and measures.
        let mut bars = vec![];
        let mut custody: Option<DateTime> = None;
        let mut measure: Option<DateTime> = None;
        let last = evs.iter().map(|e| e.at).max();
        for e in evs.iter().filter(|e| !e.shared && e.via.is_none()) {
            let Some(t) = cx.event_type(e.n) else {
                continue;
            };
            if CUSTODY_STARTS.contains(&t) {
                if let Some(s) = measure.take() {
                    bars.push(Bar {
                        start: s,
                        end: e.at,
                        open: false,
                        custody: false,
                    });
                }
                if custody.is_none() {
                    custody = Some(e.at);
                }
            } else if CUSTODY_ENDS.contains(&t) {
                if let Some(s) = custody.take() {
                    bars.push(Bar {
                        start: s,
                        end: e.at,
                        open: false,
                        custody: true,
                    });
                }
                if let Some(s) = measure.take() {
                    bars.push(Bar {
                        start: s,
                        end: e.at,
                        open: false,
                        custody: false,
                    });
                }
                if MEASURES.contains(&t) {
                    measure = Some(e.at);
                }
            }
        }
        if let Some(last) = last {
            for (s, c) in [(custody, true), (measure, false)] {
                if let Some(s) = s {
                    bars.push(Bar {
                        start: s,
                        end: last.max(s),
                        open: true,
                        custody: c,
                    });
                }
            }
        }
        bars.sort_by_key(|b| (b.start, b.end));

        // Pins: each finding about this defendant (or about no defendant) on
        // the acts it names.
        let on_line: BTreeSet<NodeIx> = evs.iter().map(|e| e.n).collect();
        let mut pins: BTreeMap<NodeIx, Vec<usize>> = BTreeMap::new();
        let mut loose = vec![];
        for (i, f) in findings.iter().enumerate() {
            if f.who.is_some_and(|w| w != d) {
                continue;
            }
            let mut pinned = false;
            for n in f.f.nodes.iter().filter_map(|id| cx.g.node_by_id(id)) {
                if on_line.contains(&n) {
                    pins.entry(n).or_default().push(i);
                    pinned = true;
                }
            }
            let marked = windows.iter().any(|w| w.finding == Some(i));
            if f.who == Some(d) && !pinned && !marked {
                loose.push(i);
            }
        }
        for v in pins.values_mut() {
            v.sort();
            v.dedup();
        }

        let mut rows: BTreeSet<u16> = evs.iter().map(|e| e.rank).collect();
        rows.extend(windows.iter().map(|w| w.rank));
        out.push(Timeline {
            d,
            events: evs,
            windows,
            bars,
            pins,
            loose,
            rows: rows.into_iter().collect(),
        });
    }
    out
}

/// A date axis compressed between the days that matter: each such day gets
/// a slot (wider when busy), the empty days between two of them a gap that
/// grows with the logarithm of their number.
struct Axis {
    days: Vec<Date>,
    x0: Vec<f64>,
    w: Vec<f64>,
    left: f64,
    right: f64,
}

impl Axis {
    fn new(weights: &BTreeMap<Date, f64>, left: f64, right: f64) -> Axis {
        let days: Vec<Date> = weights.keys().copied().collect();
        let mut units = vec![];
        let mut prev: Option<Date> = None;
        for d in &days {
            let gap = prev.map_or(0.0, |p| {
                let g = (*d - p).get_days() as f64 - 1.0;
                if g <= 0.0 {
                    0.0
                } else {
                    0.45 * (1.0 + g).ln() + 0.1
                }
            });
            units.push((gap, weights.get(d).copied().unwrap_or(1.0)));
            prev = Some(*d);
        }
        let total: f64 = units.iter().map(|(g, w)| g + w).sum::<f64>().max(1.0);
        let scale = (right - left) / total;
        let (mut x0, mut w) = (vec![], vec![]);
        let mut x = left;
        for (g, dw) in units {
            x += g * scale;
            x0.push(x);
            w.push(dw * scale);
            x += dw * scale;
        }
        Axis {
            days,
            x0,
            w,
            left,
            right,
        }
    }

    fn slot(&self, i: usize) -> (f64, f64) {
        (
            self.x0.get(i).copied().unwrap_or(self.left),
            self.w.get(i).copied().unwrap_or(0.0),
        )
    }

    fn x(&self, t: DateTime) -> f64 {
        let d = t.date();
        let frac_of_day = |t: DateTime| {
            let s = t.time().duration_since(Time::midnight()).as_secs_f64();
            (s / 86_400.0).clamp(0.0, 1.0)
        };
        match self.days.binary_search(&d) {
            Ok(i) => {
                let (x0, w) = self.slot(i);
                x0 + w * frac_of_day(t)
            }
            Err(0) => self.left,
            Err(i) if i >= self.days.len() => self.right,
            Err(i) => {
                let (a0, aw) = self.slot(i - 1);
                let (b0, _) = self.slot(i);
                let (Some(a), Some(b)) = (self.days.get(i - 1), self.days.get(i)) else {
                    return self.left;
                };
                let gap_start = end_of(*a);
                let gap_end = start_of(*b);
                let total = gap_end.duration_since(gap_start).as_secs_f64();
                let part = t.duration_since(gap_start).as_secs_f64();
                let f = if total > 0.0 {
                    (part / total).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                a0 + aw + (b0 - a0 - aw) * f
            }
        }
    }
}

/// The last day a window covers.
fn last_day(end: DateTime) -> Date {
    if end.time() == Time::midnight() {
        end.date().yesterday().unwrap_or(end.date())
    } else {
        end.date()
    }
}

fn build_axis(cx: &Cx<'_>, timelines: &[Timeline], left: f64, right: f64) -> Axis {
    let mut weights: BTreeMap<Date, f64> = BTreeMap::new();
    for tl in timelines {
        let mut per_day: BTreeMap<Date, f64> = BTreeMap::new();
        for e in &tl.events {
            *per_day.entry(e.at.date()).or_insert(0.0) += 1.0;
        }
        for w in &tl.windows {
            per_day.entry(w.start.date()).or_insert(0.0);
            let end = per_day.entry(last_day(w.end)).or_insert(0.0);
            if w.outcome != Outcome::Met {
                *end += 1.5;
            }
        }
        for b in &tl.bars {
            per_day.entry(b.start.date()).or_insert(0.0);
            per_day.entry(b.end.date()).or_insert(0.0);
        }
        for (d, n) in per_day {
            let w = weights.entry(d).or_insert(0.0);
            *w = w.max(n);
        }
    }
    if let Some(d) = cx.as_of {
        weights.entry(d).or_insert(0.0);
    }
    let weights = weights
        .into_iter()
        .map(|(d, n)| {
            let w = if n <= 0.0 {
                0.5
            } else {
                1.0 + 0.9 * (n - 1.0).clamp(0.0, 6.0)
            };
            (d, w)
        })
        .collect();
    Axis::new(&weights, left, right)
}

// ------------------------------------------------------------ rendering

const SVG_W: f64 = 1120.0;
const ROW_H: f64 = 30.0;

fn page_head(cx: &Cx<'_>, report: &Report, out: &mut String) {
    let html_lang = if cx.zh {
        "zh-CN".to_string()
    } else {
        cx.lang.clone()
    };
    out.push_str("<!DOCTYPE html>\n");
    out.push_str(&format!(
        "<html lang=\"{}\" xml:lang=\"{}\">\n<head>\n<meta charset=\"utf-8\" />\n",
        esc(&html_lang),
        esc(&html_lang)
    ));
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\" />\n",
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n");
    out.push_str("<meta name=\"generator\" content=\"caselint\" />\n");
    out.push_str(&format!(
        "<title>{} · {}</title>\n",
        esc(&report.case),
        esc(&cx.t("doc_title"))
    ));
    out.push_str("<style>/*<![CDATA[*/\n");
    out.push_str(CSS);
    out.push_str("/*]]>*/</style>\n");
    out.push_str("<script>/*<![CDATA[*/\n");
    out.push_str(HEAD_SCRIPT);
    out.push_str("/*]]>*/</script>\n</head>\n");
}

fn page_header(cx: &Cx<'_>, report: &Report, findings: &[Fv<'_>], out: &mut String) {
    out.push_str("<body>\n");
    // Shared SVG patterns.
    out.push_str(
        "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\" xmlns=\"http://www.w3.org/2000/svg\"><defs>\
<pattern id=\"hatch-late\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fbe3e1\"></rect><rect width=\"2.5\" height=\"6\" fill=\"#c62828\"></rect></pattern>\
<pattern id=\"hatch-measure\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#e9edf3\"></rect><rect width=\"1.2\" height=\"8\" fill=\"#b3bdcb\"></rect></pattern>\
</defs></svg>\n",
    );
    out.push_str("<header class=\"page-head\">\n");
    out.push_str(&format!(
        "<div class=\"kicker\">{}</div>\n<h1 class=\"case-no\">{}</h1>\n",
        esc(&cx.t("doc_title")),
        esc(&report.case)
    ));
    let mut meta = vec![];
    if let Some(c) = cx.g.nodes().find(|n| cx.kind(*n) == "case") {
        if let Some(p) = cx.enum_label(c, "procedure") {
            meta.push(p);
        }
        if let Some((e, v)) = cx.enum_of(c, "court_level")
            && cx.has_label(e, v)
        {
            meta.push(cx.label(e, v));
        }
        if let Some(r) = cx.text(c, "region") {
            meta.push(format!("{} {}", cx.t("region"), r));
        }
    }
    if let Some(d) = cx.as_of {
        meta.push(format!("{} {}", cx.t("as_of"), d));
    }
    meta.push(format!("{} {}", cx.t("pack"), cx.prog.name));
    out.push_str("<p class=\"meta\">");
    for (i, m) in meta.iter().enumerate() {
        if i > 0 {
            out.push_str("<span class=\"sep\"> · </span>");
        }
        out.push_str(&format!("<span>{}</span>", esc(m)));
    }
    out.push_str("</p>\n");
    let count = |p: &dyn Fn(&Fv<'_>) -> bool| findings.iter().filter(|f| p(f)).count();
    let errors = count(&|f| !f.pending() && f.f.severity == Severity::Error);
    let warnings = count(&|f| !f.pending() && f.f.severity == Severity::Warning);
    let pending = count(&|f| f.pending());
    out.push_str("<div class=\"summary\">");
    out.push_str(&format!(
        "<span class=\"count sev-error\"><b>{errors}</b> {}</span>",
        esc(&cx.t("summary_errors"))
    ));
    out.push_str(&format!(
        "<span class=\"count sev-warning\"><b>{warnings}</b> {}</span>",
        esc(&cx.t("summary_warnings"))
    ));
    if cx.as_of.is_some() {
        out.push_str(&format!(
            "<span class=\"count sev-pending\"><b>{pending}</b> {}</span>",
            esc(&cx.t("summary_pending"))
        ));
    }
    out.push_str("</div>\n");
    let ds = cx.defendants();
    if !ds.is_empty() {
        out.push_str(&format!(
            "<p class=\"defendants\"><span class=\"lbl\">{}</span>",
            esc(&cx.t("defendants"))
        ));
        for d in ds {
            let mut extra = vec![];
            if let Some(b) = cx.date(d, "birth_date") {
                extra.push(b.to_string());
            }
            out.push_str(&format!(
                "<a class=\"chip\" href=\"#tl-{}\" data-node=\"{}\">{} <span class=\"id\">{}</span></a>",
                esc(cx.id(d)),
                esc(cx.id(d)),
                esc(&cx.who(d)),
                esc(cx.id(d))
            ));
        }
        out.push_str("</p>\n");
    }
    // The findings at a glance: on screen an index, on paper the cover sheet.
    if !findings.is_empty() {
        out.push_str("<ol class=\"toc\">");
        for f in findings {
            let who = f
                .who
                .map(|d| cx.who(d))
                .unwrap_or_else(|| cx.t("case_level"));
            let sev = if f.pending() {
                cx.t("pending_one")
            } else {
                cx.t(severity_name(f.f.severity))
            };
            out.push_str(&format!(
                "<li class=\"toc-item sev-{}\"><a href=\"#{}\" data-finding=\"{}\"><span class=\"f-num\">{}</span><span class=\"toc-sev\">{}</span><span class=\"toc-who\">{}</span><span class=\"toc-title\">{}</span><span class=\"toc-cite\">{}</span></a></li>",
                f.sev_class(),
                f.id,
                f.id,
                f.num,
                esc(&sev),
                esc(&who),
                esc(f.f.title.as_str()),
                esc(f.f.citation.as_str())
            ));
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</header>\n<main>\n");
}

fn pin_label(f: &Fv<'_>) -> String {
    f.num.to_string()
}

fn timeline_section(cx: &Cx<'_>, timelines: &[Timeline], findings: &[Fv<'_>], out: &mut String) {
    out.push_str(&format!(
        "<section class=\"sec sec-timeline\" id=\"timeline\">\n<h2>{}</h2>\n",
        esc(&cx.t("timeline"))
    ));
    legend(cx, out);
    // The gutter fits the longest row label.
    let custody_label = cx.t("custody_row");
    let mut gutter = text_width(&custody_label, 12.0);
    for tl in timelines {
        for r in &tl.rows {
            gutter = gutter.max(text_width(&row_label(cx, *r), 12.0));
        }
    }
    let gutter = (gutter + 22.0).clamp(110.0, 260.0);
    let axis = build_axis(cx, timelines, gutter + 14.0, SVG_W - 24.0);
    for tl in timelines {
        timeline_svg(cx, tl, findings, &axis, gutter, out);
    }
    out.push_str(&format!(
        "<p class=\"note\">{}</p>\n</section>\n",
        esc(&cx.t("axis_note"))
    ));
}

fn row_label(cx: &Cx<'_>, rank: u16) -> String {
    let schema = cx.g.schema();
    let found = (|| {
        let k = schema.node_kind("event")?;
        let f = schema.field(k, "type")?;
        let e = schema.field_def(k, f)?.ty.enum_id()?;
        Some(cx.label(e, rank))
    })();
    found.unwrap_or_else(|| rank.to_string())
}

fn legend(cx: &Cx<'_>, out: &mut String) {
    out.push_str("<div class=\"legend\">");
    let items: [(&str, &str); 8] = [
        (
            "<circle cx=\"9\" cy=\"8\" r=\"5\" class=\"dot\"></circle>",
            "legend_event",
        ),
        (
            "<circle cx=\"9\" cy=\"8\" r=\"4.5\" class=\"dot via\"></circle>",
            "legend_via",
        ),
        (
            "<rect x=\"1\" y=\"3\" width=\"16\" height=\"10\" class=\"win-rect\"></rect>",
            "legend_window",
        ),
        (
            "<rect x=\"1\" y=\"3\" width=\"16\" height=\"10\" fill=\"url(#hatch-late)\"></rect>",
            "legend_overrun",
        ),
        (
            "<path d=\"M9 2 L15 8 L9 14 L3 8 Z\" class=\"miss-mark\"></path>",
            "legend_missing",
        ),
        (
            "<rect x=\"1\" y=\"4\" width=\"16\" height=\"8\" rx=\"2\" class=\"bar-custody\"></rect>",
            "custody",
        ),
        (
            "<rect x=\"1\" y=\"4\" width=\"16\" height=\"8\" rx=\"2\" fill=\"url(#hatch-measure)\"></rect>",
            "measure",
        ),
        (
            "<circle cx=\"9\" cy=\"8\" r=\"7\" class=\"pin-c sev-error\"></circle><text x=\"9\" y=\"11.5\" class=\"pin-t\">1</text>",
            "legend_pin",
        ),
    ];
    for (svg, key) in items {
        out.push_str(&format!(
            "<span class=\"lg\"><svg width=\"18\" height=\"16\" viewBox=\"0 0 18 16\" xmlns=\"http://www.w3.org/2000/svg\">{svg}</svg>{}</span>",
            esc(&cx.t(key))
        ));
    }
    out.push_str("</div>\n");
}

fn fmt_overrun(cx: &Cx<'_>, from: DateTime, to: DateTime, exact: bool) -> String {
    if exact {
        let mins = to.duration_since(from).as_mins();
        let (h, m) = (mins / 60, mins % 60);
        if h >= 48 {
            return format!("{} {}{}", cx.t("late"), h / 24, cx.t("day_unit")).replace("  ", " ");
        }
        let mut s = format!("{} {}{}", cx.t("late"), h, cx.t("hour_unit"));
        if m > 0 {
            s.push_str(&format!(" {m}{}", cx.t("minute_unit")));
        }
        if cx.zh {
            s = s.replace(' ', "");
        }
        s
    } else {
        let days = (last_day(to) - last_day(from)).get_days().max(1);
        let s = format!("{} {days}{}", cx.t("late"), cx.t("day_unit"));
        if cx.zh { s.replace(' ', "") } else { s }
    }
}

fn window_label(cx: &Cx<'_>, w: &Window) -> String {
    let short = |d: &str| d.get(5..10).unwrap_or(d).to_string();
    let s = match w.spec.limit {
        Limit::Hours(h) => format!("{h}{}", cx.t("hour_unit")),
        Limit::Days(n) => format!("{n}{}", cx.t("day_unit")),
        Limit::Months(n) => format!("{n}{}", cx.t("month_unit")),
        Limit::MonthsPlus(..) | Limit::Var(_) => {
            format!("{}{}", cx.t("by"), short(&w.deadline))
        }
        Limit::DaysBefore(n) => format!("{n}{}{}", cx.t("day_unit"), cx.t("before")),
    };
    s.trim().to_string()
}

fn timeline_svg(
    cx: &Cx<'_>,
    tl: &Timeline,
    findings: &[Fv<'_>],
    axis: &Axis,
    gutter: f64,
    out: &mut String,
) {
    let d = tl.d;
    let did = cx.id(d);
    out.push_str(&format!(
        "<section class=\"timeline\" id=\"tl-{}\" data-defendant=\"{}\">\n",
        esc(did),
        esc(did)
    ));
    let mut sub = vec![cx.value_label("person", "role", "defendant")];
    if let Some(b) = cx.date(d, "birth_date") {
        sub.push(format!("{} {b}", cx.t("birth_date")));
    }
    let n_find = findings
        .iter()
        .filter(|f| f.who == Some(d) && !f.pending())
        .count();
    out.push_str(&format!(
        "<h3 class=\"tl-title\">{} <span class=\"id\">{}</span> <span class=\"sub\">{}</span>",
        esc(&cx.who(d)),
        esc(did),
        esc(&sub.join(" · "))
    ));
    if n_find > 0 {
        out.push_str(&format!(" <span class=\"badge sev-error\">{n_find}</span>"));
    }
    out.push_str("</h3>\n");

    let has_custody = !tl.bars.is_empty();
    let top = 6.0;
    let n_rows = tl.rows.len() + usize::from(has_custody);
    let plot_h = n_rows as f64 * ROW_H;
    let height = top + plot_h + 40.0;
    let row_y = |rank: u16| -> f64 {
        let i = tl.rows.iter().position(|r| *r == rank).unwrap_or(0) + usize::from(has_custody);
        top + i as f64 * ROW_H
    };
    let cy = |rank: u16| row_y(rank) + 19.0;
    out.push_str(&format!(
        "<svg class=\"tl\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        num(SVG_W),
        num(height),
        esc(&format!("{} {}", cx.t("timeline"), cx.who(d)))
    ));

    // Rows: stripes and labels.
    out.push_str("<g class=\"rows\">");
    let mut labels: Vec<(f64, String, bool)> = vec![];
    if has_custody {
        labels.push((top, cx.t("custody_row"), true));
    }
    for r in &tl.rows {
        labels.push((row_y(*r), row_label(cx, *r), false));
    }
    for (i, (y, label, custody)) in labels.iter().enumerate() {
        out.push_str(&format!(
            "<rect class=\"row-bg{}\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"></rect>",
            if i % 2 == 0 { "" } else { " alt" },
            num(*y),
            num(SVG_W),
            num(ROW_H)
        ));
        out.push_str(&format!(
            "<text class=\"row-label{}\" x=\"{}\" y=\"{}\">{}</text>",
            if *custody { " custody" } else { "" },
            num(gutter),
            num(y + 19.0 + 4.0),
            esc(label)
        ));
    }
    out.push_str("</g>\n");

    // Grid: a line at the start of each day on the axis.
    out.push_str("<g class=\"grid\">");
    for i in 0..axis.days.len() {
        let (x0, _) = axis.slot(i);
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line>",
            num(x0),
            num(top),
            num(x0),
            num(top + plot_h)
        ));
    }
    out.push_str("</g>\n");

    // Statutory windows.
    out.push_str("<g class=\"windows\">");
    for w in &tl.windows {
        let (x1, x2) = (axis.x(w.start), axis.x(w.end));
        let y = row_y(w.rank) + 11.0;
        let cls = match w.outcome {
            Outcome::Met => "met",
            Outcome::Fired => "fired",
            Outcome::Pending => "pending",
        };
        let fattr = w
            .finding
            .and_then(|i| findings.get(i))
            .map(|f| format!(" data-finding=\"{}\"", f.id))
            .unwrap_or_default();
        let label = window_label(cx, w);
        out.push_str(&format!(
            "<g class=\"win {cls}\" data-rule=\"{}\"{fattr}><title>{} · {} {}</title>",
            esc(w.spec.rule),
            esc(&cx.rule_title(w.spec.rule)),
            esc(&cx.t("deadline")),
            esc(&w.deadline)
        ));
        out.push_str(&format!(
            "<rect class=\"win-rect\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\"></rect>",
            num(x1),
            num(y),
            num((x2 - x1).max(1.5))
        ));
        out.push_str(&format!(
            "<line class=\"win-end\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line>",
            num(x2),
            num(y - 3.0),
            num(x2),
            num(y + 19.0)
        ));
        // A window counted back from its anchor: a dimension line from the
        // deadline to the anchor.
        if let Limit::DaysBefore(_) = w.spec.limit
            && let Some((at, _)) = cx.moment(w.anchor)
        {
            let xa = axis.x(at);
            out.push_str(&format!(
                "<line class=\"dim\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line>",
                num(x2),
                num(y + 8.0),
                num(xa),
                num(y + 8.0)
            ));
        }
        // The label ends at the window's end, above it: next to the deadline,
        // away from the pins of the acts at its start.
        out.push_str(&format!(
            "<text class=\"win-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            num(x2 - 2.0),
            num(y - 1.5),
            esc(&label)
        ));
        out.push_str("</g>");
    }
    out.push_str("</g>\n");

    // Custody bars.
    if has_custody {
        out.push_str("<g class=\"custody\">");
        for b in &tl.bars {
            let (x1, x2) = (axis.x(b.start), axis.x(b.end));
            let w = (x2 - x1).max(2.0);
            let days = (b.end.date() - b.start.date()).get_days();
            let label = format!(
                "{} {}{}{}",
                cx.t(if b.custody { "custody" } else { "measure" }),
                days,
                cx.t("day_unit"),
                if b.open { "+" } else { "" }
            );
            out.push_str(&format!(
                "<g class=\"bar\"><title>{} – {}</title><rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"3\"></rect>",
                esc(&fmt_moment(b.start)),
                esc(&fmt_moment(b.end)),
                if b.custody { "bar-custody" } else { "bar-measure" },
                num(x1),
                num(top + 9.0),
                num(w)
            ));
            if b.open {
                out.push_str(&format!(
                    "<path class=\"bar-open\" d=\"M{} {} l7 7 l-7 7 z\"></path>",
                    num(x2),
                    num(top + 9.0)
                ));
            }
            if w > text_width(&label, 10.0) + 8.0 {
                out.push_str(&format!(
                    "<text class=\"bar-label{}\" x=\"{}\" y=\"{}\">{}</text>",
                    if b.custody { "" } else { " dark" },
                    num(x1 + 4.0),
                    num(top + 20.0),
                    esc(&label)
                ));
            }
            out.push_str("</g>");
        }
        out.push_str("</g>\n");
    }

    // Overruns and missing acts.
    out.push_str("<g class=\"marks\">");
    for w in tl.windows.iter().filter(|w| w.outcome != Outcome::Met) {
        let fattr = w
            .finding
            .and_then(|i| findings.get(i))
            .map(|f| format!(" data-finding=\"{}\"", f.id))
            .unwrap_or_default();
        let y = row_y(w.rank) + 11.0;
        let x_end = axis.x(w.end);
        let act = w
            .act
            .and_then(|a| tl.events.iter().find(|e| e.n == a))
            .map(|e| (e.at, e.exact));
        match (w.outcome, act) {
            (Outcome::Fired, Some((at, exact))) if at > w.end => {
                let xa = axis.x(at);
                let label = fmt_overrun(cx, w.end, at, exact && w.deadline.len() > 10);
                out.push_str(&format!(
                    "<g class=\"overrun\"{fattr}><title>{} {} → {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" fill=\"url(#hatch-late)\"></rect><text class=\"late-label\" x=\"{}\" y=\"{}\">{}</text></g>",
                    esc(&cx.t("deadline")),
                    esc(&w.deadline),
                    esc(&fmt_moment(at)),
                    num(x_end),
                    num(y),
                    num((xa - x_end).max(2.0)),
                    num(xa + 9.0),
                    num(y + 12.0),
                    esc(&label)
                ));
            }
            (Outcome::Fired, None) => {
                out.push_str(&format!(
                    "<g class=\"missing\"{fattr}><title>{} · {} {}</title><path class=\"miss-mark\" d=\"M{} {} l7 7 l-7 7 l-7 -7 z\"></path><text class=\"late-label\" x=\"{}\" y=\"{}\">{}</text></g>",
                    esc(&cx.t("missing")),
                    esc(&cx.t("deadline")),
                    esc(&w.deadline),
                    num(x_end),
                    num(y + 1.0),
                    num(x_end + 10.0),
                    num(y + 12.0),
                    esc(&cx.t("missing"))
                ));
            }
            (Outcome::Pending, None) => {
                out.push_str(&format!(
                    "<g class=\"due-mark\"{fattr}><title>{} {}</title><path class=\"due-path\" d=\"M{} {} l7 7 l-7 7 l-7 -7 z\"></path><text class=\"due-label\" x=\"{}\" y=\"{}\">{} {}</text></g>",
                    esc(&cx.t("due")),
                    esc(&w.deadline),
                    num(x_end),
                    num(y + 1.0),
                    num(x_end + 10.0),
                    num(y + 12.0),
                    esc(&cx.t("due")),
                    esc(w.deadline.get(5..).unwrap_or(&w.deadline))
                ));
            }
            _ => {}
        }
    }
    out.push_str("</g>\n");

    // As of.
    if let Some(d) = cx.as_of {
        let x = axis.x(end_of(d));
        out.push_str(&format!(
            "<g class=\"asof\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{} {}</text></g>\n",
            num(x),
            num(top - 4.0),
            num(x),
            num(top + plot_h + 4.0),
            num(x - 3.0),
            num(top + plot_h - 4.0),
            esc(&cx.t("as_of")),
            d
        ));
    }

    // Acts.
    out.push_str("<g class=\"events\">");
    for e in &tl.events {
        let x = axis.x(e.at);
        let y = cy(e.rank);
        let when = if e.exact {
            fmt_moment(e.at)
        } else {
            e.at.date().to_string()
        };
        let mut title = format!("{} · {} · {}", cx.id(e.n), row_label(cx, e.rank), when);
        if let Some(p) = e.via {
            title.push_str(&format!(" · → {} ({})", cx.who(p), cx.id(p)));
        }
        let cls = if e.via.is_some() {
            "ev via"
        } else if e.shared {
            "ev shared"
        } else {
            "ev"
        };
        let flagged = tl.pins.contains_key(&e.n);
        out.push_str(&format!(
            "<g class=\"{cls}{}\" data-node=\"{}\"><title>{}</title><circle class=\"dot{}\" cx=\"{}\" cy=\"{}\" r=\"5\"></circle></g>",
            if flagged { " flagged" } else { "" },
            esc(cx.id(e.n)),
            esc(&title),
            if e.via.is_some() { " via" } else { "" },
            num(x),
            num(y)
        ));
    }
    out.push_str("</g>\n");

    // Pins: the numbers of the findings on each act.
    out.push_str("<g class=\"pins\">");
    for (n, fs) in &tl.pins {
        let Some(e) = tl.events.iter().find(|e| e.n == *n) else {
            continue;
        };
        let x = axis.x(e.at);
        let y = cy(e.rank) - 13.0;
        for (k, i) in fs.iter().enumerate() {
            let Some(f) = findings.get(*i) else { continue };
            let px = x + k as f64 * 15.0;
            out.push_str(&format!(
                "<g class=\"pin\" data-finding=\"{}\" tabindex=\"0\"><title>{} · {}</title><circle class=\"pin-c sev-{}\" cx=\"{}\" cy=\"{}\" r=\"7\"></circle><text class=\"pin-t\" x=\"{}\" y=\"{}\">{}</text></g>",
                f.id,
                pin_label(f),
                esc(f.f.title.as_str()),
                f.sev_class(),
                num(px),
                num(y),
                num(px),
                num(y + 3.5),
                pin_label(f)
            ));
        }
    }
    // Missing marks carry their finding's pin too.
    for w in tl.windows.iter().filter(|w| w.outcome == Outcome::Fired) {
        let Some(f) = w.finding.and_then(|i| findings.get(i)) else {
            continue;
        };
        let on_line = w.act.is_some_and(|a| tl.events.iter().any(|e| e.n == a));
        if on_line {
            continue;
        }
        let x = axis.x(w.end);
        let y = cy(w.rank) - 13.0;
        out.push_str(&format!(
            "<g class=\"pin\" data-finding=\"{}\" tabindex=\"0\"><title>{} · {}</title><circle class=\"pin-c sev-{}\" cx=\"{}\" cy=\"{}\" r=\"7\"></circle><text class=\"pin-t\" x=\"{}\" y=\"{}\">{}</text></g>",
            f.id,
            pin_label(f),
            esc(f.f.title.as_str()),
            f.sev_class(),
            num(x),
            num(y),
            num(x),
            num(y + 3.5),
            pin_label(f)
        ));
    }
    out.push_str("</g>\n");

    // The axis: labels for days with room, year at the start and when it changes.
    let ay = top + plot_h;
    out.push_str(&format!(
        "<g class=\"axis\"><line class=\"axis-line\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line>",
        num(axis.left),
        num(ay),
        num(axis.right),
        num(ay)
    ));
    let mut last_x = f64::NEG_INFINITY;
    let mut last_year: Option<i16> = None;
    let mut prev_day: Option<Date> = None;
    for (i, day) in axis.days.iter().enumerate() {
        let (x0, w) = axis.slot(i);
        if let Some(p) = prev_day
            && (*day - p).get_days() > 1
        {
            let gx = x0 - 2.0;
            out.push_str(&format!(
                "<text class=\"gap\" x=\"{}\" y=\"{}\">≈</text>",
                num(gx - 3.0),
                num(ay + 4.0)
            ));
        }
        prev_day = Some(*day);
        out.push_str(&format!(
            "<line class=\"tick\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line>",
            num(x0),
            num(ay),
            num(x0),
            num(ay + 4.0)
        ));
        let cx_ = x0 + w / 2.0;
        let label = format!("{:02}-{:02}", day.month(), day.day());
        if cx_ - last_x >= 34.0 {
            out.push_str(&format!(
                "<text class=\"tick-label\" x=\"{}\" y=\"{}\">{}</text>",
                num(cx_),
                num(ay + 15.0),
                label
            ));
            if last_year != Some(day.year()) {
                out.push_str(&format!(
                    "<text class=\"year-label\" x=\"{}\" y=\"{}\">{}</text>",
                    num(cx_),
                    num(ay + 28.0),
                    day.year()
                ));
                last_year = Some(day.year());
            }
            last_x = cx_;
        }
    }
    out.push_str("</g>\n</svg>\n");

    if !tl.loose.is_empty() {
        out.push_str(&format!(
            "<p class=\"loose\"><span class=\"lbl\">{}</span>",
            esc(&cx.t("off_timeline"))
        ));
        for i in &tl.loose {
            if let Some(f) = findings.get(*i) {
                out.push_str(&format!(
                    "<a class=\"fchip sev-{}\" href=\"#{}\" data-finding=\"{}\"><b>{}</b> {}</a>",
                    f.sev_class(),
                    f.id,
                    f.id,
                    f.num,
                    esc(f.f.title.as_str())
                ));
            }
        }
        out.push_str("</p>\n");
    }
    out.push_str("</section>\n");
}

// ------------------------------------------------------------- findings

fn finding_article(cx: &Cx<'_>, f: &Fv<'_>, out: &mut String) {
    let nodes: Vec<String> = f.f.nodes.clone();
    out.push_str(&format!(
        "<article class=\"finding sev-{}\" id=\"{}\" data-nodes=\"{}\" data-rule=\"{}\" tabindex=\"0\">\n",
        f.sev_class(),
        f.id,
        json_attr(&nodes),
        esc(&f.f.rule)
    ));
    let sev = if f.pending() {
        cx.t("pending_one")
    } else {
        cx.t(severity_name(f.f.severity))
    };
    out.push_str(&format!(
        "<header class=\"f-head\"><span class=\"f-num\">{}</span><span class=\"f-sev\">{}</span><h4 class=\"f-title\">{}</h4></header>\n",
        f.num,
        esc(&sev),
        esc(f.f.title.as_str())
    ));
    out.push_str(&format!(
        "<p class=\"f-msg\">{}</p>\n",
        esc(f.f.message.as_str())
    ));
    if let Some(d) = &f.f.due {
        out.push_str(&format!(
            "<p class=\"f-due\">{} <b>{}</b>{}</p>\n",
            esc(&cx.t("due")),
            esc(d),
            days_left(cx, d)
                .map(|s| format!(" <span class=\"left\">{}</span>", esc(&s)))
                .unwrap_or_default()
        ));
    }
    out.push_str(&format!(
        "<p class=\"f-cite\"><span class=\"cite\">{}</span> <code class=\"rule\">{}</code>",
        esc(f.f.citation.as_str()),
        esc(&f.f.rule)
    ));
    for id in &f.f.nodes {
        let shown = match cx.g.node_by_id(id) {
            Some(n) if cx.kind(n) == "person" => format!("{} {}", cx.who(n), id),
            Some(n) if cx.is_event(n) => {
                let t = cx.enum_label(n, "type").unwrap_or_default();
                let d = cx
                    .date(n, "date")
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                format!("{id} {t} {d}")
            }
            Some(n) => format!(
                "{id} {}",
                cx.enum_label(n, "crime")
                    .or_else(|| cx.enum_label(n, "type"))
                    .or_else(|| cx.enum_label(n, "penalty"))
                    .unwrap_or_else(|| cx.kind_label(cx.kind(n)))
            ),
            None => id.clone(),
        };
        out.push_str(&format!(
            " <span class=\"node\">{}</span>",
            esc(shown.trim())
        ));
    }
    out.push_str("</p>\n");
    if let Some(b) = f.trace {
        explanation(cx, b, out);
    }
    out.push_str("</article>\n");
}

fn days_left(cx: &Cx<'_>, due: &str) -> Option<String> {
    let as_of = cx.as_of?;
    let (end, _) = parse_deadline(due)?;
    let n = (last_day(end) - as_of).get_days();
    Some(if n <= 0 {
        cx.t("overdue")
    } else if cx.zh {
        format!("{}{n}{}", cx.t("days_left"), cx.t("day_unit"))
    } else {
        format!("{n}{} {}", cx.t("day_unit"), cx.t("days_left"))
    })
}

fn explanation(cx: &Cx<'_>, b: &BindingTrace, out: &mut String) {
    out.push_str(&format!(
        "<details class=\"why\"><summary>{}</summary>\n<dl class=\"binding\">",
        esc(&cx.t("why"))
    ));
    for (k, v) in &b.values {
        out.push_str(&format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v)));
    }
    out.push_str("</dl>\n<table class=\"conds\"><tbody>");
    for c in &b.conditions {
        let mark = match c.value.as_str() {
            "true" => "✓",
            "false" => "✗",
            _ => "?",
        };
        out.push_str(&format!(
            "<tr class=\"v-{}\"><td class=\"clause\">{}</td><td class=\"val\">{} {}</td><td><code>{}</code></td></tr>",
            esc(&c.value),
            esc(&c.clause),
            mark,
            esc(&c.value),
            esc(&c.text)
        ));
    }
    out.push_str("</tbody></table>\n");
    for s in &b.searches {
        out.push_str(&format!(
            "<p class=\"search\">{} <code>{}</code>: {} {}",
            esc(&cx.t("searched")),
            esc(&s.pattern),
            s.candidates,
            esc(&cx.t("candidates"))
        ));
        if let Some(n) = &s.nearest {
            out.push_str(&format!("; {} {}", esc(&cx.t("nearest")), esc(n)));
        }
        out.push_str("</p>\n");
    }
    out.push_str("</details>\n");
}

fn findings_section(cx: &Cx<'_>, findings: &[Fv<'_>], out: &mut String) {
    out.push_str(&format!(
        "<section class=\"sec sec-findings\" id=\"findings\">\n<h2>{}</h2>\n<p class=\"hint\">{}</p>\n",
        esc(&cx.t("findings")),
        esc(&cx.t("click_hint"))
    ));
    let breaches: Vec<&Fv<'_>> = findings.iter().filter(|f| !f.pending()).collect();
    if breaches.is_empty() {
        out.push_str(&format!(
            "<p class=\"none\">{}</p>\n",
            esc(&cx.t("no_findings"))
        ));
    }
    let mut groups: Vec<(Option<NodeIx>, Vec<&Fv<'_>>)> = vec![];
    for f in breaches {
        match groups.last_mut() {
            Some((w, v)) if *w == f.who => v.push(f),
            _ => groups.push((f.who, vec![f])),
        }
    }
    for (who, fs) in groups {
        let (title, id) = match who {
            Some(d) => (
                format!("{} ({})", cx.who(d), cx.id(d)),
                cx.id(d).to_string(),
            ),
            None => (cx.t("case_level"), String::new()),
        };
        out.push_str(&format!(
            "<section class=\"fgroup\" data-defendant=\"{}\">\n<h3>{}</h3>\n",
            esc(&id),
            esc(&title)
        ));
        for sev in [Severity::Error, Severity::Warning, Severity::Info] {
            let of: Vec<&&Fv<'_>> = fs.iter().filter(|f| f.f.severity == sev).collect();
            if of.is_empty() {
                continue;
            }
            let key = format!("sev_{}", severity_name(sev));
            out.push_str(&format!(
                "<div class=\"sevgroup sev-{}\"><h4 class=\"sev-head\">{} <span class=\"n\">{}</span></h4>\n",
                severity_name(sev),
                esc(&cx.t(&key)),
                of.len()
            ));
            for f in of {
                finding_article(cx, f, out);
            }
            out.push_str("</div>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

fn pending_section(cx: &Cx<'_>, findings: &[Fv<'_>], out: &mut String) {
    let title = match cx.as_of {
        Some(d) => format!("{} · {} {d}", cx.t("pending"), cx.t("as_of")),
        None => cx.t("pending"),
    };
    out.push_str(&format!(
        "<section class=\"sec sec-pending\" id=\"pending\">\n<h2>{}</h2>\n",
        esc(&title)
    ));
    let pending: Vec<&Fv<'_>> = findings.iter().filter(|f| f.pending()).collect();
    if pending.is_empty() {
        out.push_str(&format!(
            "<p class=\"none\">{}</p>\n",
            esc(&cx.t("no_pending"))
        ));
    }
    for f in pending {
        finding_article(cx, f, out);
    }
    out.push_str("</section>\n");
}

// ------------------------------------------------------------ worksheet

fn col<'v>(
    v: &'v ViewTable,
    row: &'v ViewRow,
    name: &str,
) -> Option<(&'v str, &'v serde_json::Value)> {
    let i = v.columns.iter().position(|c| c.name == name)?;
    Some((row.text.get(i)?.as_str(), row.values.get(i)?))
}

fn col_num(v: &ViewTable, row: &ViewRow, name: &str) -> Option<f64> {
    let (_, j) = col(v, row, name)?;
    match j {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn shown_value(s: &str) -> &str {
    if s == "?" || s.is_empty() { "—" } else { s }
}

/// The statutory range of a charge's tier from the pack's table, in months:
/// (floor, top, whether the top is open: life or death).
fn statutory_months(cx: &Cx<'_>, charge: NodeIx, tier: f64) -> Option<(f64, f64, bool)> {
    let table = cx.prog.tables.iter().find(|t| t.name == RANGE_TABLE)?;
    let colix = |name: &str| table.columns.iter().position(|(c, _)| c == name);
    let (floor_i, top_i, top_pen_i) = (colix("floor_months")?, colix("top_months")?, colix("top")?);
    let (e, v) = cx.enum_of(charge, "crime")?;
    let row = table.rows.iter().find(|r| {
        r.keys.as_ref().is_some_and(|k| {
            matches!(k.first(), Some(Const::Enum(ke, kv)) if *ke == e && *kv == v)
                && matches!(k.get(1), Some(Const::Int(t)) if *t as f64 == tier)
        })
    })?;
    let int = |i: usize| match row.values.get(i) {
        Some(Const::Int(n)) => Some(*n as f64),
        _ => None,
    };
    let open = match row.values.get(top_pen_i) {
        Some(Const::Enum(pe, pv)) => {
            let name = cx.g.schema().enum_value_name(*pe, *pv).unwrap_or("");
            matches!(name, "life" | "death" | "death_reprieve")
        }
        _ => false,
    };
    let floor = int(floor_i)?;
    let top = int(top_i)?;
    Some((floor, if open { top.max(180.0) } else { top }, open))
}

fn worksheet_section(cx: &Cx<'_>, report: &Report, out: &mut String) {
    if report.views.is_empty() {
        return;
    }
    let ws = report.views.iter().find(|v| v.name == WORKSHEET_VIEW);
    let circ = report.views.iter().find(|v| v.name == CIRCUMSTANCE_VIEW);
    let title = ws
        .map(|v| v.title.as_str().to_string())
        .unwrap_or_else(|| cx.t("worksheet"));
    out.push_str(&format!(
        "<section class=\"sec sec-worksheet\" id=\"worksheet\">\n<h2>{}</h2>\n",
        esc(&title)
    ));
    let mut people: Vec<String> = vec![];
    for v in [ws, circ].into_iter().flatten() {
        for r in &v.rows {
            if let Some(d) = r.nodes.first()
                && !people.contains(d)
            {
                people.push(d.clone());
            }
        }
    }
    people.sort_by_key(|id| cx.g.node_by_id(id));
    for did in &people {
        let d = cx.g.node_by_id(did);
        let name = d.map(|d| cx.who(d)).unwrap_or_else(|| did.clone());
        out.push_str(&format!(
            "<section class=\"ws-defendant\" data-defendant=\"{}\">\n<h3>{} <span class=\"id\">{}</span></h3>\n",
            esc(did),
            esc(&name),
            esc(did)
        ));
        if let Some(v) = ws {
            for row in v.rows.iter().filter(|r| r.nodes.first() == Some(did)) {
                worksheet_row(cx, v, row, out);
            }
        }
        if let Some(v) = circ {
            circumstances(cx, v, did, out);
        }
        if let Some(d) = d {
            priors(cx, d, out);
        }
        out.push_str("</section>\n");
    }
    // Views the page does not know: plain tables.
    for v in report
        .views
        .iter()
        .filter(|v| v.name != WORKSHEET_VIEW && v.name != CIRCUMSTANCE_VIEW)
    {
        out.push_str(&format!(
            "<section class=\"view\" data-view=\"{}\"><h3>{}</h3><table class=\"grid-table\"><thead><tr>",
            esc(&v.name),
            esc(v.title.as_str())
        ));
        for c in &v.columns {
            out.push_str(&format!("<th>{}</th>", esc(c.label.as_str())));
        }
        out.push_str("</tr></thead><tbody>");
        for r in &v.rows {
            out.push_str("<tr class=\"view-row\">");
            for t in &r.text {
                out.push_str(&format!("<td>{}</td>", esc(shown_value(t))));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></section>\n");
    }
    out.push_str("</section>\n");
}

fn worksheet_row(cx: &Cx<'_>, v: &ViewTable, row: &ViewRow, out: &mut String) {
    let charge = row.nodes.get(1).and_then(|id| cx.g.node_by_id(id));
    let sentence_id = row.nodes.last().cloned().unwrap_or_default();
    let crime = col(v, row, "crime").map(|(t, _)| t).unwrap_or("");
    let penalty = col(v, row, "penalty").map(|(t, _)| t).unwrap_or("");
    let months = col_num(v, row, "months");
    let m = col(v, row, "m").map(|(t, _)| shown_value(t)).unwrap_or("—");
    let position = col(v, row, "position").map(|(t, _)| t).unwrap_or("?");
    let band = (col_num(v, row, "band_low"), col_num(v, row, "band_high"));
    let start = (col_num(v, row, "start_low"), col_num(v, row, "start_high"));
    let tier = col_num(v, row, "tier");
    let range = charge
        .zip(tier)
        .and_then(|(c, t)| statutory_months(cx, c, t));
    let status = match (months, range, band) {
        (Some(mo), Some((lo, hi, open)), _) if mo < lo || (!open && mo > hi) => "out",
        (Some(mo), _, (Some(lo), Some(hi))) if mo < lo || mo > hi => "off",
        (Some(_), _, _) => "in",
        _ => "unknown",
    };
    out.push_str(&format!(
        "<article class=\"ws-row pos-{status}\" data-node=\"{}\" data-nodes=\"{}\">\n",
        esc(&sentence_id),
        json_attr(&row.nodes)
    ));
    out.push_str(&format!(
        "<header class=\"ws-head\"><h4>{} <span class=\"id\">{}</span></h4><span class=\"ws-sentence\">{} {}</span><span class=\"ws-m\">M = {}</span>",
        esc(crime),
        esc(&row.nodes.join(" · ")),
        esc(penalty),
        months
            .map(|m| format!("{}{}", fmt_num(m), cx.t("month_unit")))
            .map(|s| esc(&s))
            .unwrap_or_default(),
        esc(m)
    ));
    if position != "?" {
        out.push_str(&format!("<span class=\"ws-pos\">{}</span>", esc(position)));
    }
    out.push_str("</header>\n");
    sentence_bar(cx, months, range, band, start, out);
    out.push_str("<dl class=\"ws-grid\">");
    for (i, c) in v.columns.iter().enumerate() {
        let t = row.text.get(i).map(String::as_str).unwrap_or("?");
        out.push_str(&format!(
            "<div class=\"kv\" data-col=\"{}\"><dt>{}</dt><dd>{}</dd></div>",
            esc(&c.name),
            esc(c.label.as_str()),
            esc(shown_value(t))
        ));
    }
    out.push_str("</dl>\n</article>\n");
}

fn fmt_num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

fn sentence_bar(
    cx: &Cx<'_>,
    months: Option<f64>,
    range: Option<(f64, f64, bool)>,
    band: (Option<f64>, Option<f64>),
    start: (Option<f64>, Option<f64>),
    out: &mut String,
) {
    let mut hi: f64 = 1.0;
    if let Some((_, t, _)) = range {
        hi = hi.max(t);
    }
    for v in [months, band.1, start.1].into_iter().flatten() {
        hi = hi.max(v);
    }
    let step = [1.0, 3.0, 6.0, 12.0, 24.0, 36.0]
        .into_iter()
        .find(|s| hi * 1.05 / s <= 16.0)
        .unwrap_or(60.0);
    let max = ((hi * 1.05) / step).ceil() * step;
    let (w, left, right) = (720.0, 120.0, 700.0);
    let x = |m: f64| left + (right - left) * (m / max).clamp(0.0, 1.0);
    // (label key, span in months, class)
    type Lane<'k> = (&'k str, Option<(f64, f64)>, &'k str);
    let lanes: Vec<Lane<'_>> = {
        let mut l = vec![(
            "statutory_range",
            range.map(|(a, b, _)| (a, b)),
            "lane-range",
        )];
        if let (Some(a), Some(b)) = start {
            l.push(("starting_point", Some((a, b)), "lane-start"));
        }
        if let (Some(a), Some(b)) = band {
            l.push(("so_band", Some((a, b)), "lane-band"));
        }
        l
    };
    let lane_h = 22.0;
    let top = 22.0;
    let h = top + lanes.len() as f64 * lane_h + if lanes.len() == 1 { 42.0 } else { 26.0 };
    out.push_str(&format!(
        "<svg class=\"ws-bar\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        num(w),
        num(h),
        esc(&cx.t("declared"))
    ));
    for (i, (key, span, cls)) in lanes.iter().enumerate() {
        let y = top + i as f64 * lane_h;
        out.push_str(&format!(
            "<text class=\"lane-label\" x=\"{}\" y=\"{}\">{}</text><rect class=\"lane-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\"></rect>",
            num(left - 8.0),
            num(y + 10.0),
            esc(&cx.t(key)),
            num(left),
            num(y + 1.0),
            num(right - left)
        ));
        if let Some((a, b)) = span {
            let open = *key == "statutory_range" && range.is_some_and(|r| r.2);
            out.push_str(&format!(
                "<rect class=\"{cls}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" rx=\"2\"></rect>",
                num(x(*a)),
                num(y + 1.0),
                num((x(*b) - x(*a)).max(2.0))
            ));
            let label = format!(
                "{}–{}{}",
                fmt_num(*a),
                fmt_num(*b),
                if open { "+" } else { "" }
            );
            out.push_str(&format!(
                "<text class=\"lane-val\" x=\"{}\" y=\"{}\">{}</text>",
                num(x(*b) + 4.0),
                num(y + 11.0),
                esc(&label)
            ));
        }
    }
    if lanes.len() == 1 {
        out.push_str(&format!(
            "<text class=\"lane-note\" x=\"{}\" y=\"{}\">{}</text>",
            num(left),
            num(top + lane_h + 34.0),
            esc(&cx.t("no_band"))
        ));
    }
    let axis_y = top + lanes.len() as f64 * lane_h + 4.0;
    out.push_str(&format!(
        "<line class=\"ws-axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line>",
        num(left),
        num(axis_y),
        num(right),
        num(axis_y)
    ));
    let mut t = 0.0;
    while t <= max + 0.001 {
        out.push_str(&format!(
            "<line class=\"ws-tick\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line><text class=\"ws-tick-label\" x=\"{}\" y=\"{}\">{}</text>",
            num(x(t)),
            num(axis_y),
            num(x(t)),
            num(axis_y + 4.0),
            num(x(t)),
            num(axis_y + 15.0),
            fmt_num(t)
        ));
        t += step;
    }
    out.push_str(&format!(
        "<text class=\"ws-unit\" x=\"{}\" y=\"{}\">{}</text>",
        num(right + 6.0),
        num(axis_y + 15.0),
        esc(&cx.t("months_axis"))
    ));
    if let Some(mo) = months {
        let xm = x(mo);
        out.push_str(&format!(
            "<g class=\"ws-marker\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line><path d=\"M{} {} l-6 -9 l12 0 z\"></path><text x=\"{}\" y=\"{}\">{} {}</text></g>",
            num(xm),
            num(top - 2.0),
            num(xm),
            num(axis_y),
            num(xm),
            num(top - 2.0),
            num(xm + 8.0),
            num(top - 6.0),
            esc(&cx.t("declared")),
            esc(&format!("{}{}", fmt_num(mo), cx.t("month_unit")))
        ));
    }
    out.push_str("</svg>\n");
}

fn circumstances(cx: &Cx<'_>, v: &ViewTable, did: &str, out: &mut String) {
    let rows: Vec<&ViewRow> = v
        .rows
        .iter()
        .filter(|r| r.nodes.first().map(String::as_str) == Some(did))
        .collect();
    out.push_str(&format!(
        "<div class=\"circ\"><h4>{}</h4>",
        esc(v.title.as_str())
    ));
    if rows.is_empty() {
        out.push_str(&format!(
            "<p class=\"none\">{}</p></div>\n",
            esc(&cx.t("no_circumstances"))
        ));
        return;
    }
    // One scale for the table's bars.
    let mut lo: f64 = -60.0;
    let mut hi: f64 = 40.0;
    for r in &rows {
        for c in ["applied", "band_low", "band_high"] {
            if let Some(x) = col_num(v, r, c) {
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
    }
    let (lo, hi) = ((lo / 10.0).floor() * 10.0, (hi / 10.0).ceil() * 10.0);
    out.push_str("<table class=\"grid-table circ-table\"><thead><tr>");
    for c in &v.columns {
        out.push_str(&format!("<th>{}</th>", esc(c.label.as_str())));
    }
    out.push_str(&format!(
        "<th class=\"mini\">{lo:.0}% … +{hi:.0}%</th></tr></thead><tbody>"
    ));
    for r in rows {
        let within = col(v, r, "within").map(|(t, _)| t);
        let ok = within != Some("false");
        out.push_str(&format!(
            "<tr class=\"circ-row{}\" data-node=\"{}\">",
            if ok { "" } else { " off" },
            esc(r.nodes.get(1).map(String::as_str).unwrap_or(""))
        ));
        for (i, c) in v.columns.iter().enumerate() {
            let t = r.text.get(i).map(String::as_str).unwrap_or("?");
            let shown = match (c.name.as_str(), t) {
                (_, "true") => format!("✓ {}", cx.t("yes")),
                (_, "false") => format!("✗ {}", cx.t("no")),
                _ => shown_value(t).to_string(),
            };
            out.push_str(&format!(
                "<td data-col=\"{}\">{}</td>",
                esc(&c.name),
                esc(&shown)
            ));
        }
        // A mini bar: the band, zero and the applied adjustment.
        let (w, pad) = (170.0, 4.0);
        let x = |p: f64| pad + (w - 2.0 * pad) * ((p - lo) / (hi - lo)).clamp(0.0, 1.0);
        out.push_str(&format!(
            "<td class=\"mini\"><svg viewBox=\"0 0 {} 18\" width=\"{}\" height=\"18\" xmlns=\"http://www.w3.org/2000/svg\"><rect class=\"lane-bg\" x=\"{}\" y=\"5\" width=\"{}\" height=\"8\"></rect>",
            num(w),
            num(w),
            num(pad),
            num(w - 2.0 * pad)
        ));
        if let (Some(a), Some(b)) = (col_num(v, r, "band_low"), col_num(v, r, "band_high")) {
            out.push_str(&format!(
                "<rect class=\"lane-band\" x=\"{}\" y=\"5\" width=\"{}\" height=\"8\"></rect>",
                num(x(a)),
                num((x(b) - x(a)).max(1.5))
            ));
        }
        out.push_str(&format!(
            "<line class=\"zero\" x1=\"{}\" y1=\"2\" x2=\"{}\" y2=\"16\"></line>",
            num(x(0.0)),
            num(x(0.0))
        ));
        if let Some(p) = col_num(v, r, "applied") {
            out.push_str(&format!(
                "<path class=\"applied{}\" d=\"M{} 1 l4 8 l-4 8 l-4 -8 z\"></path>",
                if ok { "" } else { " off" },
                num(x(p))
            ));
        }
        out.push_str("</svg></td></tr>");
    }
    out.push_str("</tbody></table></div>\n");
}

/// The defendant's prior convictions, for the recidivism findings.
fn priors(cx: &Cx<'_>, d: NodeIx, out: &mut String) {
    let mut ps: Vec<NodeIx> = cx
        .g
        .nodes()
        .filter(|n| cx.kind(*n) == "prior_conviction" && cx.targets(*n, "imposed_on").contains(&d))
        .collect();
    ps.sort();
    if ps.is_empty() {
        return;
    }
    out.push_str(&format!(
        "<div class=\"priors\"><h4>{}</h4><table class=\"grid-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(&cx.kind_label("prior_conviction")),
        esc(&cx.t("id")),
        esc(&cx.t("crime")),
        esc(&cx.t("penalty")),
        esc(&cx.t("term")),
        esc(&cx.t("offense_date")),
        esc(&cx.t("completed_on"))
    ));
    for p in ps {
        let months = cx
            .field(p, "months")
            .and_then(Value::as_int)
            .map(|m| format!("{m}{}", cx.t("month_unit")))
            .unwrap_or_default();
        let day = |f: &str| cx.date(p, f).map(|d| d.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "<tr class=\"prior\" data-node=\"{}\"><td><span class=\"id\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(cx.id(p)),
            esc(cx.id(p)),
            esc(&cx.enum_label(p, "crime").unwrap_or_default()),
            esc(&cx.enum_label(p, "penalty").unwrap_or_default()),
            esc(months.trim()),
            esc(&day("offense_date")),
            esc(&day("completed_on"))
        ));
    }
    out.push_str("</tbody></table></div>\n");
}

// ------------------------------------------------------ parties, evidence

fn parties_section(cx: &Cx<'_>, findings: &[Fv<'_>], out: &mut String) {
    let mut persons: Vec<NodeIx> = cx.g.nodes().filter(|n| cx.kind(*n) == "person").collect();
    persons.sort_by_key(|n| (cx.enum_of(*n, "role").map(|(_, v)| v), *n));
    out.push_str(&format!(
        "<section class=\"sec sec-parties\" id=\"parties\">\n<h2>{} · {}</h2>\n<div class=\"two\">\n",
        esc(&cx.t("parties")),
        esc(&cx.t("evidence"))
    ));
    // Which findings name a node.
    let flags = |id: &str| -> Vec<&Fv<'_>> {
        findings
            .iter()
            .filter(|f| f.f.nodes.iter().any(|n| n == id))
            .collect()
    };
    let chips = |fs: &[&Fv<'_>]| -> String {
        fs.iter()
            .map(|f| {
                format!(
                    "<a class=\"fchip sev-{}\" href=\"#{}\" data-finding=\"{}\"><b>{}</b></a>",
                    f.sev_class(),
                    f.id,
                    f.id,
                    f.num
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    out.push_str(&format!(
        "<table class=\"grid-table parties\"><caption>{}</caption><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(&cx.t("parties")),
        esc(&cx.t("role")),
        esc(&cx.t("name")),
        esc(&cx.t("birth_date")),
        esc(&cx.t("represents")),
        esc(&cx.t("flags"))
    ));
    for p in persons {
        let role = cx.enum_label(p, "role").unwrap_or_default();
        let reps: Vec<String> = cx
            .targets(p, "represents")
            .into_iter()
            .map(|d| cx.who(d))
            .collect();
        let id = cx.id(p);
        let fs = flags(id);
        out.push_str(&format!(
            "<tr class=\"party{}\" data-node=\"{}\"><td>{}</td><td>{} <span class=\"id\">{}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if cx.is_defendant(p) { " defendant" } else { "" },
            esc(id),
            esc(&role),
            esc(&cx.who(p)),
            esc(id),
            esc(&cx.date(p, "birth_date").map(|d| d.to_string()).unwrap_or_default()),
            esc(&reps.join("、")),
            chips(&fs)
        ));
    }
    out.push_str("</tbody></table>\n");

    // Evidence, with what each item asserts about the charge it supports.
    let evidence: Vec<NodeIx> = cx.g.nodes().filter(|n| cx.kind(*n) == "evidence").collect();
    let supports = cx.g.schema().edge_kind("supports");
    // (charge, field) → distinct values asserted: more than one is a conflict.
    let mut asserted: BTreeMap<(NodeIx, String), BTreeSet<String>> = BTreeMap::new();
    // Evidence → (charge supported, fields asserted).
    type Supports = Vec<(NodeIx, Vec<(String, String)>)>;
    let mut rows: Vec<(NodeIx, Supports)> = vec![];
    for &x in &evidence {
        let mut sup = vec![];
        if let Some(k) = supports {
            for &e in cx.g.out_edges(x, k) {
                let c = cx.g.edge_target(e);
                let mut fields = vec![];
                if let Some(def) = cx.g.schema().edge(k) {
                    for (fid, v) in cx.g.edge_fields(e) {
                        let Some(fd) = def.fields.get(fid.0 as usize) else {
                            continue;
                        };
                        let shown = match v {
                            Value::Text(t) => t.to_string(),
                            Value::Int(i) => i.to_string(),
                            Value::Decimal(d) => d.normalize().to_string(),
                            Value::Date(d) => d.to_string(),
                            Value::Bool(b) => b.to_string(),
                            _ => continue,
                        };
                        fields.push((fd.name.clone(), shown));
                    }
                }
                fields.sort();
                let excluded = cx.field(x, "excluded").and_then(Value::as_bool) == Some(true);
                if !excluded {
                    for (f, v) in &fields {
                        asserted
                            .entry((c, f.clone()))
                            .or_default()
                            .insert(v.clone());
                    }
                }
                sup.push((c, fields));
            }
        }
        sup.sort_by_key(|(c, _)| *c);
        rows.push((x, sup));
    }
    out.push_str(&format!(
        "<table class=\"grid-table evidence\"><caption>{}</caption><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(&cx.t("evidence")),
        esc(&cx.t("id")),
        esc(&cx.t("type")),
        esc(&cx.t("provided_by")),
        esc(&cx.t("collected_on")),
        esc(&cx.t("asserts")),
        esc(&cx.t("signed")),
        esc(&cx.t("flags"))
    ));
    let mut any_conflict = false;
    for (x, sup) in rows {
        let id = cx.id(x);
        let fs = flags(id);
        let by: Vec<String> = cx
            .targets(x, "provided_by")
            .into_iter()
            .map(|p| {
                let role = cx.enum_label(p, "role").unwrap_or_default();
                format!("{} ({role})", cx.who(p))
            })
            .collect();
        let mut conflict = false;
        let mut claims = String::new();
        for (c, fields) in &sup {
            let crime = cx
                .enum_label(*c, "crime")
                .unwrap_or_else(|| cx.id(*c).to_string());
            claims.push_str(&format!(
                "<span class=\"claim\"><span class=\"on\">{} {}</span>",
                esc(&crime),
                esc(cx.id(*c))
            ));
            for (f, v) in fields {
                let clash = asserted.get(&(*c, f.clone())).is_some_and(|s| s.len() > 1);
                conflict |= clash;
                claims.push_str(&format!(
                    " <span class=\"fact{}\">{}: {}</span>",
                    if clash { " conflict" } else { "" },
                    esc(&cx.t(f)),
                    esc(v)
                ));
            }
            claims.push_str("</span>");
        }
        any_conflict |= conflict;
        let signed = match cx.field(x, "signed").and_then(Value::as_bool) {
            Some(true) => format!("✓ {}", cx.t("yes")),
            Some(false) => format!("✗ {}", cx.t("no")),
            None => "—".into(),
        };
        let excluded = cx.field(x, "excluded").and_then(Value::as_bool) == Some(true);
        out.push_str(&format!(
            "<tr class=\"ev-row{}{}{}\" data-node=\"{}\"><td><span class=\"id\">{}</span></td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"signed{}\">{}</td><td>{}</td></tr>",
            if conflict { " conflict" } else { "" },
            if fs.is_empty() { "" } else { " flagged" },
            if excluded { " excluded" } else { "" },
            esc(id),
            esc(id),
            esc(&cx.enum_label(x, "type").unwrap_or_default()),
            if excluded {
                format!(" <span class=\"tag\">{}</span>", esc(&cx.t("excluded")))
            } else {
                String::new()
            },
            esc(&by.join("、")),
            esc(&cx.date(x, "collected_on").map(|d| d.to_string()).unwrap_or_default()),
            claims,
            if cx.field(x, "signed").and_then(Value::as_bool) == Some(false) {
                " no"
            } else {
                ""
            },
            esc(&signed),
            chips(&fs)
        ));
    }
    out.push_str("</tbody></table>\n</div>\n");
    if any_conflict {
        out.push_str(&format!(
            "<p class=\"note\">{}</p>\n",
            esc(&cx.t("conflict_note"))
        ));
    }
    out.push_str("</section>\n");
}

fn page_end(cx: &Cx<'_>, out: &mut String) {
    out.push_str("</main>\n");
    out.push_str(&format!(
        "<footer class=\"page-foot\">caselint · {}</footer>\n",
        esc(&cx.prog.name)
    ));
    out.push_str("<script>/*<![CDATA[*/\n");
    out.push_str(BODY_SCRIPT);
    out.push_str("/*]]>*/</script>\n</body>\n</html>\n");
}

// ------------------------------------------------------- styles, script

const CSS: &str = r#"
:root {
  --ink: #1d2330; --muted: #5d6675; --rule: #d9dee6; --paper: #fff; --bg: #f4f5f7;
  --err: #b3261e; --err-bg: #fdecea; --warn: #a45a00; --warn-bg: #fff4e0;
  --pend: #1d5fa8; --pend-bg: #e8f0fb; --ok: #2e7d32; --win: #2f6fb3;
  --font: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif;
  --mono: "Noto Sans Mono CJK SC", "SFMono-Regular", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--ink); font-family: var(--font); font-size: 14px; line-height: 1.55;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 40px; background: var(--paper); }
.defs { position: absolute; width: 0; height: 0; }
h1, h2, h3, h4 { margin: 0; font-weight: 600; }
.page-head { border-bottom: 3px solid var(--ink); padding-bottom: 12px; margin-bottom: 18px; }
.kicker { color: var(--muted); letter-spacing: .12em; font-size: 12px; }
.case-no { font-size: 26px; margin: 2px 0 4px; }
.meta { margin: 0; color: var(--muted); }
.summary { display: flex; gap: 10px; margin: 10px 0 6px; flex-wrap: wrap; }
.count { border-radius: 4px; padding: 3px 10px; font-size: 13px; }
.count b { font-size: 18px; margin-right: 2px; }
.count.sev-error { background: var(--err-bg); color: var(--err); }
.count.sev-warning { background: var(--warn-bg); color: var(--warn); }
.count.sev-pending { background: var(--pend-bg); color: var(--pend); }
.defendants { margin: 6px 0 0; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.lbl { color: var(--muted); font-size: 12px; margin-right: 4px; }
.chip { border: 1px solid var(--rule); border-radius: 12px; padding: 1px 10px; color: var(--ink); text-decoration: none; }
.id { color: var(--muted); font-family: var(--mono); font-size: .82em; font-weight: 400; }
.sec { margin: 22px 0 8px; }
.sec > h2 { font-size: 18px; border-left: 5px solid var(--ink); padding-left: 10px; margin-bottom: 10px; }
.note, .hint { color: var(--muted); font-size: 12px; margin: 4px 0; }
.none { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: var(--muted); margin-bottom: 6px; }
.lg { display: inline-flex; align-items: center; gap: 4px; }
.timeline { margin: 8px 0 14px; border: 1px solid var(--rule); border-radius: 6px; padding: 8px 10px 4px; break-inside: avoid; page-break-inside: avoid; }
.tl-title { font-size: 15px; margin-bottom: 2px; }
.tl-title .sub { color: var(--muted); font-size: 12px; font-weight: 400; margin-left: 6px; }
.badge { display: inline-block; min-width: 20px; text-align: center; border-radius: 10px; font-size: 12px; color: #fff; padding: 0 6px; }
.badge.sev-error { background: var(--err); }
svg.tl { display: block; font-family: var(--font); }
.row-bg { fill: #fff; } .row-bg.alt { fill: #f6f8fb; }
.row-label { font-size: 12px; text-anchor: end; fill: #333a48; }
.row-label.custody { font-weight: 600; }
.grid line { stroke: #e3e7ee; stroke-width: 1; }
.win-rect { fill: rgba(47, 111, 179, .16); stroke: rgba(47, 111, 179, .65); stroke-width: 1; stroke-dasharray: 3 2; }
.win.fired .win-rect { fill: rgba(47, 111, 179, .20); stroke: var(--err); stroke-dasharray: none; }
.win.pending .win-rect { fill: rgba(29, 95, 168, .10); stroke: var(--pend); }
.win-end { stroke: var(--win); stroke-width: 1.5; }
.win.fired .win-end { stroke: var(--err); stroke-width: 2; }
.win-label { font-size: 10px; fill: var(--win); }
.win.fired .win-label { fill: var(--err); font-weight: 600; }
.dim { stroke: #8a94a6; stroke-width: 1; stroke-dasharray: 2 2; }
.bar-custody { fill: #4a5568; } .bar-measure { fill: url(#hatch-measure); stroke: #9aa7b8; stroke-width: .8; }
.bar-open { fill: #4a5568; opacity: .55; }
.bar-label { font-size: 10px; fill: #fff; } .bar-label.dark { fill: #333; }
.late-label { font-size: 10.5px; fill: var(--err); font-weight: 700; }
.miss-mark { fill: #fff; stroke: var(--err); stroke-width: 2; }
.due-path { fill: #fff; stroke: var(--pend); stroke-width: 2; } .due-label { font-size: 10.5px; fill: var(--pend); font-weight: 600; }
.asof line { stroke: var(--pend); stroke-width: 1.5; stroke-dasharray: 5 3; }
.asof text { font-size: 10.5px; fill: var(--pend); font-weight: 600; }
.dot { fill: #27406b; stroke: #fff; stroke-width: 1.5; }
.dot.via { fill: #fff; stroke: #27406b; stroke-width: 2; }
.ev.shared .dot { fill: #58708f; }
.ev.flagged .dot { stroke: var(--err); stroke-width: 2; }
.pin { cursor: pointer; }
.pin-c { stroke: #fff; stroke-width: 1.2; }
.pin-c.sev-error { fill: var(--err); } .pin-c.sev-warning { fill: var(--warn); } .pin-c.sev-info { fill: var(--muted); } .pin-c.sev-pending { fill: var(--pend); }
.pin-t { font-size: 9.5px; fill: #fff; text-anchor: middle; font-weight: 700; }
.axis-line { stroke: #8a94a6; } .tick { stroke: #8a94a6; }
.tick-label { font-size: 10px; fill: #4a5263; text-anchor: middle; }
.year-label { font-size: 10px; fill: var(--muted); text-anchor: middle; font-weight: 600; }
.gap { font-size: 12px; fill: #8a94a6; }
body.has-sel .ev:not(.hl) { opacity: .3; }
body.has-sel .win:not(.hl) { opacity: .45; }
.ev.hl .dot { fill: #f2b705; stroke: #1d2330; stroke-width: 2.5; }
.pin.hl .pin-c { stroke: #1d2330; stroke-width: 2.5; }
.overrun.hl rect, .missing.hl path { stroke: #1d2330; stroke-width: 1.5; }
.loose { margin: 2px 0 4px; font-size: 12px; }
.fchip { display: inline-block; border-radius: 10px; padding: 0 8px; margin: 1px 2px; font-size: 12px; text-decoration: none; color: #fff; }
.fchip.sev-error { background: var(--err); } .fchip.sev-warning { background: var(--warn); } .fchip.sev-info { background: var(--muted); } .fchip.sev-pending { background: var(--pend); }
.fgroup { margin: 10px 0 16px; }
.fgroup > h3 { font-size: 16px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); margin-bottom: 8px; }
.sev-head { font-size: 13px; color: var(--muted); margin: 8px 0 6px; letter-spacing: .05em; }
.sev-head .n { display: inline-block; background: #eef0f4; border-radius: 8px; padding: 0 7px; font-size: 11px; }
.finding { border: 1px solid var(--rule); border-left: 5px solid var(--muted); border-radius: 5px; padding: 8px 12px; margin: 0 0 8px; cursor: pointer; break-inside: avoid; page-break-inside: avoid; background: #fff; }
.finding.sev-error { border-left-color: var(--err); } .finding.sev-warning { border-left-color: var(--warn); } .finding.sev-pending { border-left-color: var(--pend); }
.finding:hover { box-shadow: 0 1px 6px rgba(0,0,0,.08); }
.finding.selected { outline: 2px solid #f2b705; background: #fffbea; }
.finding:focus { outline: 2px solid #f2b705; }
.f-head { display: flex; align-items: baseline; gap: 8px; }
.f-num { display: inline-block; min-width: 22px; height: 22px; border-radius: 11px; color: #fff; background: var(--muted); text-align: center; font-weight: 700; font-size: 12px; line-height: 22px; }
.sev-error .f-num { background: var(--err); } .sev-warning .f-num { background: var(--warn); } .sev-pending .f-num { background: var(--pend); }
.f-sev { font-size: 12px; color: var(--muted); }
.sev-error .f-sev { color: var(--err); } .sev-warning .f-sev { color: var(--warn); } .sev-pending .f-sev { color: var(--pend); }
.f-title { font-size: 15px; }
.f-msg { margin: 4px 0; font-size: 14px; }
.f-due { margin: 2px 0; color: var(--pend); } .f-due .left { font-size: 12px; background: var(--pend-bg); border-radius: 8px; padding: 0 6px; }
.f-cite { margin: 2px 0; font-size: 12px; color: var(--muted); }
.cite { color: var(--ink); font-weight: 600; }
.rule { font-family: var(--mono); font-size: 11px; color: var(--muted); }
.node { display: inline-block; background: #f0f2f6; border-radius: 3px; padding: 0 5px; margin: 1px 0; }
.why { margin-top: 4px; font-size: 12px; }
.why summary { color: var(--pend); cursor: pointer; }
.binding { display: grid; grid-template-columns: max-content 1fr; gap: 0 10px; margin: 6px 0; }
.binding dt { font-family: var(--mono); color: var(--muted); } .binding dd { margin: 0; }
.conds { border-collapse: collapse; width: 100%; }
.conds td { border-top: 1px solid #eef0f4; padding: 2px 6px; vertical-align: top; }
.conds code, .search code { font-family: var(--mono); font-size: 11px; white-space: pre-wrap; word-break: break-word; }
.conds .clause { color: var(--muted); white-space: nowrap; } .conds .val { white-space: nowrap; font-weight: 600; }
.v-true .val { color: var(--ok); } .v-false .val { color: var(--err); } .v-unknown .val { color: var(--warn); }
.search { margin: 3px 0; color: var(--muted); }
.ws-defendant { margin: 10px 0 16px; }
.ws-defendant > h3 { font-size: 16px; margin-bottom: 6px; }
.ws-row { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; margin-bottom: 10px; break-inside: avoid; page-break-inside: avoid; }
.ws-head { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: baseline; }
.ws-head h4 { font-size: 15px; }
.ws-sentence { font-weight: 600; } .ws-m { font-family: var(--mono); background: #f0f2f6; border-radius: 3px; padding: 0 6px; }
.ws-pos { border-radius: 10px; padding: 0 8px; font-size: 12px; background: #e7f4e8; color: var(--ok); }
.pos-off .ws-pos { background: var(--warn-bg); color: var(--warn); } .pos-out .ws-pos { background: var(--err-bg); color: var(--err); }
svg.ws-bar { display: block; max-width: 760px; margin: 6px 0; font-family: var(--font); }
.lane-label { font-size: 11px; text-anchor: end; fill: #333a48; }
.lane-bg { fill: #f1f3f7; }
.lane-range { fill: #c5cfdd; } .lane-start { fill: #8fa7c7; } .lane-band { fill: rgba(46, 125, 50, .35); stroke: var(--ok); stroke-width: 1; }
.lane-val { font-size: 10.5px; fill: var(--muted); }
.lane-note { font-size: 11px; fill: var(--muted); }
.ws-axis, .ws-tick { stroke: #8a94a6; } .ws-tick-label, .ws-unit { font-size: 10px; fill: #4a5263; text-anchor: middle; } .ws-unit { text-anchor: start; }
.ws-marker line { stroke: var(--ok); stroke-width: 2.5; } .ws-marker path { fill: var(--ok); } .ws-marker text { font-size: 11.5px; font-weight: 700; fill: var(--ok); }
.pos-off .ws-marker line { stroke: var(--warn); } .pos-off .ws-marker path, .pos-off .ws-marker text { fill: var(--warn); }
.pos-out .ws-marker line { stroke: var(--err); } .pos-out .ws-marker path, .pos-out .ws-marker text { fill: var(--err); }
.ws-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 2px 14px; margin: 4px 0 0; font-size: 12px; }
.kv { display: flex; justify-content: space-between; gap: 8px; border-bottom: 1px dotted #e0e4ea; }
.kv dt { color: var(--muted); } .kv dd { margin: 0; text-align: right; font-weight: 600; }
.circ h4, .priors h4 { font-size: 13px; margin: 6px 0 4px; color: var(--muted); }
.grid-table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
.grid-table caption { text-align: left; font-weight: 600; font-size: 14px; padding: 4px 0; }
.grid-table th { text-align: left; color: var(--muted); font-weight: 500; border-bottom: 1.5px solid #b9c0cc; padding: 3px 6px; }
.grid-table td { border-bottom: 1px solid #eceff3; padding: 3px 6px; vertical-align: top; }
.grid-table .mini { width: 180px; }
.circ-row.off td { color: var(--err); }
.zero { stroke: #4a5263; stroke-width: 1; } .applied { fill: var(--ok); } .applied.off { fill: var(--err); }
.two { display: grid; grid-template-columns: 1fr; gap: 14px; }
tr.defendant td:first-child { font-weight: 600; }
.claim { display: block; } .claim .on { color: var(--muted); }
.fact { display: inline-block; background: #f0f2f6; border-radius: 3px; padding: 0 5px; margin: 1px 0; }
.fact.conflict { background: var(--err-bg); color: var(--err); font-weight: 700; outline: 1px solid var(--err); }
tr.conflict td:first-child { border-left: 4px solid var(--err); }
td.signed.no { color: var(--err); font-weight: 700; }
tr.excluded td { color: var(--muted); text-decoration: line-through; }
.tag { font-size: 11px; background: #eee; border-radius: 3px; padding: 0 4px; }
tr.hl td { background: #fff6cc; }
.ws-row.hl { outline: 2px solid #f2b705; background: #fffdf2; }
.chip.hl { background: #fff6cc; }
.toc { list-style: none; padding: 0; margin: 12px 0 0; border-top: 1px solid var(--rule); }
.toc-item a { display: grid; grid-template-columns: 28px 56px 110px 1fr max-content; gap: 8px; align-items: baseline; padding: 4px 2px; border-bottom: 1px solid #eef0f4; color: var(--ink); text-decoration: none; }
.toc-item a:hover { background: #f7f8fa; }
.toc-item .f-num { font-size: 11px; min-width: 20px; height: 20px; line-height: 20px; }
.toc-sev { font-size: 12px; } .toc-who { font-size: 13px; } .toc-title { font-weight: 600; } .toc-cite { font-size: 12px; color: var(--muted); }
.toc-item.sev-error .toc-sev { color: var(--err); } .toc-item.sev-warning .toc-sev { color: var(--warn); } .toc-item.sev-pending .toc-sev { color: var(--pend); }
.toc-item.hl a { background: #fff6cc; }
.page-foot { margin-top: 30px; color: var(--muted); font-size: 11px; border-top: 1px solid var(--rule); padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@page wide { size: A4 landscape; margin: 10mm 10mm 12mm; }
@media print {
  html { background: #fff; font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  .hint { display: none; }
  .sec-timeline { page: wide; break-before: page; page-break-before: always; margin-top: 0; }
  svg.tl { max-height: 158mm; margin: 0 auto; }
  .timeline { padding: 4px 8px 2px; margin: 4px 0 8px; }
  .sec-findings { break-before: page; page-break-before: always; }
  .finding { cursor: auto; box-shadow: none; }
  .finding.selected { outline: none; background: #fff; }
  body.has-sel .ev, body.has-sel .win { opacity: 1; }
  details.why::details-content { content-visibility: visible; display: block; }
  details.why > summary { list-style: none; }
  .sec-worksheet { break-before: page; page-break-before: always; }
  .sec > h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

const HEAD_SCRIPT: &str = r#"
window.caselintErrors = [];
window.addEventListener('error', function (e) {
  window.caselintErrors.push(String(e && e.message ? e.message : e));
});
"#;

const BODY_SCRIPT: &str = r#"
(function () {
  'use strict';
  var body = document.body;
  function clear() {
    document.querySelectorAll('.hl').forEach(function (el) { el.classList.remove('hl'); });
    document.querySelectorAll('.finding.selected').forEach(function (el) { el.classList.remove('selected'); });
    body.classList.remove('has-sel');
  }
  function select(fid, scrollTo) {
    var f = document.getElementById(fid);
    if (!f) { return; }
    var was = f.classList.contains('selected');
    clear();
    if (was) { return; }
    f.classList.add('selected');
    body.classList.add('has-sel');
    var nodes = Object.create(null);
    JSON.parse(f.getAttribute('data-nodes') || '[]').forEach(function (n) { nodes[n] = true; });
    var first = null;
    document.querySelectorAll('[data-node]').forEach(function (el) {
      if (nodes[el.getAttribute('data-node')] === true) {
        el.classList.add('hl');
        if (!first && el.closest('.timeline')) { first = el; }
      }
    });
    document.querySelectorAll('[data-finding]').forEach(function (el) {
      if (el.getAttribute('data-finding') === fid) {
        el.classList.add('hl');
        if (!first && el.closest('.timeline')) { first = el; }
      }
    });
    if (scrollTo === 'finding') {
      f.scrollIntoView({ block: 'center', behavior: 'smooth' });
    } else if (first) {
      var tl = first.closest('.timeline');
      var r = tl.getBoundingClientRect();
      if (r.bottom < 0 || r.top > window.innerHeight) {
        tl.scrollIntoView({ block: 'center', behavior: 'smooth' });
      }
    }
  }
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof Element)) { return; }
    if (t.closest('summary, details.why')) { return; }
    var ref = t.closest('[data-finding]');
    if (ref) {
      e.preventDefault();
      select(ref.getAttribute('data-finding'), 'finding');
      return;
    }
    var f = t.closest('.finding');
    if (f) { select(f.id, 'timeline'); }
  });
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') { return; }
    var t = e.target;
    if (!(t instanceof Element)) { return; }
    if (t.classList.contains('finding')) { select(t.id, 'timeline'); }
    else if (t.hasAttribute('data-finding')) { select(t.getAttribute('data-finding'), 'finding'); }
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details.why').forEach(function (d) { d.open = true; });
  });
  var count = function (s) { return String(document.querySelectorAll(s).length); };
  body.setAttribute('data-findings', count('.finding'));
  body.setAttribute('data-timelines', count('.timeline'));
  body.setAttribute('data-ws-rows', count('.ws-row'));
  body.setAttribute('data-circ-rows', count('.circ-row'));
  body.setAttribute('data-errors', window.caselintErrors.join(' | '));
  body.setAttribute('data-ready', '1');
})();
"#;
