//! The Symbolica gateway: exact identities, and concurrent callers from many
//! threads do not abort the process (all work runs on one worker thread).
//! This binary must run with --test-threads=1 alongside other binaries that
//! use Symbolica; the README's test command does that.

use ssl_equilibria::polynomial::{expand, is_identity};

#[test]
fn identities_are_decided_exactly() {
    assert!(is_identity("(x+1)^2", "x^2 + 2*x + 1").unwrap());
    assert!(!is_identity("(x+1)^2", "x^2 + 1").unwrap());
    // A rational coefficient that floating point would round.
    assert!(is_identity("(x/3 + 1/7)^2", "x^2/9 + 2*x/21 + 1/49").unwrap());
    assert!(!is_identity("(x/3 + 1/7)^2", "x^2/9 + 2*x/21 + 1/48").unwrap());
    assert_eq!(expand("(a-b)*(a+b)").unwrap().replace(' ', ""), "a^2-b^2");
}

#[test]
fn malformed_expressions_are_errors_not_panics() {
    let e = is_identity("(x+", "1").unwrap_err().to_string();
    assert!(e.contains("expression"), "{e}");
}

#[test]
fn concurrent_callers_on_many_threads_do_not_abort() {
    let handles: Vec<_> = (0..8)
        .map(|k| {
            std::thread::spawn(move || {
                let lhs = format!("(x + {k})^3");
                let rhs = format!("x^3 + {}*x^2 + {}*x + {}", 3 * k, 3 * k * k, k * k * k);
                (0..5).all(|_| is_identity(&lhs, &rhs).unwrap())
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().expect("caller thread finished"));
    }
}
