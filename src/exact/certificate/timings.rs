//! Timings (run with `cargo test --release --lib -- --ignored --nocapture
//! certificate_timings`; the all-κ column covers Jacobians up to size 27,
//! or `KAPPA_MAX_SIZE` if set, e.g. 40).

use std::time::Instant;

use num_rational::BigRational;
use num_traits::One;

use super::*;
use crate::exact::equilibrium::rational_equilibrium;
use crate::exact::jacobian::Dynamics;

#[test]
#[ignore = "timing table; run in release with --nocapture"]
fn certificate_timings() {
    let lambda = BigRational::new(1.into(), 10.into());
    // Seed 0 throughout; (2,3,2) seeds 0 and 2 are saddles of one flow
    // whose EMA stability depends on κ (root isolation is exercised).
    let cases = [
        ((1, 1, 1), 0),
        ((2, 1, 1), 0),
        ((2, 2, 2), 0),
        ((3, 2, 2), 0),
        ((3, 3, 3), 0),
        ((4, 3, 3), 0),
        ((5, 4, 4), 0),
        ((2, 3, 2), 0),
        ((2, 3, 2), 2),
    ];
    let kappa_limit: usize = std::env::var("KAPPA_MAX_SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(27);
    println!(
        "| (n,m,r) seed | SG size | SG verdict | SG time | EMA size | EMA(κ=1) verdict | EMA time | all-κ verdict | all-κ nodes | all-κ time |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for ((n, m, r), seed) in cases {
        let e = rational_equilibrium(n, m, r, &lambda, seed).unwrap();
        let t = Instant::now();
        let sg = certify(&e.instance, &e.a, &e.b, &Dynamics::StopGradient).unwrap();
        let t_sg = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let ema = certify(
            &e.instance,
            &e.a,
            &e.b,
            &Dynamics::Ema {
                kappa: BigRational::one(),
            },
        )
        .unwrap();
        let t_ema = t.elapsed().as_secs_f64();
        let short = |v: &Verdict| match v {
            Verdict::Saddle { unstable, stable } => format!("saddle({unstable},{stable})"),
            Verdict::Degenerate { .. } => "degenerate".to_owned(),
            v => format!("{v:?}").to_lowercase(),
        };
        let kappa = if ema.state_dimension <= kappa_limit {
            let t = Instant::now();
            let kc = certify_ema_all_kappa(&e.instance, &e.a, &e.b).unwrap();
            format!(
                "{:?} | {} | {:.3} s",
                kc.verdict,
                kc.hurwitz_nodes,
                t.elapsed().as_secs_f64()
            )
        } else {
            "– | – | –".to_owned()
        };
        println!(
            "| ({n},{m},{r}) {seed} | {} | {} | {:.4} s | {} | {} | {:.4} s | {kappa} |",
            sg.state_dimension,
            short(&sg.verdict),
            t_sg,
            ema.state_dimension,
            short(&ema.verdict),
            t_ema
        );
    }
}
