//! Synthetic but valid cn-criminal case files, for benchmarks and load tests.
//!
//! [`generate`] writes one v1 case file (JSON) of a chosen size. The shapes
//! are those of real files, scaled up: a case has several defendants (one
//! per ~35 nodes), and each defendant a full procedural chain of 20 to 30
//! events (filing, detention, family notice, custody, interrogations, arrest
//! request and decision, arrest, extensions, transfer, indictment, service,
//! judgment service) linked by `subject` and `concerns` edges; charges with
//! amounts and dates, some shared by two defendants; evidence supporting the
//! charges and asserting amounts; circumstances; single and combined
//! sentences; prior convictions. A few percent of every kind of act is
//! late, missing or contradictory, so the rules find something.
//!
//! The output is a pure function of `(nodes, seed)` (and of which fields
//! the schema declares): a small splitmix64 generator, no global state.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use caselint::{RulePack, r#gen as generator};
//! let pack = RulePack::load("rules/cn-criminal")?;
//! let json = generator::generate(pack.schema(), 200, 7);
//! let case = pack.load_case(&json)?;
//! assert_eq!(case.node_count(), 200);
//! # Ok(())
//! # }
//! ```

use crate::graph::Schema;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use std::fmt::Write as _;
use std::sync::Arc;

/// From this size on, a generated case has exactly the nodes asked for;
/// below it, the case-level nodes and one defendant's file (30 to 90 nodes).
pub const EXACT_FROM: usize = 100;

/// A deterministic pseudo-random generator (splitmix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let n = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % n) as i64
    }

    /// `true` with probability `p` percent.
    pub fn pct(&mut self, p: u64) -> bool {
        self.next_u64() % 100 < p
    }

    /// One of the items (`""` when there are none).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = (self.next_u64() % items.len().max(1) as u64) as usize;
        items.get(i).copied().unwrap_or("")
    }
}

/// A JSON field value, already encoded.
type Fields = Vec<(&'static str, String)>;

fn q(s: &str) -> String {
    format!("\"{s}\"")
}

fn qd(d: Date) -> String {
    format!("\"{d}\"")
}

fn add(d: Date, days: i64) -> Date {
    d.saturating_add(days.days())
}

struct Writer<'s> {
    schema: &'s Schema,
    nodes: String,
    edges: String,
    n_nodes: usize,
    n_edges: usize,
}

impl Writer<'_> {
    fn node(&mut self, id: &str, kind: &str, fields: Fields) {
        let k = self.schema.node_kind(kind);
        if self.n_nodes > 0 {
            self.nodes.push_str(",\n");
        }
        let _ = write!(self.nodes, "    {{\"id\": \"{id}\", \"kind\": \"{kind}\"");
        for (f, v) in fields {
            if k.is_some_and(|k| self.schema.field(k, f).is_some()) {
                let _ = write!(self.nodes, ", \"{f}\": {v}");
            }
        }
        self.nodes.push('}');
        self.n_nodes += 1;
    }

    fn edge(&mut self, kind: &str, from: &str, to: &str, fields: Fields) {
        let k = self.schema.edge_kind(kind);
        if self.n_edges > 0 {
            self.edges.push_str(",\n");
        }
        let _ = write!(
            self.edges,
            "    {{\"kind\": \"{kind}\", \"from\": \"{from}\", \"to\": \"{to}\""
        );
        for (f, v) in fields {
            if k.is_some_and(|k| self.schema.edge_field(k, f).is_some()) {
                let _ = write!(self.edges, ", \"{f}\": {v}");
            }
        }
        self.edges.push('}');
        self.n_edges += 1;
    }

    /// An event of a defendant: a `subject` edge to `d` and, when given, `concerns` to `about`.
    fn event(
        &mut self,
        id: &str,
        ty: &str,
        day: Date,
        mut fields: Fields,
        d: &str,
        about: Option<&str>,
    ) {
        let mut all = vec![("type", q(ty)), ("date", qd(day))];
        all.append(&mut fields);
        self.node(id, "event", all);
        self.edge("subject", id, d, vec![]);
        if let Some(a) = about {
            self.edge("concerns", id, a, vec![]);
        }
    }
}

