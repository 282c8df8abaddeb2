//! A generator of valid cn-criminal case files of any size, for tests and
//! benches: persons, events with `subject`/`attended_by`/`concerns` edges,
//! charges, evidence with `supports`/`provided_by` edges, sentences,
//! circumstances. Deterministic for a given seed.
#![allow(dead_code, clippy::indexing_slicing, clippy::unwrap_used)]

use std::fmt::Write as _;

/// A small deterministic PRNG (xorshift64*), so the generator needs no crate.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// One of the items.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Nodes per generated unit (one defendant's file).
pub const NODES_PER_UNIT: usize = 12;

fn date(rng: &mut Rng, year: u32) -> String {
    format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

/// A valid case of about `nodes` nodes (1 case node plus units of 12).
pub fn generate_case(nodes: usize, seed: u64) -> String {
    let units = (nodes.saturating_sub(1) / NODES_PER_UNIT).max(1);
    let mut rng = Rng::new(seed);
    let mut ns: Vec<String> = Vec::with_capacity(units * NODES_PER_UNIT + 1);
    let mut es: Vec<String> = Vec::with_capacity(units * 16);
    ns.push(
        r#"{"id": "case", "kind": "case", "procedure": "ordinary", "court_level": "basic", "region": "CN-SH"}"#
            .to_owned(),
    );
    let names = ["张三", "李四", "王五", "赵六", "陈七", "刘八"];
    let crimes = [
        "theft",
        "fraud",
        "robbery",
        "intentional_injury",
        "dangerous_driving",
    ];
    for u in 0..units {
        // Ids hash-like, so input order is not id order.
        let tag = format!("{:08x}{u:x}", rng.next() as u32);
        let d = format!("d{tag}");
        let v = format!("v{tag}");
        let l = format!("l{tag}");
        let year = 1970 + rng.below(35) as u32;
        ns.push(format!(
            r#"{{"id": "{d}", "kind": "person", "role": "defendant", "name": "{}", "birth_date": "{}", "sex": "male"}}"#,
            rng.pick(&names),
            date(&mut rng, year)
        ));
        ns.push(format!(
            r#"{{"id": "{v}", "kind": "person", "role": "victim", "name": "{}", "disabilities": ["deaf"]}}"#,
            rng.pick(&names)
        ));
        ns.push(format!(
            r#"{{"id": "{l}", "kind": "person", "role": "defender", "is_lawyer": true, "legal_aid": false}}"#
        ));
        es.push(format!(
            r#"{{"kind": "represents", "from": "{l}", "to": "{d}"}}"#
        ));
        let events = [
            ("detention", r#", "by": "police", "time": "09:30""#),
            (
                "interrogation",
                r#", "recorded": true, "investigators": 2, "in_detention_house": true"#,
            ),
            ("arrest", r#", "by": "police""#),
            (
                "hearing",
                r#", "public": true, "final_statement": true, "time": "14:00:00""#,
            ),
        ];
        let mut prev: Option<String> = None;
        for (i, (ty, extra)) in events.iter().enumerate() {
            let e = format!("e{tag}-{i}");
            ns.push(format!(
                r#"{{"id": "{e}", "kind": "event", "type": "{ty}", "date": "{}"{extra}}}"#,
                date(&mut rng, 2024)
            ));
            es.push(format!(
                r#"{{"kind": "subject", "from": "{e}", "to": "{d}"}}"#
            ));
            if *ty == "interrogation" || *ty == "hearing" {
                es.push(format!(
                    r#"{{"kind": "attended_by", "from": "{e}", "to": "{l}"}}"#
                ));
            }
            if let Some(p) = &prev {
                es.push(format!(
                    r#"{{"kind": "concerns", "from": "{e}", "to": "{p}"}}"#
                ));
            }
            prev = Some(e);
        }
        let c = format!("c{tag}");
        let amount = format!("{}.{:02}", 1000 + rng.below(100_000), rng.below(100));
        ns.push(format!(
            r#"{{"id": "{c}", "kind": "charge", "crime": "{}", "article": "CL 264", "offense_date": "{}", "amount": "{amount}"}}"#,
            rng.pick(&crimes),
            date(&mut rng, 2023)
        ));
        es.push(format!(
            r#"{{"kind": "charged_with", "from": "{d}", "to": "{c}", "role": "principal"}}"#
        ));
        for (i, ty) in ["confession", "witness_statement"].iter().enumerate() {
            let x = format!("x{tag}-{i}");
            ns.push(format!(
                r#"{{"id": "{x}", "kind": "evidence", "type": "{ty}", "collected_on": "{}", "signed": true}}"#,
                date(&mut rng, 2024)
            ));
            es.push(format!(
                r#"{{"kind": "supports", "from": "{x}", "to": "{c}", "amount": {amount}}}"#
            ));
            es.push(format!(
                r#"{{"kind": "provided_by", "from": "{x}", "to": "{d}"}}"#
            ));
        }
        let s = format!("s{tag}");
        ns.push(format!(
            r#"{{"id": "{s}", "kind": "sentence", "penalty": "fixed_term", "scope": "single", "months": {}, "fine": "5000.00"}}"#,
            6 + rng.below(60)
        ));
        es.push(format!(
            r#"{{"kind": "imposed_on", "from": "{s}", "to": "{d}"}}"#
        ));
        es.push(format!(r#"{{"kind": "for", "from": "{s}", "to": "{c}"}}"#));
        let k = format!("k{tag}");
        ns.push(format!(
            r#"{{"id": "{k}", "kind": "circumstance", "type": "confession", "adjustment_pct": -20}}"#
        ));
        es.push(format!(
            r#"{{"kind": "applies_to", "from": "{k}", "to": "{d}"}}"#
        ));
    }
    let mut out = String::with_capacity((ns.len() + es.len()) * 110);
    let _ = write!(
        out,
        "{{\n  \"format\": \"caselint/case@1\",\n  \"id\": \"(2024)沪0104刑初{seed}号\",\n  \"nodes\": [\n"
    );
    for (i, n) in ns.iter().enumerate() {
        out.push_str("    ");
        out.push_str(n);
        out.push_str(if i + 1 < ns.len() { ",\n" } else { "\n" });
    }
    out.push_str("  ],\n  \"edges\": [\n");
    for (i, e) in es.iter().enumerate() {
        out.push_str("    ");
        out.push_str(e);
        out.push_str(if i + 1 < es.len() { ",\n" } else { "\n" });
    }
    out.push_str("  ]\n}\n");
    out
}

/// A valid case with one node per line, `extra_nodes` and `edges` appended.
pub fn case_with(extra_nodes: &[&str], edges: &[&str]) -> String {
    let mut nodes = vec![
        r#"{"id": "c", "kind": "case", "procedure": "ordinary"}"#,
        r#"{"id": "d1", "kind": "person", "role": "defendant", "name": "张三", "birth_date": "2007-03-02"}"#,
        r#"{"id": "e1", "kind": "event", "type": "detention", "date": "2024-03-01"}"#,
        r#"{"id": "ch1", "kind": "charge", "crime": "theft"}"#,
        r#"{"id": "x1", "kind": "evidence", "type": "confession"}"#,
    ];
    nodes.extend_from_slice(extra_nodes);
    format!(
        "{{\n\"format\": \"caselint/case@1\",\n\"id\": \"(2024)沪0104刑初1234号\",\n\"nodes\": [\n{}\n],\n\"edges\": [\n{}\n]\n}}\n",
        nodes.join(",\n"),
        edges.join(",\n")
    )
}
