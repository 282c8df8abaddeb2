//! The five catalog rules of `benches/review.rs` in Rego (`rules/*.rego`),
//! loaded into regorus's interpreter and compiled to its RVM bytecode.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
pub use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Rc, Value};
use std::sync::Arc;

/// (catalog id, Rego package) of the five rules.
pub const RULES: [(&str, &str); 5] = [
    ("cn.cpl.085.detention_family_notice", "family_notice"),
    ("cn.cpl.187.indictment_service", "indictment_service"),
    ("cn.evidence.amount_conflict", "amount_conflict"),
    ("cn.cl.069.combined_punishment", "combined_punishment"),
    ("cn.cl.017.age_of_responsibility", "age_of_responsibility"),
];

/// The instruction limit of the VM, raised from its default of 25,000: a
/// 10⁵-node case takes hundreds of millions.
pub const MAX_INSTRUCTIONS: usize = usize::MAX;

fn rules_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

/// One rule, ready in both of regorus's evaluators.
pub struct RegoRule {
    pub id: &'static str,
    pub entry: String,
    pub engine: Engine,
    pub program: Arc<Program>,
}

impl RegoRule {
    pub fn load(id: &'static str, package: &str) -> RegoRule {
        let engine_with = |common: &str| {
            let mut engine = Engine::new();
            for file in [common, &format!("{package}.rego")] {
                let text = std::fs::read_to_string(rules_dir().join(file)).unwrap();
                engine.add_policy(file.to_string(), text).unwrap();
            }
            engine
        };
        let entry = format!("data.caselint.{package}.findings");
        let rc: Rc<str> = entry.as_str().into();
        // The RVM gets common_vm.rego: see there why.
        let compiled = engine_with("common_vm.rego")
            .compile_with_entrypoint(&rc)
            .unwrap();
        let program = Compiler::compile_from_policy(&compiled, &[entry.as_str()]).unwrap();
        RegoRule {
            id,
            engine: engine_with("common.rego"),
            entry,
            program,
        }
    }

    /// The interpreter, hot: the prepared engine, a new input, the rule.
    pub fn interpret(&mut self, input: &Value) -> Value {
        self.engine.set_input(input.clone());
        self.engine.eval_rule(self.entry.clone()).unwrap()
    }

    /// A VM with the compiled bytecode loaded and the instruction limit raised.
    pub fn new_vm(&self) -> RegoVM {
        let mut vm = RegoVM::new();
        vm.load_program(self.program.clone());
        vm.set_max_instructions(MAX_INSTRUCTIONS);
        vm
    }
}

/// The compiled bytecode, hot: a new input into a loaded VM, then run.
pub fn run_vm(vm: &mut RegoVM, input: &Value) -> Value {
    vm.set_input(input.clone());
    vm.execute().unwrap()
}

pub fn all_rules() -> Vec<RegoRule> {
    RULES.iter().map(|(id, p)| RegoRule::load(id, p)).collect()
}

/// The (rule, nodes) pairs of a rule's `findings` set, sorted.
pub fn findings(v: &Value) -> Vec<(String, Vec<String>)> {
    let j: serde_json::Value = serde_json::from_str(&v.to_json_str().unwrap()).unwrap();
    let mut out: Vec<(String, Vec<String>)> = j
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let rule = f["rule"].as_str().unwrap().to_string();
            let nodes = f["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_string())
                .collect();
            (rule, nodes)
        })
        .collect();
    out.sort();
    out
}
