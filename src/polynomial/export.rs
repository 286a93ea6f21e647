//! Writing a [`PolynomialSystem`] in the input languages of other algebra
//! systems, so users can check our results in tools they already trust:
//! Singular and Macaulay2 (a ring declaration and an ideal), SymPy (a Python
//! script), msolve (variables, characteristic, integer polynomials) and JSON.
//! Pure text work: no Symbolica call.

use std::fmt::Write as _;

use super::sparse::SparsePoly;
use super::system::PolynomialSystem;
use crate::error::{Error, Result};

/// Output formats of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// A Singular script: `ring r = 0, (...), dp; ideal I = ...;`.
    Singular,
    /// A Macaulay2 script: `R = QQ[...]; I = ideal(...);`.
    Macaulay2,
    /// A Python script building the system with SymPy.
    Sympy,
    /// The system as JSON (variables, parameters, labelled polynomials).
    Json,
    /// msolve's input: the variables, the characteristic 0, and the
    /// polynomials with integer coefficients (each made primitive), one per
    /// line. msolve reads no comments and no parameters, so only systems of
    /// an instance are written.
    Msolve,
}

impl ExportFormat {
    /// The command-line names.
    pub const NAMES: [(&'static str, ExportFormat); 5] = [
        ("singular", ExportFormat::Singular),
        ("macaulay2", ExportFormat::Macaulay2),
        ("sympy", ExportFormat::Sympy),
        ("json", ExportFormat::Json),
        ("msolve", ExportFormat::Msolve),
    ];

    /// Parses a command-line name.
    pub fn parse(name: &str) -> Result<Self> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                Error::param(
                    "format",
                    name,
                    "one of singular, macaulay2, sympy, json, msolve",
                )
            })
    }
}

/// The system in `format`, ready to be loaded as is.
pub fn export(system: &PolynomialSystem, format: ExportFormat) -> Result<String> {
    if system.equations.is_empty() {
        return Err(Error::Computation("the system has no polynomials".into()));
    }
    Ok(match format {
        ExportFormat::Singular => singular(system),
        ExportFormat::Macaulay2 => macaulay2(system),
        ExportFormat::Sympy => sympy(system),
        ExportFormat::Msolve => msolve(system)?,
        ExportFormat::Json => serde_json::to_string_pretty(system)
            .map_err(|e| Error::Computation(format!("cannot serialize the system: {e}")))?,
    })
}

fn header(system: &PolynomialSystem, comment: &str) -> String {
    let what = if system.kind.is_equations() {
        "the ideal of the equations p = 0"
    } else {
        "the components of the map"
    };
    format!(
        "{comment} ssl-equilibria: system {} of {} (n = {}, m = {}); {what}.\n{comment} {} variables, {} polynomials, {} terms.\n",
        system.kind,
        system.data,
        system.n,
        system.m,
        system.variables.len(),
        system.equations.len(),
        system.term_count()
    )
}

fn singular(system: &PolynomialSystem) -> String {
    let mut out = header(system, "//");
    // Symbolic parameters become the parameters of the coefficient field.
    let field = if system.parameters.is_empty() {
        "0".to_owned()
    } else {
        format!("(0, {})", system.parameters.join(", "))
    };
    let _ = writeln!(
        out,
        "ring r = {field}, ({}), dp;",
        system.variables.join(", ")
    );
    out.push_str("ideal I =\n");
    let polys: Vec<String> = system
        .equations
        .iter()
        .map(|e| format!("  {}", e.polynomial))
        .collect();
    out.push_str(&polys.join(",\n"));
    out.push_str(";\n");
    out
}

/// Macaulay2 reads `a_1_2` as an indexed variable `(a_1)_2`, so variables
/// `x_i_j` are written `x_(i,j)`.
fn m2_name(name: &str) -> String {
    let mut parts = name.split('_');
    let base = parts.next().unwrap_or(name);
    let idx: Vec<&str> = parts.collect();
    if idx.is_empty() || !idx.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        name.to_owned()
    } else {
        format!("{base}_({})", idx.join(","))
    }
}

fn macaulay2(system: &PolynomialSystem) -> String {
    let mut out = header(system, "--");
    let names = |v: &[String]| v.iter().map(|x| m2_name(x)).collect::<Vec<_>>().join(", ");
    let ring = if system.parameters.is_empty() {
        format!("QQ[{}]", names(&system.variables))
    } else {
        format!(
            "frac(QQ[{}])[{}]",
            names(&system.parameters),
            names(&system.variables)
        )
    };
    let _ = writeln!(out, "R = {ring};");
    out.push_str("I = ideal(\n");
    let polys: Vec<String> = system
        .equations
        .iter()
        .map(|e| format!("  {}", rename_identifiers(&e.polynomial, m2_name)))
        .collect();
    out.push_str(&polys.join(",\n"));
    out.push_str(");\n");
    out
}

