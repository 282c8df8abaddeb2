//! Five catalog rules written by hand in Rust over the same `CaseGraph` the
//! engine reads: the yardstick of `benches/review.rs` ("the limit").
//!
//! Each function computes what the engine computes for its rule: the same
//! bindings, the same three-valued conditions, and a finding per breach
//! with its nodes, title, citation and message (rendered in the pack's
//! default language, Chinese, as `review` does). It uses the case's indexes
//! the way a careful Rust programmer would: the enum index for
//! defendants and event types, edge slices per node, the edgeless events
//! computed once, and the requirement tested before the message's inputs.
//! `tests/handwritten.rs` checks they give the engine's findings.
#![allow(
    dead_code,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use caselint::RulePack;
use caselint::eval::value::{days_between, years_between};
use caselint::graph::{CaseGraph, EdgeKindId, FieldId, KindId, NodeIx, Value};
use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time};
use rust_decimal::Decimal;

/// A finding as the hand-written rules produce it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HFinding {
    pub rule: &'static str,
    pub nodes: Vec<String>,
    pub message: String,
    pub title: String,
    pub citation: String,
}

/// The schema's ids the rules use, resolved once.
pub struct Hand {
    k_case: KindId,
    k_person: KindId,
    k_event: KindId,
    k_charge: KindId,
    k_evidence: KindId,
    k_sentence: KindId,
    f_natsec: FieldId,
    f_procedure: FieldId,
    v_ordinary: u16,
    f_role: FieldId,
    v_defendant: u16,
    f_name: FieldId,
    f_birth: FieldId,
    f_type: FieldId,
    f_date: FieldId,
    f_time: FieldId,
    f_impossible: FieldId,
    v_detention: u16,
    v_family_notice: u16,
    v_hearing: u16,
    v_service: u16,
    v_spp: u16,
    f_crime: FieldId,
    f_offense: FieldId,
    f_injury: FieldId,
    f_cruel: FieldId,
    crime: Vec<u16>, // indexed by the names below
    injury_serious: u16,
    injury_minor: u16,
    injury_death: u16,
    f_excluded: FieldId,
    f_ev_type: FieldId,
    f_penalty: FieldId,
    f_scope: FieldId,
    f_months: FieldId,
    v_single: u16,
    v_combined: u16,
    pen: Vec<u16>,
    e_subject: EdgeKindId,
    e_concerns: EdgeKindId,
    e_supports: EdgeKindId,
    e_imposed: EdgeKindId,
    e_charged: EdgeKindId,
    fe_amount: FieldId,
    crime_zh: Vec<String>,
    evidence_zh: Vec<String>,
    penalty_zh: Vec<String>,
}

const CRIMES: [&str; 10] = [
    "intentional_homicide",
    "rape",
    "robbery",
    "drug_trafficking",
    "arson",
    "explosion",
    "poisoning",
    "intentional_injury",
    "theft",
    "fraud",
];
const PENALTIES: [&str; 7] = [
    "public_surveillance",
    "criminal_detention",
    "fixed_term",
    "life",
    "death_reprieve",
    "death",
    "exempt",
];

pub const FAMILY_NOTICE: &str = "cn.cpl.085.detention_family_notice";
pub const INDICTMENT_SERVICE: &str = "cn.cpl.187.indictment_service";
pub const AMOUNT_CONFLICT: &str = "cn.evidence.amount_conflict";
pub const COMBINED: &str = "cn.cl.069.combined_punishment";
pub const AGE: &str = "cn.cl.017.age_of_responsibility";

/// The five rules, in the order the doc reports them.
pub const RULES: [&str; 5] = [
    FAMILY_NOTICE,
    INDICTMENT_SERVICE,
    AMOUNT_CONFLICT,
    COMBINED,
    AGE,
];

fn dt(d: Date, t: Option<Time>) -> DateTime {
    d.to_datetime(t.unwrap_or(Time::midnight()))
}

fn hm(t: Time) -> String {
    t.strftime("%H:%M").to_string()
}

fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::Decimal(d) => Some(*d),
        Value::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