fn time(rng: &mut Rng, lo_h: i64, hi_h: i64) -> (i64, String) {
    let m = rng.range(lo_h * 60, hi_h * 60 + 59);
    (m, q(&format!("{:02}:{:02}", m / 60, m % 60)))
}

fn person_name(rng: &mut Rng) -> String {
    const SURNAMES: [&str; 16] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
        "郭",
    ];
    const GIVEN: [&str; 16] = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明",
        "超",
    ];
    let a = rng.pick(&SURNAMES);
    let b = rng.pick(&GIVEN);
    let c = if rng.pct(60) { rng.pick(&GIVEN) } else { "" };
    q(&format!("{a}{b}{c}"))
}

/// The case-level acts every defendant's chain is placed before.
struct Court {
    acceptance: Date,
    hearing: Date,
    judgment: Date,
    hearing_id: &'static str,
}

/// A charge a later defendant may share.
struct SharedCharge {
    id: String,
}

const CRIMES: [(&str, u64); 10] = [
    ("theft", 30),
    ("fraud", 18),
    ("robbery", 12),
    ("intentional_injury", 12),
    ("dangerous_driving", 8),
    ("drug_trafficking", 6),
    ("traffic_accident", 4),
    ("intentional_homicide", 3),
    ("rape", 2),
    ("other", 5),
];

fn pick_crime(rng: &mut Rng) -> &'static str {
    let mut r = rng.next_u64() % 100;
    for (c, w) in CRIMES {
        if r < w {
            return c;
        }
        r -= w;
    }
    "other"
}

/// A valid v1 case file of `nodes` nodes (exactly, from [`EXACT_FROM`] on), deterministic for `seed`.
///
/// The case is scaled by the number of defendants, one per ~35 nodes, each
/// with a procedural chain of 20 to 30 events; the remainder is made up with
/// witnesses. Fields the schema does not declare are left out.
pub fn generate(schema: &Arc<Schema>, nodes: usize, seed: u64) -> String {
    let target = nodes;
    let rng = &mut Rng::new(seed);
    let mut w = Writer {
        schema,
        nodes: String::with_capacity(target * 150),
        edges: String::with_capacity(target * 120),
        n_nodes: 0,
        n_edges: 0,
    };
    // A large case (many defendants) is tried in the ordinary procedure.
    let simplified = !rng.pct(80) && nodes <= 300;
    let procedure = if simplified { "simplified" } else { "ordinary" };
    let acceptance = add(date(2023, 11, 20), rng.range(0, 20));
    let court = Court {
        acceptance,
        hearing: add(acceptance, rng.range(45, 60)),
        judgment: add(acceptance, rng.range(75, 85)),
        hearing_id: "k-hearing",
    };
    w.node(
        "case",
        "case",
        vec![
            ("procedure", q(procedure)),
            ("court_level", q("basic")),
            ("region", q("CN-SH")),
            (
                "national_security",
                (rng.pct(3) && nodes <= 300).to_string(),
            ),
            ("roving_or_gang", (rng.pct(20)).to_string()),
        ],
    );
    for (id, role) in [
        ("k-judge", "judge"),
        ("k-clerk", "clerk"),
        ("k-prosecutor", "prosecutor"),
    ] {
        let name = person_name(rng);
        w.node(id, "person", vec![("role", q(role)), ("name", name)]);
    }
    w.node(
        "k-acceptance",
        "event",
        vec![
            ("type", q("court_acceptance")),
            ("date", qd(court.acceptance)),
            ("by", q("court")),
        ],
    );
    w.node(
        "k-announcement",
        "event",
        vec![
            ("type", q("trial_announcement")),
            ("date", qd(add(court.hearing, -7))),
            ("by", q("court")),
        ],
    );
    w.node(
        court.hearing_id,
        "event",
        vec![
            ("type", q("hearing")),
            ("date", qd(court.hearing)),
            ("time", q("09:30")),
            ("by", q("court")),
            ("public", (rng.pct(70)).to_string()),
            ("final_statement", (rng.pct(95)).to_string()),
        ],
    );
    for p in ["k-judge", "k-clerk", "k-prosecutor"] {
        w.edge("attended_by", court.hearing_id, p, vec![]);
    }
    w.node(
        "k-judgment",
        "event",
        vec![
            ("type", q("judgment")),
            ("date", qd(court.judgment)),
            ("time", q("15:00")),
            ("by", q("court")),
            ("in_court", "true".to_string()),
        ],
    );
    if rng.pct(30) {
        w.node(
            "k-spp",
            "event",
            vec![
                ("type", q("spp_approval")),
                ("date", qd(add(court.acceptance, -30))),
                ("by", q("procuratorate")),
            ],
        );
    }
    let mut shared: Option<SharedCharge> = None;
    let mut i = 0usize;
    // Defendants while they fit (the first always); the rest is padded with witnesses.
    loop {
        let saved = (
            w.nodes.len(),
            w.edges.len(),
            w.n_nodes,
            w.n_edges,
            rng.clone(),
        );
        defendant(&mut w, rng, &court, i, &mut shared);
        if w.n_nodes > target && i > 0 {
            w.nodes.truncate(saved.0);
            w.edges.truncate(saved.1);
            (w.n_nodes, w.n_edges) = (saved.2, saved.3);
            *rng = saved.4;
            break;
        }
        i += 1;
    }
    let mut pad = 0usize;
    while w.n_nodes < target {
        let name = person_name(rng);
        w.node(
            &format!("w{pad:06}"),
            "person",
            vec![("role", q("witness")), ("name", name)],
        );
        pad += 1;
    }
    let mut out = String::with_capacity(w.nodes.len() + w.edges.len() + 200);
    let _ = write!(
        out,
        "{{\n  \"format\": \"caselint/case@1\",\n  \"id\": \"(2024)沪0104刑初{}号\",\n  \"nodes\": [\n",
        seed % 100_000
    );
    out.push_str(&w.nodes);
    out.push_str("\n  ],\n  \"edges\": [\n");
    out.push_str(&w.edges);
    out.push_str("\n  ]\n}\n");
    out
}