fn sympy(system: &PolynomialSystem) -> String {
    let mut out = header(system, "#");
    out.push_str("# sympify keeps p/q exact and reads ^ as a power.\n");
    out.push_str("from sympy import symbols, sympify\n\n");
    let all: Vec<&String> = system.variables.iter().chain(&system.parameters).collect();
    let _ = writeln!(out, "variables = symbols({:?})", system.variables.join(" "));
    if !system.parameters.is_empty() {
        let _ = writeln!(
            out,
            "parameters = symbols({:?})",
            system.parameters.join(" ")
        );
    }
    let locals: Vec<String> = all
        .iter()
        .map(|v| format!("{v:?}: symbols({v:?})"))
        .collect();
    let _ = writeln!(out, "_names = {{{}}}", locals.join(", "));
    out.push_str("labels = [\n");
    for e in &system.equations {
        let _ = writeln!(out, "    {:?},", e.label);
    }
    out.push_str("]\npolynomials = [\n");
    for e in &system.equations {
        let _ = writeln!(out, "    sympify({:?}, locals=_names),", e.polynomial);
    }
    out.push_str("]\n");
    out
}

fn msolve(system: &PolynomialSystem) -> Result<String> {
    if !system.parameters.is_empty() {
        return Err(Error::param(
            "format",
            "msolve",
            "a system of an instance (msolve takes no symbolic parameters; drop --shape)",
        ));
    }
    let polys = system
        .equations
        .iter()
        .map(|e| SparsePoly::parse(&e.polynomial, &system.variables))
        .collect::<Result<Vec<_>>>()?;
    msolve_input(&system.variables, &polys, 0)
}

/// msolve's input for `polys = 0` in `variables` over Q (`characteristic`
/// 0) or Z/p: the variables on the first line, the characteristic on the
/// second, then the polynomials, each the primitive integer multiple of the
/// given one, separated by commas. Zero polynomials are left out.
pub fn msolve_input(
    variables: &[String],
    polys: &[SparsePoly],
    characteristic: u32,
) -> Result<String> {
    let lines: Vec<String> = polys
        .iter()
        .filter(|p| !p.is_zero())
        .map(|p| p.primitive().to_text(variables).replace(' ', ""))
        .collect();
    if lines.is_empty() {
        return Err(Error::Computation("the system has no polynomials".into()));
    }
    Ok(format!(
        "{}\n{characteristic}\n{}\n",
        variables.join(","),
        lines.join(",\n")
    ))
}

/// Replaces every identifier (a maximal run of letters, digits and `_`
/// starting with a letter) by `f(identifier)`.
pub(crate) fn rename_identifiers(text: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut ident = String::new();
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            if ident.is_empty() && !ch.is_ascii_alphabetic() {
                out.push(ch);
            } else {
                ident.push(ch);
            }
        } else {
            if !ident.is_empty() {
                out.push_str(&f(&ident));
                ident.clear();
            }
            out.push(ch);
        }
    }
    if !ident.is_empty() {
        out.push_str(&f(&ident));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msolve_input_has_integer_primitive_polynomials() {
        let vars = vec!["x".to_owned(), "y".to_owned()];
        let p = SparsePoly::parse("1/2*x^2 - 3/4*y + 1", &vars).unwrap();
        let q = SparsePoly::parse("x*y - 2", &vars).unwrap();
        let text = msolve_input(&vars, &[p, q], 0).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "x,y");
        assert_eq!(lines[1], "0");
        assert_eq!(lines.len(), 4);
        assert!(!text.contains('/'), "integer coefficients: {text}");
        let back = SparsePoly::parse(lines[2].trim_end_matches(','), &vars).unwrap();
        let expected = SparsePoly::parse("2*x^2 - 3*y + 4", &vars).unwrap();
        assert_eq!(back.primitive(), expected.primitive());
    }

    #[test]
    fn macaulay2_names_are_indexed_variables() {
        assert_eq!(m2_name("a_1_2"), "a_(1,2)");
        assert_eq!(m2_name("lambda"), "lambda");
        assert_eq!(
            rename_identifiers("-1/50*a_1_2^2*b_2_1+3*a_1_1", m2_name),
            "-1/50*a_(1,2)^2*b_(2,1)+3*a_(1,1)"
        );
    }
}