impl Hand {
    pub fn new(pack: &RulePack) -> Hand {
        let s = pack.schema();
        let prog = pack.program();
        let k = |n: &str| s.node_kind(n).unwrap();
        let (k_case, k_person, k_event, k_charge, k_evidence, k_sentence) = (
            k("case"),
            k("person"),
            k("event"),
            k("charge"),
            k("evidence"),
            k("sentence"),
        );
        let f = |k: KindId, n: &str| s.field(k, n).unwrap();
        let ev = |k: KindId, field: &str, v: &str| {
            let fid = s.field(k, field).unwrap();
            let e = s.field_def(k, fid).unwrap().ty.enum_id().unwrap();
            s.enum_value(e, v).unwrap()
        };
        let e = |n: &str| s.edge_kind(n).unwrap();
        let labels = |kind: KindId, field: &str| -> Vec<String> {
            let fid = s.field(kind, field).unwrap();
            let en = s.field_def(kind, fid).unwrap().ty.enum_id().unwrap();
            let n = s.enum_def(en).unwrap().values.len();
            (0..n as u16)
                .map(|v| {
                    prog.labels
                        .enum_values
                        .get(&(en, v))
                        .and_then(|m| m.get(&prog.default_lang))
                        .cloned()
                        .unwrap_or_else(|| s.enum_value_name(en, v).unwrap().to_string())
                })
                .collect()
        };
        let e_supports = e("supports");
        Hand {
            k_case,
            k_person,
            k_event,
            k_charge,
            k_evidence,
            k_sentence,
            f_natsec: f(k_case, "national_security"),
            f_procedure: f(k_case, "procedure"),
            v_ordinary: ev(k_case, "procedure", "ordinary"),
            f_role: f(k_person, "role"),
            v_defendant: ev(k_person, "role", "defendant"),
            f_name: f(k_person, "name"),
            f_birth: f(k_person, "birth_date"),
            f_type: f(k_event, "type"),
            f_date: f(k_event, "date"),
            f_time: f(k_event, "time"),
            f_impossible: f(k_event, "notice_impossible"),
            v_detention: ev(k_event, "type", "detention"),
            v_family_notice: ev(k_event, "type", "family_notice"),
            v_hearing: ev(k_event, "type", "hearing"),
            v_service: ev(k_event, "type", "indictment_service"),
            v_spp: ev(k_event, "type", "spp_approval"),
            f_crime: f(k_charge, "crime"),
            f_offense: f(k_charge, "offense_date"),
            f_injury: f(k_charge, "injury"),
            f_cruel: f(k_charge, "especially_cruel"),
            crime: CRIMES.iter().map(|c| ev(k_charge, "crime", c)).collect(),
            injury_serious: ev(k_charge, "injury", "serious"),
            injury_minor: ev(k_charge, "injury", "minor"),
            injury_death: ev(k_charge, "injury", "death"),
            f_excluded: f(k_evidence, "excluded"),
            f_ev_type: f(k_evidence, "type"),
            f_penalty: f(k_sentence, "penalty"),
            f_scope: f(k_sentence, "scope"),
            f_months: f(k_sentence, "months"),
            v_single: ev(k_sentence, "scope", "single"),
            v_combined: ev(k_sentence, "scope", "combined"),
            pen: PENALTIES
                .iter()
                .map(|p| ev(k_sentence, "penalty", p))
                .collect(),
            e_subject: e("subject"),
            e_concerns: e("concerns"),
            e_supports,
            e_imposed: e("imposed_on"),
            e_charged: e("charged_with"),
            fe_amount: s.edge_field(e_supports, "amount").unwrap(),
            crime_zh: labels(k_charge, "crime"),
            evidence_zh: labels(k_evidence, "type"),
            penalty_zh: labels(k_sentence, "penalty"),
        }
    }

    /// Runs one of the five rules by id.
    pub fn run(&self, rule: &str, g: &CaseGraph) -> Vec<HFinding> {
        match rule {
            FAMILY_NOTICE => self.family_notice(g),
            INDICTMENT_SERVICE => self.indictment_service(g),
            AMOUNT_CONFLICT => self.amount_conflict(g),
            COMBINED => self.combined_punishment(g),
            AGE => self.age_of_responsibility(g),
            _ => vec![],
        }
    }

