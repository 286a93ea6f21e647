//! The real data set shipped with the crate: the UCI handwritten digits
//! (1797 images of 8×8 pixel counts 0–16, labels 0–9; CC BY 4.0; see
//! `data/README.md` for source and licence). It is compiled in, so the binary
//! needs no files at run time.

use nalgebra::DMatrix;

use crate::error::{Error, Result};

const DIGITS_CSV: &str = include_str!("../../data/digits.csv");

/// A labelled data set: one sample per column.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Features, d × N (one column per sample).
    pub x: DMatrix<f64>,
    /// Class of each sample, in `0..classes`.
    pub labels: Vec<usize>,
    /// Number of classes.
    pub classes: usize,
}

/// Parses rows of `d` integer features followed by an integer label.
pub fn parse_csv(text: &str, d: usize) -> Result<Dataset> {
    let mut cols = Vec::new();
    let mut labels = Vec::new();
    for (k, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = |what: &str| Error::BadFile {
            path: "digits.csv".into(),
            message: format!("line {}: {what}", k + 1),
        };
        let vals: Vec<&str> = line.split(',').collect();
        if vals.len() != d + 1 {
            return Err(bad(&format!("{} fields, expected {}", vals.len(), d + 1)));
        }
        for v in &vals[..d] {
            cols.push(v.trim().parse::<f64>().map_err(|_| bad(v))?);
        }
        labels.push(vals[d].trim().parse::<usize>().map_err(|_| bad(vals[d]))?);
    }
    let classes = labels.iter().max().map_or(0, |&m| m + 1);
    Ok(Dataset {
        x: DMatrix::from_vec(d, labels.len(), cols),
        labels,
        classes,
    })
}

/// The handwritten digits, pixels scaled to [0, 1] (divided by 16).
pub fn digits() -> Dataset {
    // The shipped file is checked by a unit test, so this cannot fail.
    let mut ds = parse_csv(DIGITS_CSV, 64).unwrap_or_else(|_| Dataset {
        x: DMatrix::zeros(64, 0),
        labels: Vec::new(),
        classes: 0,
    });
    ds.x /= 16.0;
    ds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_digits_are_complete() {
        let ds = parse_csv(DIGITS_CSV, 64).unwrap();
        assert_eq!(ds.x.shape(), (64, 1797));
        assert_eq!(ds.classes, 10);
        let mut counts = [0usize; 10];
        for &l in &ds.labels {
            counts[l] += 1;
        }
        assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
        assert!(
            ds.x.iter()
                .all(|&v| (0.0..=16.0).contains(&v) && v.fract() == 0.0)
        );
        let d = digits();
        assert!(d.x.max() <= 1.0 && d.x.min() >= 0.0 && d.x.max() == 1.0);
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let e = parse_csv("1,2,3\n1,2\n", 2).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(parse_csv("1,x,3\n", 2).is_err());
    }
}
