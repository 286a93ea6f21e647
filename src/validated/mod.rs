//! Proofs by rigorous numerics (the `validated` level of SPEC §5): interval
//! arithmetic with outward rounding ([`interval`]), validated Taylor
//! integration of the SG flow and of its variational equations
//! ([`taylor`]), and a Krawczyk proof of a periodic orbit with a certificate
//! that can be re-checked from scratch ([`orbit`]).

pub mod interval;
pub mod orbit;
pub mod taylor;

pub use interval::Interval;
pub use orbit::{
    CheckOutcome, OrbitCertificate, OrbitProof, OrbitSettings, certify, check_certificate,
};