    fn en(&self, g: &CaseGraph, n: NodeIx, f: FieldId) -> Option<u16> {
        g.field(n, f).and_then(Value::as_enum)
    }
    fn date(&self, g: &CaseGraph, n: NodeIx) -> Option<Date> {
        g.field(n, self.f_date).and_then(Value::as_date)
    }
    fn time(&self, g: &CaseGraph, n: NodeIx) -> Option<Time> {
        g.field(n, self.f_time).and_then(Value::as_time)
    }
    fn name(&self, g: &CaseGraph, n: NodeIx) -> String {
        g.field(n, self.f_name)
            .and_then(Value::as_text)
            .unwrap_or("?")
            .to_string()
    }
    fn is_event(&self, g: &CaseGraph, n: NodeIx, ty: u16) -> bool {
        g.node_kind(n) == self.k_event && self.en(g, n, self.f_type) == Some(ty)
    }
    fn defendants<'g>(&self, g: &'g CaseGraph) -> &'g [NodeIx] {
        g.nodes_with_enum(self.k_person, self.f_role, self.v_defendant)
    }
    /// Events of a type with no `subject` edge: they concern every defendant.
    fn edgeless(&self, g: &CaseGraph, ty: u16) -> Vec<NodeIx> {
        g.nodes_with_enum(self.k_event, self.f_type, ty)
            .iter()
            .copied()
            .filter(|&x| g.out_edges(x, self.e_subject).is_empty())
            .collect()
    }
    /// `earliest`: by date, then time (a known time first), then id.
    fn earlier(&self, g: &CaseGraph, a: NodeIx, b: NodeIx) -> bool {
        let key = |n| (self.date(g, n), self.time(g, n));
        let ((da, ta), (db, tb)) = (key(a), key(b));
        let tcmp = match (ta, tb) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        da.cmp(&db)
            .then(tcmp)
            .then_with(|| g.node_id(a).cmp(g.node_id(b)))
            .is_lt()
    }
    fn finding(
        rule: &'static str,
        nodes: Vec<String>,
        message: String,
        title: &str,
        cite: &str,
    ) -> HFinding {
        HFinding {
            rule,
            nodes,
            message,
            title: title.to_string(),
            citation: cite.to_string(),
        }
    }

    // ------------------------------------------------ cn.cpl.085.detention_family_notice

    pub fn family_notice(&self, g: &CaseGraph) -> Vec<HFinding> {
        let mut out = vec![];
        if let Some(case) = g.singleton(self.k_case)
            && g.field(case, self.f_natsec).and_then(Value::as_bool) == Some(true)
        {
            return out;
        }
        let free = self.edgeless(g, self.v_detention);
        for &d in self.defendants(g) {
            for &e in g.in_edges(d, self.e_subject) {
                let x = g.edge_source(e);
                if self.is_event(g, x, self.v_detention) {
                    self.notice(g, d, x, &mut out);
                }
            }
            for &x in &free {
                self.notice(g, d, x, &mut out);
            }
        }
        out.sort();
        out
    }

    fn notice(&self, g: &CaseGraph, d: NodeIx, x: NodeIx, out: &mut Vec<HFinding>) {
        let Some(xd) = self.date(g, x) else { return };
        let xt = self.time(g, x);
        let notices = || {
            g.in_edges(x, self.e_concerns)
                .iter()
                .map(|&e| g.edge_source(e))
                .filter(|&f| self.is_event(g, f, self.v_family_notice))
        };
        let in_time = notices().any(|f| {
            if g.field(f, self.f_impossible).and_then(Value::as_bool) == Some(true) {
                return true;
            }
            let Some(fd) = self.date(g, f) else {
                return false;
            };
            match (xt, self.time(g, f)) {
                (Some(a), Some(b)) => {
                    let (mx, mf) = (dt(xd, Some(a)), dt(fd, Some(b)));
                    mx <= mf && mx.checked_add(24.hours()).is_ok_and(|end| mf <= end)
                }
                _ => xd <= fd && xd.checked_add(1.day()).is_ok_and(|end| fd <= end),
            }
        });
        if in_time {
            return;
        }
        // The first notice at or after the detention, for the message.
        let mut n: Option<NodeIx> = None;
        for f in notices() {
            let Some(fd) = self.date(g, f) else { continue };
            let after = match (xt, self.time(g, f)) {
                (Some(a), Some(b)) => dt(fd, Some(b)) >= dt(xd, Some(a)),
                _ => fd >= xd,
            };
            if after && n.is_none_or(|m| self.earlier(g, f, m)) {
                n = Some(f);
            }
        }
        let name = self.name(g, d);
        let mut nodes = vec![g.node_id(d).to_string(), g.node_id(x).to_string()];
        let message = match n {
            None => format!("{name}于{xd}被拘留，卷内没有拘留后就该拘留通知家属的记录"),
            Some(n) => {
                nodes.push(g.node_id(n).to_string());
                let nd = self.date(g, n).map_or("?".to_string(), |d| d.to_string());
                match (xt, self.time(g, n)) {
                    (Some(a), Some(b)) => format!(
                        "{name}于{xd} {}被拘留，直至{nd} {}才通知家属，超过二十四小时",
                        hm(a),
                        hm(b)
                    ),
                    _ => format!("{name}于{xd}被拘留，直至{nd}才通知家属，超过二十四小时"),
                }
            }
        };
        out.push(Self::finding(
            FAMILY_NOTICE,
            nodes,
            message,
            "拘留后二十四小时以内未通知家属",
            "《刑事诉讼法》第八十五条第二款",
        ));
    }

    // ------------------------------------------------ cn.cpl.187.indictment_service

    pub fn indictment_service(&self, g: &CaseGraph) -> Vec<HFinding> {
        let mut out = vec![];
        let ordinary = g
            .singleton(self.k_case)
            .and_then(|c| self.en(g, c, self.f_procedure))
            == Some(self.v_ordinary);
        if !ordinary {
            return out;
        }
        let mut h: Option<NodeIx> = None;
        for &e in g.nodes_with_enum(self.k_event, self.f_type, self.v_hearing) {
            if self.date(g, e).is_some() && h.is_none_or(|m| self.earlier(g, e, m)) {
                h = Some(e);
            }
        }
        let Some(h) = h else { return out };
        let Some(hd) = self.date(g, h) else {
            return out;
        };
        let Ok(limit) = hd.checked_sub(10.days()) else {
            return out;
        };
        let free = self.edgeless(g, self.v_service);
        for &d in self.defendants(g) {
            let mut s: Option<NodeIx> = None;
            let own = g
                .in_edges(d, self.e_subject)
                .iter()
                .map(|&e| g.edge_source(e))
                .filter(|&x| self.is_event(g, x, self.v_service));
            for x in own.chain(free.iter().copied()) {
                if self.date(g, x).is_some() && s.is_none_or(|m| self.earlier(g, x, m)) {
                    s = Some(x);
                }
            }
            let sd = s.and_then(|s| self.date(g, s));
            if sd.is_some_and(|sd| sd <= limit) {
                continue;
            }
            let name = self.name(g, d);
            let mut nodes = vec![g.node_id(h).to_string(), g.node_id(d).to_string()];
            let message = match (s, sd) {
                (Some(s), Some(sd)) => {
                    nodes.push(g.node_id(s).to_string());
                    let days = days_between(sd, hd).map_or("?".to_string(), |n| n.to_string());
                    format!("起诉书副本于{sd}送达{name}，距{hd}开庭仅{days}日，应当至少提前十日")
                }
                _ => format!("卷内没有向{name}送达起诉书副本的记录，开庭日期为{hd}"),
            };
            out.push(Self::finding(
                INDICTMENT_SERVICE,
                nodes,
                message,
                "开庭十日以前未送达起诉书副本",
                "《刑事诉讼法》第一百八十七条第一款",
            ));
        }
        out.sort();
        out
    }

    // ------------------------------------------------ cn.evidence.amount_conflict

    pub fn amount_conflict(&self, g: &CaseGraph) -> Vec<HFinding> {
        let mut out = vec![];
        let mut sup: Vec<(NodeIx, Decimal)> = vec![];
        for &c in g.nodes_of_kind(self.k_charge) {
            sup.clear();
            // Admissible evidence asserting an amount; edges come sorted by source id.
            for &e in g.in_edges(c, self.e_supports) {
                let x = g.edge_source(e);
                if g.node_kind(x) != self.k_evidence
                    || g.field(x, self.f_excluded).and_then(Value::as_bool) == Some(true)
                {
                    continue;
                }
                if let Some(a) = g.edge_field(e, self.fe_amount).and_then(dec) {
                    sup.push((x, a));
                }
            }
            for (i, &(e1, a1)) in sup.iter().enumerate() {
                for &(e2, a2) in &sup[i + 1..] {
                    if e1 == e2 || a1 == a2 {
                        continue;
                    }
                    let crime = self
                        .en(g, c, self.f_crime)
                        .and_then(|v| self.crime_zh.get(usize::from(v)))
                        .map_or("?", String::as_str);
                    let kind = |e: NodeIx| {
                        self.en(g, e, self.f_ev_type)
                            .and_then(|v| self.evidence_zh.get(usize::from(v)))
                            .map_or("", String::as_str)
                    };
                    let message = format!(
                        "{}（{}）与{}（{}）证明的{crime}（{}）数额不一致：{}元与{}元",
                        kind(e1),
                        g.node_id(e1),
                        kind(e2),
                        g.node_id(e2),
                        g.node_id(c),
                        a1.normalize(),
                        a2.normalize()
                    );
                    let nodes = vec![
                        g.node_id(c).to_string(),
                        g.node_id(e1).to_string(),
                        g.node_id(e2).to_string(),
                    ];
                    out.push(Self::finding(
                        AMOUNT_CONFLICT,
                        nodes,
                        message,
                        "证据证明的数额不一致",
                        "《刑事诉讼法》第五十五条第二款第三项",
                    ));
                }
            }
        }
        out.sort();
        out.dedup_by(|a, b| a.nodes == b.nodes && a.message == b.message);
        out
    }

    // ------------------------------------------------ cn.cl.069.combined_punishment

    pub fn combined_punishment(&self, g: &CaseGraph) -> Vec<HFinding> {
        let mut out = vec![];
        let (ps, cd, ft) = (self.pen[0], self.pen[1], self.pen[2]);
        let grave_pen = [self.pen[3], self.pen[4], self.pen[5]];
        let mut singles: Vec<(u16, Option<i64>)> = vec![];
        let mut combined: Vec<(NodeIx, u16, Option<i64>)> = vec![];
        for &d in self.defendants(g) {
            singles.clear();
            combined.clear();
            for &e in g.in_edges(d, self.e_imposed) {
                let s = g.edge_source(e);
                if g.node_kind(s) != self.k_sentence {
                    continue;
                }
                let (Some(p), Some(scope)) =
                    (self.en(g, s, self.f_penalty), self.en(g, s, self.f_scope))
                else {
                    continue;
                };
                let m = g.field(s, self.f_months).and_then(Value::as_int);
                if scope == self.v_single {
                    singles.push((p, m));
                } else if scope == self.v_combined {
                    combined.push((s, p, m));
                }
            }
            if singles.len() < 2 {
                continue;
            }
            let grave = singles.iter().any(|(p, _)| grave_pen.contains(p));
            if grave {
                continue;
            }
            let name = self.name(g, d);
            // Part missing: two or more singles of a kind and no combined sentence.
            if combined.is_empty() {
                for k in [ps, cd, ft] {
                    let n = singles.iter().filter(|(p, _)| *p == k).count();
                    if n >= 2 {
                        let label = self
                            .penalty_zh
                            .get(usize::from(k))
                            .map_or("?", String::as_str);
                        out.push(Self::finding(
                            COMBINED,
                            vec![g.node_id(d).to_string()],
                            format!("{name}被判处{n}个{label}，但没有数罪并罚后决定执行的刑罚"),
                            "数罪未并罚",
                            "《刑法》第六十九条",
                        ));
                    }
                }
            }
            // Part bounds: the combined term between the longest and min(sum, cap).
            for &(cs, p, months) in &combined {
                if ![ps, cd, ft].contains(&p) {
                    continue;
                }
                let mut n = 0;
                let mut top = i64::MIN;
                let mut total = 0i64;
                let mut unknown = false;
                for &(q, m) in &singles {
                    if q != p {
                        continue;
                    }
                    n += 1;
                    match m {
                        Some(m) => {
                            top = top.max(m);
                            total += m;
                        }
                        None => unknown = true,
                    }
                }
                if n < 2 || unknown {
                    continue;
                }
                let Some(cm) = months else { continue };
                let cap = if p == ft {
                    if total >= 420 { 300 } else { 240 }
                } else if p == cd {
                    12
                } else {
                    36
                };
                if top <= cm && cm <= total.min(cap) {
                    continue;
                }
                let label = self
                    .penalty_zh
                    .get(usize::from(p))
                    .map_or("?", String::as_str);
                out.push(Self::finding(
                    COMBINED,
                    vec![g.node_id(d).to_string(), g.node_id(cs).to_string()],
                    format!(
                        "{name}数罪并罚决定执行{label}{cm}个月，应当在数刑中最高刑期{top}个月以上、总和刑期{total}个月以下，且不超过{cap}个月"
                    ),
                    "数罪并罚决定执行的刑期不当",
                    "《刑法》第六十九条",
                ));
            }
        }
        out.sort();
        out.dedup_by(|a, b| a.nodes == b.nodes && a.message == b.message);
        out
    }

    // ------------------------------------------------ cn.cl.017.age_of_responsibility

    pub fn age_of_responsibility(&self, g: &CaseGraph) -> Vec<HFinding> {
        let mut out = vec![];
        let spp = !g
            .nodes_with_enum(self.k_event, self.f_type, self.v_spp)
            .is_empty();
        let c = &self.crime;
        let (homicide, injury) = (c[0], c[7]);
        for &d in self.defendants(g) {
            let Some(birth) = g.field(d, self.f_birth).and_then(Value::as_date) else {
                continue;
            };
            for &e in g.out_edges(d, self.e_charged) {
                let ch = g.edge_target(e);
                if g.node_kind(ch) != self.k_charge {
                    continue;
                }
                let Some(day) = g.field(ch, self.f_offense).and_then(Value::as_date) else {
                    continue;
                };
                let a = years_between(birth, day);
                if a >= 16 {
                    continue;
                }
                let Some(crime) = self.en(g, ch, self.f_crime) else {
                    continue;
                };
                let inj = self.en(g, ch, self.f_injury);
                let cruel = g.field(ch, self.f_cruel).and_then(Value::as_bool) == Some(true);
                let is_inj = |v: u16| inj.map(|i| i == v);
                // liable_from_14
                let eight = c[..7].contains(&crime);
                let l14 = or3(
                    Some(eight),
                    and3(
                        Some(crime == injury),
                        or3(is_inj(self.injury_serious), is_inj(self.injury_death)),
                    ),
                );
                // liable_from_12
                let l12 = and3(
                    and3(
                        Some(crime == homicide || crime == injury),
                        or3(
                            is_inj(self.injury_death),
                            and3(is_inj(self.injury_serious), Some(cruel)),
                        ),
                    ),
                    Some(spp),
                );
                let req = or3(and3(Some(a >= 14), l14), and3(Some(a >= 12), l12));
                if req != Some(false) {
                    continue;
                }
                let name = self.name(g, d);
                let label = self
                    .crime_zh
                    .get(usize::from(crime))
                    .map_or("?", String::as_str);
                let message = if a < 12 {
                    format!("{name}于{day}实施{label}时{a}周岁，不满十二周岁，不负刑事责任")
                } else if a < 14 {
                    format!(
                        "{name}于{day}实施{label}时{a}周岁，只对故意杀人、故意伤害致人死亡或者以特别残忍手段致人重伤、并经最高人民检察院核准追诉的犯罪负刑事责任"
                    )
                } else if crime == injury {
                    let harm = if is_inj(self.injury_death) == Some(true) {
                        "致人死亡"
                    } else if is_inj(self.injury_serious) == Some(true) && cruel {
                        "以特别残忍手段致人重伤"
                    } else if is_inj(self.injury_serious) == Some(true) {
                        "致人重伤"
                    } else if is_inj(self.injury_minor) == Some(true) {
                        "致人轻伤"
                    } else {
                        "伤情不详"
                    };
                    format!(
                        "{name}于{day}实施故意伤害时{a}周岁，已满十四周岁不满十六周岁的人只对故意伤害致人重伤或者死亡负刑事责任，本案为{harm}"
                    )
                } else {
                    format!(
                        "{name}于{day}实施{label}时{a}周岁，已满十四周岁不满十六周岁的人不对该罪负刑事责任"
                    )
                };
                out.push(Self::finding(
                    AGE,
                    vec![g.node_id(d).to_string(), g.node_id(ch).to_string()],
                    message,
                    "未达刑事责任年龄",
                    "《刑法》第十七条",
                ));
            }
        }
        out.sort();
        out.dedup_by(|a, b| a.nodes == b.nodes && a.message == b.message);
        out
    }
}

/// The shipped pack's sources with every rule block but `rule_id`'s removed:
/// the vocabulary, definitions, tables and calendar stay, so the engine does
/// exactly that rule's work.
pub fn single_rule_sources(dir: &str, rule_id: &str) -> Vec<(String, String)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), strip_rules(&text, rule_id))
        })
        .collect()
}

/// Removes every `rule ID … { … }` block whose id is not `keep` (lines kept
/// blank, so positions stay).
pub fn strip_rules(text: &str, keep: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0i32;
    let mut dropping = false;
    for line in text.split_inclusive('\n') {
        if depth == 0 && line.starts_with("rule ") {
            let id = line["rule ".len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            dropping = id != keep;
        }
        let before = depth;
        let mut in_str = false;
        for ch in line.chars() {
            match ch {
                '"' => in_str = !in_str,
                '#' if !in_str => break,
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        let in_rule = dropping && (before > 0 || depth > 0 || line.starts_with("rule "));
        if in_rule {
            out.push('\n');
        } else {
            out.push_str(line);
        }
        if depth == 0 {
            dropping = false;
        }
    }
    out
}
