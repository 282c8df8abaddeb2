//! Fuzz target: arbitrary bytes → load as a case → review against the
//! shipped cn-criminal pack (default options, and as of a day).
#![no_main]

use caselint::{ReviewOptions, RulePack};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn pack() -> Option<&'static RulePack> {
    static PACK: OnceLock<Option<RulePack>> = OnceLock::new();
    PACK.get_or_init(|| {
        RulePack::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/cn-criminal")).ok()
    })
    .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some(pack) = pack() else { return };
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(case) = pack.load_case(text) else {
        return;
    };
    let first = pack.review(&case);
    // Reviews are deterministic.
    let again = pack.review(&case);
    assert_eq!(first.is_ok(), again.is_ok());
    if let (Ok(a), Ok(b)) = (&first, &again) {
        assert_eq!(a.to_json(), b.to_json());
    }
    let opts = ReviewOptions {
        as_of: jiff::civil::Date::new(2024, 3, 1).ok(),
        lang: caselint::Lang::All,
        ..ReviewOptions::default()
    };
    let _ = pack.review_with(&case, &opts);
});
