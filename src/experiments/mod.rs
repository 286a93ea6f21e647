//! The paper's experiments: the m = 1 synthetic table
//! ([`synthetic`], SPEC SYNTHETIC-TABLE) and a real-data analogue of its
//! training runs ([`real`]), with the proportions and intervals they report
//! ([`stats`]) and the shipped data set ([`data`]).
//!
//! Nothing here calls Symbolica, so the trials run in parallel.

pub mod data;
pub mod real;
pub mod stats;
pub mod synthetic;
