//! Fuzz target: arbitrary bytes → the case loader (through the reader, so
//! non-UTF-8 input is covered) against the cn-criminal schema.
#![no_main]

use caselint::{CaseGraph, RulePack};
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
    let loaded = CaseGraph::from_reader(pack.schema().clone(), data);
    if let Ok(text) = std::str::from_utf8(data) {
        let direct = pack.load_case(text);
        // The two entry points must agree on whether the case loads.
        assert_eq!(loaded.is_ok(), direct.is_ok());
    }
});
