//! Searches and proves the periodic orbit of SG on `square`, printing timings.
use std::time::Instant;

use ssl_equilibria::model::builtin;
use ssl_equilibria::validated::orbit::{refine, search_cycle};
use ssl_equilibria::validated::{OrbitSettings, check_certificate};

fn main() {
    let inst = builtin("square").expect("built-in");
    let s = OrbitSettings::default();
    let t = Instant::now();
    let g = search_cycle(&inst, &s).expect("cycle");
    println!("guess {:?} {:.2} s", g, t.elapsed().as_secs_f64());
    let mut cert = refine(&inst, &g, &s).expect("refine");
    println!("period {} {:.2} s", cert.period, t.elapsed().as_secs_f64());
    for r in [1e-10, 1e-9, 1e-8, 1e-7, 1e-6] {
        cert.radius = r;
        let t = Instant::now();
        let out = check_certificate(&cert);
        println!("r {r:.0e}: {:?} {:.2} s", out, t.elapsed().as_secs_f64());
    }
}
