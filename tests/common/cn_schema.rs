//! The full cn-criminal v1 schema of case-format.md §4, built with
//! `SchemaBuilder`, for tests and benches. Include it with
//! `#[path = "common/cn_schema.rs"] mod cn_schema;` (from `tests/`) or
//! `#[path = "../tests/common/cn_schema.rs"] mod cn_schema;` (from `benches/`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use caselint::graph::{FieldDef, Schema, SchemaBuilder, Type};

fn f(name: &str, ty: Type) -> FieldDef {
    FieldDef::new(name, ty, false)
}

fn req(name: &str, ty: Type) -> FieldDef {
    FieldDef::new(name, ty, true)
}

fn en(b: &mut SchemaBuilder, name: &str, values: &[&str]) -> Type {
    Type::Enum(b.add_enum(name, values).unwrap())
}

/// `event.type` values, in the order of case-format.md §4.
pub const EVENT_TYPES: &[&str] = &[
    "case_filing",
    "detention",
    "custody_delivery",
    "family_notice",
    "interrogation",
    "counsel_notice",
    "arrest_request",
    "arrest_decision",
    "arrest",
    "release",
    "bail",
    "residential_surveillance",
    "custody_extension",
    "legal_aid_notice",
    "transfer_for_prosecution",
    "review_extension",
    "supplementary_investigation",
    "plea_agreement",
    "sentencing_recommendation",
    "indictment",
    "court_acceptance",
    "indictment_service",
    "summons_service",
    "trial_notice",
    "trial_announcement",
    "hearing",
    "trial_extension",
    "committee_decision",
    "spp_approval",
    "judgment",
    "judgment_service",
    "appeal",
    "protest",
];

/// `person.role` values.
pub const ROLES: &[&str] = &[
    "defendant",
    "victim",
    "defender",
    "duty_lawyer",
    "guardian",
    "appropriate_adult",
    "interpreter",
    "witness",
    "expert",
    "judge",
    "assessor",
    "clerk",
    "prosecutor",
    "investigator",
];

/// `charge.crime` values (also `prior_conviction.crime`).
pub const CRIMES: &[&str] = &[
    "theft",
    "fraud",
    "robbery",
    "intentional_injury",
    "intentional_homicide",
    "rape",
    "arson",
    "explosion",
    "poisoning",
    "kidnapping",
    "dangerous_driving",
    "traffic_accident",
    "drug_trafficking",
    "drug_possession",
    "other",
];

/// `sentence.penalty` values (also `prior_conviction.penalty`).
pub const PENALTIES: &[&str] = &[
    "public_surveillance",
    "criminal_detention",
    "fixed_term",
    "life",
    "death_reprieve",
    "death",
    "exempt",
];