/// One defendant's file: the person, counsel, the procedural chain, charges,
/// evidence, circumstances, sentences and priors.
fn defendant(
    w: &mut Writer<'_>,
    rng: &mut Rng,
    court: &Court,
    i: usize,
    shared: &mut Option<SharedCharge>,
) {
    let d = format!("d{i:05}");
    let p = |s: &str| format!("{s}{i:05}");
    // The timeline: detention between 2023-01-01 and 2023-06-30.
    let detention = add(date(2023, 1, 1), rng.range(0, 180));
    let offense = add(detention, -rng.range(1, 60));
    // Age at the offence: mostly adults, a few juveniles.
    let r = rng.range(0, 999);
    let age = match r {
        0..=9 => 11,
        10..=29 => rng.range(12, 13),
        30..=79 => rng.range(14, 15),
        80..=129 => rng.range(16, 17),
        _ => rng.range(18, 64),
    };
    let minor = age < 18;
    let birth = add(offense, -(age * 365 + age / 4 + rng.range(1, 360)));
    let name = person_name(rng);
    let mut fields = vec![
        ("role", q("defendant")),
        ("name", name),
        ("sex", q(if rng.pct(85) { "male" } else { "female" })),
    ];
    if rng.pct(97) {
        fields.push(("birth_date", qd(birth)));
    }
    if rng.pct(2) {
        fields.push(("disabilities", "[\"deaf\"]".to_string()));
    }
    w.node(&d, "person", fields);
    let defender = (minor || rng.pct(80)).then(|| p("l"));
    if let Some(l) = &defender {
        let name = person_name(rng);
        w.node(
            l,
            "person",
            vec![
                ("role", q("defender")),
                ("name", name),
                ("is_lawyer", "true".to_string()),
                ("legal_aid", (minor).to_string()),
            ],
        );
        w.edge("represents", l, &d, vec![]);
    }
    let guardian = minor.then(|| p("g"));
    if let Some(g) = &guardian {
        let name = person_name(rng);
        w.node(g, "person", vec![("role", q("guardian")), ("name", name)]);
        w.edge("represents", g, &d, vec![]);
    }

    // ---- the procedural chain
    let ev = |n: usize| format!("e{i:05}-{n:02}");
    let mut n = 0usize;
    let mut next = || {
        n += 1;
        ev(n)
    };
    let filing = next();
    w.event(
        &filing,
        "case_filing",
        add(detention, -rng.range(0, 3)),
        vec![("by", q("police"))],
        &d,
        None,
    );
    let x = next();
    let (xm, xt) = time(rng, 6, 20);
    w.event(
        &x,
        "detention",
        detention,
        vec![("time", xt), ("by", q("police"))],
        &d,
        None,
    );
    // CPL 85: family notice concerning the detention, within 24 hours (mostly).
    let r = rng.range(0, 99);
    if r >= 5 {
        let f = next();
        let (day, fields) = match r {
            5..=12 => (add(detention, rng.range(2, 4)), vec![("time", q("10:00"))]),
            13..=16 => (
                add(detention, 1),
                vec![("notice_impossible", "true".to_string())],
            ),
            17..=20 => (add(detention, 1), vec![]),
            _ => {
                let m = xm + rng.range(30, 23 * 60);
                let t = q(&format!("{:02}:{:02}", (m / 60) % 24, m % 60));
                (add(detention, m / (24 * 60)), vec![("time", t)])
            }
        };
        let mut fields = fields;
        fields.push(("by", q("police")));
        w.event(&f, "family_notice", day, fields, &d, Some(&x));
    }
    let c = next();
    let (_, ct) = time(rng, 20, 23);
    let cday = if rng.pct(96) {
        detention
    } else {
        add(detention, 3)
    };
    w.event(
        &c,
        "custody_delivery",
        cday,
        vec![("time", ct), ("by", q("police"))],
        &d,
        None,
    );
    let cn = next();
    w.event(
        &cn,
        "counsel_notice",
        detention,
        vec![("by", q("police"))],
        &d,
        None,
    );
    // Interrogations: the first within 24 hours, then every few weeks.
    let interrogations = rng.range(2, 6);
    let mut iday = detention;
    for k in 0..interrogations {
        let ie = next();
        if k > 0 {
            iday = add(iday, rng.range(3, 20));
        }
        let (_, it) = time(rng, 20, 23);
        w.event(
            &ie,
            "interrogation",
            iday,
            vec![
                ("time", it),
                ("by", q("police")),
                ("recorded", (rng.pct(92)).to_string()),
                (
                    "investigators",
                    (if rng.pct(97) { 2 } else { 1 }).to_string(),
                ),
                ("in_detention_house", (k > 0).to_string()),
            ],
            &d,
            None,
        );
        if let Some(g) = &guardian
            && rng.pct(90)
        {
            w.edge("attended_by", &ie, g, vec![]);
        }
    }
    // Arrest: request, decision, arrest, family notice, interrogation.
    let req = next();
    let hi = if rng.pct(95) { 7 } else { 12 };
    let rday = add(detention, rng.range(3, hi));
    w.event(
        &req,
        "arrest_request",
        rday,
        vec![("by", q("police"))],
        &d,
        Some(&x),
    );
    let dec = next();
    let hi = if rng.pct(95) { 7 } else { 10 };
    let dday = add(rday, rng.range(2, hi));
    w.event(
        &dec,
        "arrest_decision",
        dday,
        vec![
            ("by", q("procuratorate")),
            ("decision", q("approved")),
            ("time", q("10:00")),
        ],
        &d,
        Some(&req),
    );
    let arrest = next();
    w.event(
        &arrest,
        "arrest",
        dday,
        vec![("by", q("police")), ("time", q("16:00"))],
        &d,
        None,
    );
    if rng.pct(95) {
        let f = next();
        let late = rng.pct(5);
        w.event(
            &f,
            "family_notice",
            add(dday, if late { 3 } else { 1 }),
            vec![("by", q("police")), ("time", q("09:00"))],
            &d,
            Some(&arrest),
        );
    }
    let ai = next();
    w.event(
        &ai,
        "interrogation",
        add(dday, 1),
        vec![
            ("time", q("10:00")),
            ("by", q("police")),
            ("recorded", "true".to_string()),
            ("investigators", "2".to_string()),
            ("in_detention_house", "true".to_string()),
        ],
        &d,
        None,
    );
    if let Some(g) = &guardian {
        w.edge("attended_by", &ai, g, vec![]);
    }
    let extended = rng.pct(30);
    if extended {
        let ext = next();
        w.event(
            &ext,
            "custody_extension",
            add(dday, 55),
            vec![
                ("by", q("procuratorate")),
                ("decision", q("approved")),
                ("months", "1".to_string()),
            ],
            &d,
            Some(&arrest),
        );
    }
    let hi = if extended { 85 } else { 58 };
    let tday = add(dday, rng.range(30, hi));
    let transfer = next();
    w.event(
        &transfer,
        "transfer_for_prosecution",
        tday,
        vec![("by", q("police"))],
        &d,
        None,
    );
    let cn2 = next();
    w.event(
        &cn2,
        "counsel_notice",
        add(tday, rng.range(0, 2)),
        vec![("by", q("procuratorate"))],
        &d,
        None,
    );
    if rng.pct(10) {
        let re = next();
        w.event(
            &re,
            "review_extension",
            add(tday, 25),
            vec![("by", q("procuratorate"))],
            &d,
            None,
        );
    }
    let plea = rng.pct(35);
    if plea {
        let pa = next();
        w.event(
            &pa,
            "plea_agreement",
            add(tday, 10),
            vec![("by", q("procuratorate"))],
            &d,
            None,
        );
        if let Some(l) = &defender {
            w.edge("attended_by", &pa, l, vec![]);
        }
        let sr = next();
        w.event(
            &sr,
            "sentencing_recommendation",
            add(tday, 10),
            vec![("by", q("procuratorate"))],
            &d,
            None,
        );
    }
    let ind = next();
    let iday = add(tday, rng.range(10, 28)).min(add(court.acceptance, -3));
    w.event(
        &ind,
        "indictment",
        iday,
        vec![("by", q("procuratorate"))],
        &d,
        None,
    );
    let cn3 = next();
    w.event(
        &cn3,
        "counsel_notice",
        add(court.acceptance, 2),
        vec![("by", q("court"))],
        &d,
        None,
    );
    // CPL 187: the indictment copy at least 10 days before the hearing (mostly).
    let r = rng.range(0, 99);
    if r >= 6 {
        let s = next();
        let before = if r < 14 {
            rng.range(2, 9)
        } else {
            rng.range(10, 40)
        };
        w.event(
            &s,
            "indictment_service",
            add(court.hearing, -before),
            vec![("by", q("court"))],
            &d,
            None,
        );
        if let Some(l) = &defender {
            let s2 = next();
            w.node(
                &s2,
                "event",
                vec![
                    ("type", q("indictment_service")),
                    ("date", qd(add(court.hearing, -before))),
                    ("by", q("court")),
                ],
            );
            w.edge("subject", &s2, l, vec![]);
            let tn = next();
            w.node(
                &tn,
                "event",
                vec![
                    ("type", q("trial_notice")),
                    ("date", qd(add(court.hearing, -5))),
                    ("by", q("court")),
                ],
            );
            w.edge("subject", &tn, l, vec![]);
        }
    }
    if let Some(l) = &defender {
        w.edge("attended_by", court.hearing_id, l, vec![]);
    }
    if let Some(g) = &guardian {
        w.edge("attended_by", court.hearing_id, g, vec![]);
    }
    let js = next();
    w.event(
        &js,
        "judgment_service",
        add(court.judgment, rng.range(1, 6)),
        vec![("by", q("court"))],
        &d,
        None,
    );

    // ---- charges, evidence, sentences
    let ncharges = match rng.range(0, 99) {
        0..=49 => 1,
        50..=84 => 2,
        _ => 3,
    };
    let mut singles: Vec<(&'static str, i64)> = vec![];
    let mut grave = false;
    for k in 0..ncharges {
        // A charge shared with the previous defendant (a joint crime), sometimes.
        if k == 0
            && let Some(sc) = shared.as_ref()
            && rng.pct(15)
        {
            w.edge("charged_with", &d, &sc.id, vec![("role", q("accessory"))]);
            continue;
        }
        let cid = format!("c{i:05}-{k}");
        let crime = pick_crime(rng);
        let cday = add(offense, -rng.range(0, 20) * k);
        let mut fields = vec![
            ("crime", q(crime)),
            ("offense_date", qd(cday)),
            (
                "completion",
                q(if rng.pct(90) {
                    "completed"
                } else {
                    "attempted"
                }),
            ),
        ];
        let amount = match crime {
            "theft" | "fraud" | "robbery" => Some(rng.range(800, 400_000)),
            _ => None,
        };
        if let Some(a) = amount {
            fields.push(("amount", a.to_string()));
        }
        match crime {
            "intentional_injury" => {
                fields.push((
                    "injury",
                    q(rng.pick(&["minor", "minor", "serious", "death"])),
                ));
                fields.push(("especially_cruel", (rng.pct(10)).to_string()));
            }
            "dangerous_driving" => fields.push(("blood_alcohol", rng.range(80, 250).to_string())),
            "drug_trafficking" => {
                fields.push((
                    "drug",
                    q(rng.pick(&["heroin", "methamphetamine", "ketamine"])),
                ));
                fields.push(("drug_grams", rng.range(1, 80).to_string()));
            }
            "traffic_accident" => fields.push(("deaths", rng.range(0, 2).to_string())),
            _ => {}
        }
        w.node(&cid, "charge", fields);
        w.edge(
            "charged_with",
            &d,
            &cid,
            vec![(
                "role",
                q(if rng.pct(80) {
                    "principal"
                } else {
                    "accessory"
                }),
            )],
        );
        // Evidence: 2 to 5 items; most assert the charged amount, a few another.
        let nev = rng.range(2, 5);
        for j in 0..nev {
            let xid = format!("x{i:05}-{k}{j}");
            let ty = if j == 0 {
                "confession"
            } else {
                rng.pick(&[
                    "witness_statement",
                    "documentary",
                    "physical",
                    "seizure_list",
                    "appraisal",
                    "victim_statement",
                ])
            };
            let mut ef = vec![
                ("type", q(ty)),
                ("collected_on", qd(add(detention, rng.range(0, 30)))),
            ];
            if matches!(ty, "confession" | "witness_statement" | "victim_statement") {
                ef.push(("signed", (rng.pct(97)).to_string()));
            }
            if rng.pct(3) {
                ef.push(("excluded", "true".to_string()));
            }
            w.node(&xid, "evidence", ef);
            let mut sf = vec![];
            if let Some(a) = amount {
                match rng.range(0, 99) {
                    0..=5 => sf.push(("amount", (a + rng.range(100, 5000)).to_string())),
                    6..=14 => {}
                    _ => sf.push(("amount", a.to_string())),
                }
            }
            if rng.pct(60) {
                sf.push(("offense_date", qd(cday)));
            }
            w.edge("supports", &xid, &cid, sf);
            if ty == "confession" {
                w.edge("provided_by", &xid, &d, vec![]);
            } else if ty == "witness_statement" {
                let wid = format!("w{i:05}-{k}{j}");
                let name = person_name(rng);
                w.node(&wid, "person", vec![("role", q("witness")), ("name", name)]);
                w.edge("provided_by", &xid, &wid, vec![]);
            }
        }
        if k == 0 {
            *shared = Some(SharedCharge { id: cid.clone() });
        }
        // The single sentence for the charge.
        let (penalty, months) = match crime {
            "dangerous_driving" => ("criminal_detention", rng.range(1, 6)),
            "intentional_homicide" if rng.pct(20) => ("life", 0),
            "intentional_homicide" => ("fixed_term", rng.range(120, 180)),
            "drug_trafficking" if rng.pct(10) => ("death_reprieve", 0),
            _ if rng.pct(12) => ("criminal_detention", rng.range(1, 6)),
            _ => ("fixed_term", rng.range(6, 120)),
        };
        grave |= matches!(penalty, "life" | "death_reprieve" | "death");
        let sid = format!("s{i:05}-{k}");
        let mut sf = vec![("penalty", q(penalty)), ("scope", q("single"))];
        if penalty == "fixed_term" || penalty == "criminal_detention" {
            if rng.pct(98) {
                sf.push(("months", months.to_string()));
            }
            singles.push((penalty, months));
        }
        if penalty == "criminal_detention" && rng.pct(30) {
            sf.push(("probation", "true".to_string()));
            sf.push(("probation_months", (months.max(2) + 2).to_string()));
        }
        sf.push(("fine", (rng.range(1, 50) * 1000).to_string()));
        w.node(&sid, "sentence", sf);
        w.edge("imposed_on", &sid, &d, vec![]);
        w.edge("for", &sid, &cid, vec![]);
    }
    // CL 69: one combined sentence per penalty kind with two or more singles.
    if !grave {
        for kind in ["criminal_detention", "fixed_term"] {
            let terms: Vec<i64> = singles
                .iter()
                .filter(|(p, _)| *p == kind)
                .map(|(_, m)| *m)
                .collect();
            if terms.len() < 2 {
                continue;
            }
            let r = rng.range(0, 99);
            if r < 8 {
                continue; // missing
            }
            let top = terms.iter().copied().max().unwrap_or(0);
            let sum: i64 = terms.iter().sum();
            let cap = if kind == "fixed_term" { 240 } else { 12 };
            let hi = sum.min(cap).max(top);
            let months = if r < 15 {
                hi + rng.range(1, 12)
            } else {
                rng.range(top, hi)
            };
            let sid = format!("s{i:05}-m{}", kind.get(..1).unwrap_or(""));
            w.node(
                &sid,
                "sentence",
                vec![
                    ("penalty", q(kind)),
                    ("scope", q("combined")),
                    ("months", months.to_string()),
                ],
            );
            w.edge("imposed_on", &sid, &d, vec![]);
        }
    }

    // ---- circumstances
    if minor {
        let r = p("r-m");
        w.node(
            &r,
            "circumstance",
            vec![("type", q("minor")), ("adjustment_pct", "-40".to_string())],
        );
        w.edge("applies_to", &r, &d, vec![]);
    }
    let ncirc = rng.range(0, 3);
    for k in 0..ncirc {
        let (ty, pct) = match rng.range(0, 4) {
            0 => ("confession", -15),
            1 => ("surrender", -20),
            2 => ("restitution", -10),
            3 => ("forgiveness", -10),
            _ => ("custody_conduct", -5),
        };
        let r = format!("r{i:05}-{k}");
        w.node(
            &r,
            "circumstance",
            vec![("type", q(ty)), ("adjustment_pct", pct.to_string())],
        );
        w.edge("applies_to", &r, &d, vec![]);
    }
    if plea {
        let r = p("r-p");
        w.node(
            &r,
            "circumstance",
            vec![
                ("type", q("plea_and_punishment")),
                ("adjustment_pct", "-10".to_string()),
            ],
        );
        w.edge("applies_to", &r, &d, vec![]);
    }
    // ---- a prior conviction, sometimes
    if !minor && rng.pct(15) {
        let pc = p("pc");
        let done = add(offense, -rng.range(200, 3000));
        w.node(
            &pc,
            "prior_conviction",
            vec![
                ("penalty", q("fixed_term")),
                ("months", rng.range(6, 48).to_string()),
                ("crime", q("theft")),
                ("offense_date", qd(add(done, -900))),
                ("completed_on", qd(done)),
            ],
        );
        w.edge("imposed_on", &pc, &d, vec![]);
        if rng.pct(60) {
            let r = p("r-r");
            w.node(
                &r,
                "circumstance",
                vec![
                    ("type", q("recidivism")),
                    ("adjustment_pct", "20".to_string()),
                ],
            );
            w.edge("applies_to", &r, &d, vec![]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RulePack;

    #[test]
    fn cases_load_clean_and_review_at_every_size() {
        let pack = RulePack::load("rules/cn-criminal").unwrap();
        for nodes in [100usize, 1_000, 10_000, 100_000] {
            let json = generate(pack.schema(), nodes, 7);
            let case = match pack.load_case(&json) {
                Ok(c) => c,
                Err(e) => panic!("{nodes} nodes: {e}"),
            };
            assert_eq!(case.node_count(), nodes);
            let report = pack.review(&case).unwrap();
            assert!(!report.findings.is_empty(), "{nodes} nodes: no findings");
        }
    }

    #[test]
    fn deterministic_for_a_seed() {
        let pack = RulePack::load("rules/cn-criminal").unwrap();
        let a = generate(pack.schema(), 500, 3);
        assert_eq!(a, generate(pack.schema(), 500, 3));
        assert_ne!(a, generate(pack.schema(), 500, 4));
    }

    #[test]
    fn small_sizes_get_one_defendant() {
        let pack = RulePack::load("rules/cn-criminal").unwrap();
        let case = pack.load_case(&generate(pack.schema(), 1, 1)).unwrap();
        assert!(
            (30..=100).contains(&case.node_count()),
            "{}",
            case.node_count()
        );
    }
}
