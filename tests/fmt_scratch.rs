use caselint::syntax::{format_source, parse_file};
#[test]
fn scratch() {
    std::fs::create_dir_all("/tmp/fmtpack").unwrap();
    for e in std::fs::read_dir("rules/cn-criminal").unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rules") {
            let src = std::fs::read_to_string(&p).unwrap();
            match format_source(&src) {
                Ok(out) => std::fs::write(format!("/tmp/fmtpack/{}", p.file_name().unwrap().to_str().unwrap()), out).unwrap(),
                Err(d) => {
                    println!("FAIL {} {:?}", p.display(), d);
                    let out = std::fs::read_to_string("/tmp/fmt_fail.rules").unwrap();
                    let (a, da) = parse_file(0, &src);
                    let (b, db) = parse_file(0, &out);
                    println!("diags {:?}", db);
                    for (x, y) in a.items.iter().zip(b.items.iter()) {
                        if x != y { println!("DIFF\n{:?}\n{:?}", x, y); break; }
                    }
                    let _ = da;
                }
            }
        }
    }
}
