use caselint::RulePack;
use caselint::r#gen::generate;
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Rc, Value};
fn main() {
    let pack = RulePack::load("../../rules/cn-criminal").unwrap();
    let json = generate(pack.schema(), 100, 0);
    let input = Value::from_json_str(&json).unwrap();
    let dbg = r#"package dbg
import rego.v1
import data.caselint.common as c
import data.caselint.age_of_responsibility as a
probe contains [d, chid, a.years_between(c.node[d].birth_date, c.node[chid].offense_date)] if { some d in c.defendants; some chid in a.charged[d] }
n14 contains chid if { some d in c.defendants; some chid in a.charged[d]; a.not_14(13, c.node[chid]) }
n12 contains chid if { some d in c.defendants; some chid in a.charged[d]; a.not_12(13, c.node[chid]) }
spp := a.spp
all_charged := a.charged
count_edges := count([e | some e in input.edges; e.kind == "charged_with"])
sub := count(c.subject_events)
ds := c.defendants
crime contains c.node[chid].crime if { some d in c.defendants; some chid in a.charged[d] }
"#;
    for entry in ["data.dbg.all_charged", "data.dbg.count_edges", "data.dbg.sub", "data.dbg.ds"] {
        let mut e = Engine::new();
        for f in ["common.rego", "age_of_responsibility.rego"] {
            e.add_policy(f.into(), std::fs::read_to_string(format!("rules/{f}")).unwrap()).unwrap();
        }
        e.add_policy("dbg.rego".into(), dbg.into()).unwrap();
        e.set_input(input.clone());
        let i = e.eval_rule(entry.into()).unwrap();
        let rc: Rc<str> = entry.into();
        let cp = e.compile_with_entrypoint(&rc).unwrap();
        let p = Compiler::compile_from_policy(&cp, &[entry]).unwrap();
        let mut vm = RegoVM::new();
        vm.load_program(p);
        vm.set_max_instructions(usize::MAX);
        vm.set_input(input.clone());
        let v = vm.execute().unwrap();
        println!("{entry}\n  interp {}\n  vm     {}", i.to_json_str().unwrap().replace('\n', ""), v.to_json_str().unwrap().replace('\n', ""));
    }
}
