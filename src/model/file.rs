//! Instance files (TOML or JSON), documented in `docs/instances.md`.

use std::path::Path;

use num_rational::BigRational;
use serde::{Deserialize, Serialize};

use super::{Generator, Instance, Moments, RationalMatrix, parse_rational, rational_from_f64};
use crate::error::{Error, Result};

/// A number as written in a file: an integer, a float (read as the decimal it
/// prints as) or a string (`"p/q"`, `"0.02"`, `"1e-3"`).
///
/// Unquoted literals are exact because files are first checked by
/// `check_literal_precision`: a literal with at most 15 significant digits
/// survives the trip through `f64` unchanged.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Number {
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// A string holding an exact rational.
    Text(String),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number (integer or decimal) or a string holding an exact rational such as \"1/3\"")
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Number, E> {
                Ok(Number::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Number, E> {
                Ok(i64::try_from(v).map_or_else(|_| Number::Text(v.to_string()), Number::Int))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Number, E> {
                Ok(Number::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Number, E> {
                Ok(Number::Text(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Most significant digits an unquoted numeric literal may have: every decimal
/// with at most 15 significant digits is recovered exactly from the nearest
/// `f64` by its shortest representation (DBL_DIG = 15).
pub const MAX_LITERAL_DIGITS: usize = 15;

/// Refuses unquoted numeric literals that an `f64` cannot carry exactly (more
/// than [`MAX_LITERAL_DIGITS`] significant digits), so that no value in an
/// instance file is silently rounded. Strings and comments are skipped.
pub fn check_literal_precision(text: &str, format: Format) -> Result<()> {
    let bytes = text.as_bytes();
    let (mut i, mut line) = (0usize, 1usize);
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => line += 1,
            b'#' if format == Format::Toml => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                // Skip a string (TOML literal strings have no escapes).
                let quote = c;
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if bytes[i] == b'\\' && quote == b'"' {
                        i += 1;
                    }
                    if i < bytes.len() && bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let start = i;
                while i < bytes.len()
                    && matches!(
                        bytes[i],
                        b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E' | b'_'
                    )
                {
                    i += 1;
                }
                let token = &text[start..i];
                let mantissa = token.split(['e', 'E']).next().unwrap_or("");
                let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
                let significant = digits.trim_start_matches('0').len();
                if significant > MAX_LITERAL_DIGITS {
                    return Err(Error::invalid(
                        None,
                        format!(
                            "the number {token} on line {line} has {significant} significant digits, more than the {MAX_LITERAL_DIGITS} a plain number keeps exactly: expected it quoted as a string, e.g. \"{token}\""
                        ),
                    ));
                }
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                // Skip identifiers (keys such as `m2`), so their digits are not read as numbers.
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
                {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

impl Number {
    fn to_rational(&self, what: &str) -> Result<BigRational> {
        match self {
            Number::Int(i) => Ok(BigRational::from_integer((*i).into())),
            Number::Float(x) => rational_from_f64(*x, what),
            Number::Text(s) => parse_rational(s, what),
        }
    }
}

/// The parameters of the generator in a file: either a `seed` (random small
/// rationals, see [`Generator::random`]) or explicit `sigma`, `t` and `noise`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GeneratorSpec {
    /// Seed of [`Generator::random`]; needs `m` at the top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// `Σ = E[z zᵀ]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma: Option<Vec<Vec<Number>>>,
    /// The map `T`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<Vec<Vec<Number>>>,
    /// The noise variance `σ²`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<Number>,
}

/// The on-disk form of an instance (see `docs/instances.md`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstanceFile {
    /// Optional name; defaults to the file stem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Embedding dimension.
    pub n: i64,
    /// Data dimension; required with a generator seed, otherwise checked
    /// against the size of `mxx` when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m: Option<i64>,
    /// Weight decay λ ≥ 0.
    pub lambda: Number,
    /// `Mxx = E[x xᵀ]`, rows of numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mxx: Option<Vec<Vec<Number>>>,
    /// `Myx = E[y xᵀ]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub myx: Option<Vec<Vec<Number>>>,
    /// `Myy = E[y yᵀ]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub myy: Option<Vec<Vec<Number>>>,
    /// Alternative to the moments: the generator of SPEC §1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<GeneratorSpec>,
}

fn matrix(rows: &[Vec<Number>], what: &str) -> Result<RationalMatrix> {
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, x)| x.to_rational(&format!("{what}[{i}][{j}]")))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    RationalMatrix::from_rows(rows).map_err(|e| match e {
        Error::Shape {
            what: w,
            got,
            expected,
        } => Error::Shape {
            what: format!("{what} {w}"),
            got,
            expected,
        },
        other => other,
    })
}

fn text_rows(m: &RationalMatrix) -> Vec<Vec<Number>> {
    m.to_string_rows()
        .into_iter()
        .map(|r| r.into_iter().map(Number::Text).collect())
        .collect()
}

impl InstanceFile {
    /// The exact file form of a validated instance (entries as `"p/q"` strings).
    pub fn from_instance(inst: &Instance) -> Self {
        let mo = inst.moments();
        Self {
            name: Some(inst.name().to_owned()),
            n: inst.n() as i64,
            m: Some(inst.m() as i64),
            lambda: Number::Text(inst.lambda().to_string()),
            mxx: Some(text_rows(&mo.mxx)),
            myx: Some(text_rows(&mo.myx)),
            myy: Some(text_rows(&mo.myy)),
            generator: None,
        }
    }

    /// Validates the file's content into an instance; `default_name` is used
    /// when the file has no `name`.
    pub fn into_instance(self, default_name: &str) -> Result<Instance> {
        let name = self.name.clone().unwrap_or_else(|| default_name.to_owned());
        let invalid = |msg: String| Error::invalid(Some(&name), msg);
        let n = usize::try_from(self.n).map_err(|_| {
            invalid(format!(
                "n = {}: expected an embedding dimension n ≥ 1",
                self.n
            ))
        })?;
        let m = match self.m {
            Some(m) => Some(
                usize::try_from(m)
                    .map_err(|_| invalid(format!("m = {m}: expected a data dimension m ≥ 1")))?,
            ),
            None => None,
        };
        let lambda = self.lambda.to_rational("lambda")?;
        let moments = match (&self.generator, &self.mxx, &self.myx, &self.myy) {
            (Some(g), None, None, None) => generator_moments(g, m, &name)?,
            (None, Some(mxx), Some(myx), Some(myy)) => Moments {
                mxx: matrix(mxx, "mxx")?,
                myx: matrix(myx, "myx")?,
                myy: matrix(myy, "myy")?,
            },
            (Some(_), _, _, _) => {
                return Err(invalid(
                    "both [generator] and moments given: expected either mxx, myx, myy or a [generator] table, not both".into(),
                ));
            }
            (None, mxx, myx, myy) => {
                let missing: Vec<&str> = [
                    ("mxx", mxx.is_none()),
                    ("myx", myx.is_none()),
                    ("myy", myy.is_none()),
                ]
                .iter()
                .filter(|(_, miss)| *miss)
                .map(|(k, _)| *k)
                .collect();
                return Err(invalid(format!(
                    "missing {}: expected all three moments mxx, myx, myy (or a [generator] table)",
                    missing.join(", ")
                )));
            }
        };
        if let Some(m) = m.filter(|&m| m != moments.mxx.nrows()) {
            return Err(invalid(format!(
                "m = {m} but mxx is {}×{}: expected m to equal the size of mxx",
                moments.mxx.nrows(),
                moments.mxx.ncols()
            )));
        }
        Instance::new(&name, n, moments, lambda)
    }
}

fn generator_moments(g: &GeneratorSpec, m: Option<usize>, name: &str) -> Result<Moments> {
    let invalid = |msg: &str| Error::invalid(Some(name), msg);
    match (g.seed, &g.sigma, &g.t, &g.noise) {
        (Some(seed), None, None, None) => {
            let m =
                m.ok_or_else(|| invalid("a generator seed needs m: expected a top-level m ≥ 1"))?;
            if m == 0 || m > super::MAX_DIMENSION {
                return Err(invalid(&format!(
                    "m = {m}: expected a data dimension 1 ≤ m ≤ {}",
                    super::MAX_DIMENSION
                )));
            }
            Ok(Generator::random(m, seed).moments())
        }
        (None, Some(sigma), Some(t), Some(noise)) => {
            let sigma = matrix(sigma, "generator.sigma")?;
            let t = matrix(t, "generator.t")?;
            let noise = noise.to_rational("generator.noise")?;
            let k = sigma.nrows();
            if sigma.ncols() != k || (t.nrows(), t.ncols()) != (k, k) {
                return Err(invalid(&format!(
                    "generator.sigma is {}×{} and generator.t is {}×{}: expected both square of the same size m",
                    sigma.nrows(),
                    sigma.ncols(),
                    t.nrows(),
                    t.ncols()
                )));
            }
            if !sigma.is_symmetric() || !sigma.is_positive_semidefinite() {
                return Err(invalid(&format!(
                    "generator.sigma = {sigma}: expected a symmetric positive semidefinite covariance Σ"
                )));
            }
            if num_traits::Signed::is_negative(&noise) {
                return Err(invalid(&format!(
                    "generator.noise = {noise}: expected a noise variance σ² ≥ 0"
                )));
            }
            Ok(Generator { sigma, t, noise }.moments())
        }
        _ => Err(invalid(
            "[generator] table: expected either `seed` alone or all of `sigma`, `t`, `noise`",
        )),
    }
}

/// Which syntax an instance text is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

/// Parses an instance from text; `origin` names the source in error messages
/// and serves as the default name.
pub fn parse_instance_str(text: &str, format: Format, origin: &str) -> Result<Instance> {
    let bad = |message: String| Error::BadFile {
        path: origin.to_owned(),
        message,
    };
    check_literal_precision(text, format).map_err(|e| bad(e.to_string()))?;
    let file: InstanceFile = match format {
        Format::Toml => toml::from_str(text).map_err(|e| bad(one_line(&e.to_string())))?,
        Format::Json => serde_json::from_str(text).map_err(|e| bad(e.to_string()))?,
    };
    // Entry-level errors do not know the file: say which one.
    file.into_instance(origin).map_err(|e| match e {
        Error::Shape { .. } | Error::BadNumber { .. } => bad(e.to_string()),
        other => other,
    })
}

fn one_line(s: &str) -> String {
    // TOML errors quote the source with a gutter (`2 | lambda = = 0.1`, then a
    // `  |   ^` marker line): keep the quoted source, drop the gutter.
    s.lines()
        .filter_map(|l| match l.split_once('|') {
            Some((gutter, rest)) if gutter.trim().chars().all(|c| c.is_ascii_digit()) => {
                let rest = rest.trim();
                (!rest.is_empty() && !rest.chars().all(|c| c == '^' || c.is_whitespace()))
                    .then(|| format!("in `{rest}`:"))
            }
            _ => (!l.trim().is_empty()).then(|| l.trim().to_owned()),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Loads and validates an instance file (`.toml` or `.json`; other extensions
/// are read as JSON if they start with `{`, else as TOML).
pub fn load_instance(path: &Path) -> Result<Instance> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "read",
        path: shown.clone(),
        source,
    })?;
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Format::Json,
        Some("toml") => Format::Toml,
        _ if text.trim_start().starts_with('{') => Format::Json,
        _ => Format::Toml,
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("instance")
        .to_owned();
    parse_instance_str(&text, format, &shown).map(|inst| {
        if inst.name() == shown {
            inst.renamed(&stem)
        } else {
            inst
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_round_trip_exactly() {
        let toml_text = r#"
name = "t"
n = 3
lambda = 0.02
mxx = [[2, "1/3"], ["1/3", 1]]
myx = [[1, 0], [0.5, 1]]
myy = [[2, 0], [0, 2]]
"#;
        let inst = parse_instance_str(toml_text, Format::Toml, "t.toml").unwrap();
        assert_eq!(inst.lambda().to_string(), "1/50");
        let json = serde_json::to_string(&inst.to_file()).unwrap();
        let back = parse_instance_str(&json, Format::Json, "t.json").unwrap();
        assert_eq!(inst, back);
        let toml_back = toml::to_string(&inst.to_file()).unwrap();
        assert_eq!(
            parse_instance_str(&toml_back, Format::Toml, "x").unwrap(),
            inst
        );
    }

    #[test]
    fn long_literals_are_refused_but_quoted_ones_are_exact() {
        let json = r#"{"n": 1, "lambda": 0.1, "mxx": [[100000000000000000000001]], "myx": [[0]], "myy": [[1]]}"#;
        let e = parse_instance_str(json, Format::Json, "j")
            .unwrap_err()
            .to_string();
        assert!(e.contains("24 significant digits"), "{e}");
        let quoted = r#"{"n": 1, "lambda": "0.1000000000000000000001", "mxx": [["100000000000000000000001"]], "myx": [[0]], "myy": [[1]]}"#;
        let inst = parse_instance_str(quoted, Format::Json, "j").unwrap();
        assert_eq!(
            inst.lambda().to_string(),
            "1000000000000000000001/10000000000000000000000"
        );
        // 15 significant digits, comments and keys with digits pass.
        let ok = "# 1234567890123456789 in a comment\nn = 1\nlambda = 0.123456789012345\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n";
        let inst = parse_instance_str(ok, Format::Toml, "t").unwrap();
        assert_eq!(inst.lambda().to_string(), "24691357802469/200000000000000");
    }

    #[test]
    fn generator_tables_work() {
        let seeded = "n = 2\nm = 3\nlambda = \"1/20\"\n[generator]\nseed = 7\n";
        let inst = parse_instance_str(seeded, Format::Toml, "g").unwrap();
        assert_eq!((inst.n(), inst.m()), (2, 3));
        let explicit =
            r#"{"n": 2, "lambda": 0.1, "generator": {"sigma": [[1]], "t": [[2]], "noise": "1/4"}}"#;
        let inst = parse_instance_str(explicit, Format::Json, "g").unwrap();
        assert_eq!(inst.moments().myy.get(0, 0).to_string(), "17/4");
    }

    #[test]
    fn file_errors_name_the_problem() {
        let cases = [
            (
                "n = 2\nlambda = 0.1\nmxx = [[1]]\nmyx = [[1]]\n",
                "missing myy",
            ),
            (
                "n = -2\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
                "n = -2",
            ),
            (
                "n = 2\nlambda = nan\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
                "lambda",
            ),
            (
                "n = 2\nlambda = 0.1\nmxx = [[1, 0], [0]]\nmyx = [[0]]\nmyy = [[1]]\n",
                "mxx row 1",
            ),
            (
                "n = 2\nlambda = 0.1\nmxx = [[\"x\"]]\nmyx = [[0]]\nmyy = [[1]]\n",
                "mxx[0][0]",
            ),
            (
                "n = 2\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\nfoo = 1\n",
                "unknown field",
            ),
            (
                "n = 2\nm = 3\nlambda = 0.1\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
                "m = 3",
            ),
            (
                "n = 2\nlambda = 0.1000000000000000000001\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
                "significant digits",
            ),
            (
                "n = 2\nlambda = true\nmxx = [[1]]\nmyx = [[0]]\nmyy = [[1]]\n",
                "exact rational",
            ),
        ];
        for (text, expect) in cases {
            let e = parse_instance_str(text, Format::Toml, "f.toml")
                .unwrap_err()
                .to_string();
            assert!(e.contains(expect), "{e:?} should mention {expect:?}");
        }
    }
}