/// The cn-criminal v1 schema.
pub fn cn_schema() -> Schema {
    let mut b = Schema::builder();

    let procedure = en(
        &mut b,
        "case.procedure",
        &["ordinary", "simplified", "fast_track"],
    );
    let court_level = en(
        &mut b,
        "case.court_level",
        &["basic", "intermediate", "high", "supreme"],
    );
    b.add_node_kind(
        "case",
        true,
        vec![
            req("procedure", procedure),
            f("court_level", court_level),
            f("region", Type::Text),
            f("national_security", Type::Bool),
            f("roving_or_gang", Type::Bool),
        ],
    )
    .unwrap();

    let role = en(&mut b, "person.role", ROLES);
    let sex = en(&mut b, "person.sex", &["male", "female"]);
    let disability = en(
        &mut b,
        "person.disabilities",
        &["blind", "deaf", "mute", "mental_partial"],
    );
    b.add_node_kind(
        "person",
        false,
        vec![
            req("role", role),
            f("name", Type::Text),
            f("birth_date", Type::Date),
            f("sex", sex),
            f("disabilities", Type::List(Box::new(disability))),
            f("pregnant", Type::Bool),
            f("is_lawyer", Type::Bool),
            f("legal_aid", Type::Bool),
        ],
    )
    .unwrap();

    let event_type = en(&mut b, "event.type", EVENT_TYPES);
    let by = en(
        &mut b,
        "event.by",
        &[
            "police",
            "procuratorate",
            "court",
            "detention_house",
            "legal_aid_agency",
            "supervision_commission",
            "defendant",
            "victim",
            "defender",
        ],
    );
    let decision = en(&mut b, "event.decision", &["approved", "refused"]);
    b.add_node_kind(
        "event",
        false,
        vec![
            req("type", event_type),
            req("date", Type::Date),
            f("time", Type::Time),
            f("by", by),
            f("decision", decision),
            f("days", Type::Int),
            f("months", Type::Int),
            f("public", Type::Bool),
            f("final_statement", Type::Bool),
            f("in_court", Type::Bool),
            f("recorded", Type::Bool),
            f("investigators", Type::Int),
            f("in_detention_house", Type::Bool),
            f("notice_impossible", Type::Bool),
        ],
    )
    .unwrap();

    let crime = en(&mut b, "charge.crime", CRIMES);
    let injury = en(&mut b, "charge.injury", &["minor", "serious", "death"]);
    let drug = en(
        &mut b,
        "charge.drug",
        &[
            "heroin",
            "methamphetamine",
            "opium",
            "cocaine",
            "ketamine",
            "other",
        ],
    );
    let completion = en(
        &mut b,
        "charge.completion",
        &["completed", "attempted", "prepared", "discontinued"],
    );
    b.add_node_kind(
        "charge",
        false,
        vec![
            req("crime", crime.clone()),
            f("article", Type::Text),
            f("offense_date", Type::Date),
            f("amount", Type::Decimal),
            f("injury", injury),
            f("especially_cruel", Type::Bool),
            f("blood_alcohol", Type::Int),
            f("drug", drug),
            f("drug_grams", Type::Decimal),
            f("deaths", Type::Int),
            f("serious_injuries", Type::Int),
            f("completion", completion),
            f("negligent", Type::Bool),
            f("aggravated", Type::Bool),
        ],
    )
    .unwrap();

    let circumstance = en(
        &mut b,
        "circumstance.type",
        &[
            "minor",
            "elderly",
            "deaf_blind",
            "mental_partial",
            "attempt",
            "accessory",
            "coerced",
            "surrender",
            "confession",
            "court_plea",
            "plea_and_punishment",
            "meritorious",
            "major_meritorious",
            "restitution",
            "compensation_and_forgiveness",
            "compensation",
            "forgiveness",
            "reconciliation",
            "custody_conduct",
            "recidivism",
            "prior_record",
            "vulnerable_victim",
            "disaster",
        ],
    );
    b.add_node_kind(
        "circumstance",
        false,
        vec![
            req("type", circumstance),
            f("adjustment_pct", Type::Decimal),
        ],
    )
    .unwrap();

    let evidence = en(
        &mut b,
        "evidence.type",
        &[
            "physical",
            "documentary",
            "witness_statement",
            "victim_statement",
            "confession",
            "appraisal",
            "inspection_record",
            "audio_video",
            "electronic_data",
            "seizure_list",
        ],
    );
    b.add_node_kind(
        "evidence",
        false,
        vec![
            req("type", evidence),
            f("collected_on", Type::Date),
            f("signed", Type::Bool),
            f("excluded", Type::Bool),
        ],
    )
    .unwrap();

    let penalty = en(&mut b, "sentence.penalty", PENALTIES);
    let scope = en(&mut b, "sentence.scope", &["single", "combined"]);
    b.add_node_kind(
        "sentence",
        false,
        vec![
            req("penalty", penalty.clone()),
            req("scope", scope),
            f("months", Type::Int),
            f("probation", Type::Bool),
            f("probation_months", Type::Int),
            f("fine", Type::Decimal),
        ],
    )
    .unwrap();

    b.add_node_kind(
        "prior_conviction",
        false,
        vec![
            req("penalty", penalty),
            f("months", Type::Int),
            f("crime", crime),
            f("offense_date", Type::Date),
            f("completed_on", Type::Date),
            f("negligent", Type::Bool),
        ],
    )
    .unwrap();

    b.add_edge_kind("subject", &["event"], &["person"], vec![])
        .unwrap();
    b.add_edge_kind("attended_by", &["event"], &["person"], vec![])
        .unwrap();
    b.add_edge_kind("concerns", &["event"], &["event"], vec![])
        .unwrap();
    b.add_edge_kind("represents", &["person"], &["person"], vec![])
        .unwrap();
    let cw_role = en(
        &mut b,
        "charged_with.role",
        &[
            "principal",
            "accessory",
            "coerced",
            "instigator",
            "ringleader",
        ],
    );
    b.add_edge_kind(
        "charged_with",
        &["person"],
        &["charge"],
        vec![f("role", cw_role)],
    )
    .unwrap();
    b.add_edge_kind(
        "supports",
        &["evidence"],
        &["charge"],
        vec![
            f("amount", Type::Decimal),
            f("offense_date", Type::Date),
            f("blood_alcohol", Type::Int),
        ],
    )
    .unwrap();
    b.add_edge_kind("provided_by", &["evidence"], &["person"], vec![])
        .unwrap();
    b.add_edge_kind(
        "imposed_on",
        &["sentence", "prior_conviction"],
        &["person"],
        vec![],
    )
    .unwrap();
    b.add_edge_kind("for", &["sentence"], &["charge"], vec![])
        .unwrap();
    b.add_edge_kind("applies_to", &["circumstance"], &["person"], vec![])
        .unwrap();

    b.build().unwrap()
}

/// The cn-criminal v1 schema, shared.
pub fn cn_schema_arc() -> Arc<Schema> {
    Arc::new(cn_schema())
}
