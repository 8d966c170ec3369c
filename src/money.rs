//! Money helpers: major units <-> Stripe minor units.
//!
//! Everything here works on [`rust_decimal::Decimal`], except [`odoo_minor_units`]:
//! the one place that must reproduce Odoo's own float arithmetic bit for bit, and the
//! only `f64` arithmetic of the server.

use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// Why an amount could not be converted to minor units.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The currency rounding (the size of one minor unit) was zero or negative.
    #[error("currency rounding must be positive, got {0}")]
    InvalidRounding(Decimal),
    /// The result does not fit in an `i64` (or the division overflowed).
    #[error("amount {amount} with rounding {rounding} is out of range")]
    Overflow { amount: Decimal, rounding: Decimal },
}

/// Converts an amount in major units to an integer count of minor units:
/// `round(amount / rounding)`, rounding half away from zero (Odoo's `HALF-UP`).
///
/// `12.5 / 0.01 -> 1250`, `1250 / 1 -> 1250`, `0.005 / 0.01 -> 1`, `-0.005 / 0.01 -> -1`.
pub fn to_minor_units(amount: Decimal, rounding: Decimal) -> Result<i64, MoneyError> {
    if rounding <= Decimal::ZERO {
        return Err(MoneyError::InvalidRounding(rounding));
    }
    let overflow = || MoneyError::Overflow { amount, rounding };
    let units = amount.checked_div(rounding).ok_or_else(overflow)?;
    units
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .ok_or_else(overflow)
}

/// Odoo 18's `_stripe_calculate_amount`: `round(amount / currency.rounding)` in
/// Python, that is an IEEE-754 double division rounded half to even **on the double**
/// (`0.125 / 0.01` is `12.5`, hence 12; `1.005 / 0.01` is `100.49999999999999`, hence
/// 100). Both operands are turned into doubles the way Python parses their text
/// (correctly rounded), so the result is the one Odoo sends Stripe, bit for bit. A
/// literal longer than `Decimal` keeps (28 significant digits) was already rounded by
/// the RPC layer; no client sends one.
pub fn odoo_minor_units(amount: Decimal, rounding: Decimal) -> Result<i64, MoneyError> {
    let to_f64 = |d: Decimal| d.to_string().parse::<f64>().unwrap_or(f64::NAN);
    let (a, r) = (to_f64(amount), to_f64(rounding));
    if r == 0.0 || r.is_nan() {
        // Python: `ZeroDivisionError: float division by zero`.
        return Err(MoneyError::InvalidRounding(rounding));
    }
    let units = (a / r).round_ties_even();
    // `int(units)` of a double always fits Python's ints; ours must fit Stripe's i64.
    if !units.is_finite() || units.abs() >= 2f64.powi(63) {
        return Err(MoneyError::Overflow { amount, rounding });
    }
    Ok(units as i64)
}

/// Reads a JSON number as an exact decimal, as written in the JSON text
/// (serde_json keeps the original text with `arbitrary_precision`), so
/// `12.499999999999998` stays `12.499999999999998` and `1e2` is `100`.
///
/// Returns `None` for anything that is not a JSON number (strings, booleans,
/// null, arrays, objects) and for numbers outside `Decimal`'s range.
pub fn decimal_from_json(v: &serde_json::Value) -> Option<Decimal> {
    let serde_json::Value::Number(n) = v else {
        return None;
    };
    parse_decimal_text(&n.to_string())
}

fn parse_decimal_text(text: &str) -> Option<Decimal> {
    if text.contains(['e', 'E']) {
        return Decimal::from_scientific(text).ok();
    }
    // Exact first; a literal with more than 28 significant digits is rounded
    // to Decimal's precision rather than rejected.
    Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_str(text))
        .ok()
}

/// Number of decimal places a currency rounding implies:
/// `0.01 -> 2`, `1 -> 0`, `0.001 -> 3`, `0.05 -> 2`, `0.10 -> 1`.
pub fn decimal_places(rounding: Decimal) -> u32 {
    rounding.normalize().scale()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn minor_units_basic() {
        assert_eq!(to_minor_units(d("12.5"), d("0.01")), Ok(1250));
        assert_eq!(to_minor_units(d("1250"), d("1")), Ok(1250));
        assert_eq!(to_minor_units(d("0"), d("0.01")), Ok(0));
        assert_eq!(to_minor_units(d("1.234"), d("0.001")), Ok(1234));
        assert_eq!(to_minor_units(d("0.15"), d("0.05")), Ok(3));
    }

    #[test]
    fn minor_units_half_up_away_from_zero() {
        assert_eq!(to_minor_units(d("0.005"), d("0.01")), Ok(1));
        assert_eq!(to_minor_units(d("0.0049999"), d("0.01")), Ok(0));
        assert_eq!(to_minor_units(d("0.015"), d("0.01")), Ok(2));
        assert_eq!(to_minor_units(d("0.025"), d("0.01")), Ok(3));
        assert_eq!(to_minor_units(d("-0.005"), d("0.01")), Ok(-1));
        assert_eq!(to_minor_units(d("-12.5"), d("0.01")), Ok(-1250));
        assert_eq!(to_minor_units(d("2.5"), d("1")), Ok(3));
        // float-ish text is taken as written
        assert_eq!(to_minor_units(d("12.499999999999998"), d("0.01")), Ok(1250));
        assert_eq!(to_minor_units(d("12.494999999999998"), d("0.01")), Ok(1249));
        assert_eq!(to_minor_units(d("0.30000000000000004"), d("0.01")), Ok(30));
    }

    /// Python 3's `round(amount / rounding)` for each row, checked by running Python.
    #[test]
    fn odoo_rounds_the_double_half_to_even() {
        let table: &[(&str, &str, i64)] = &[
            ("0.125", "0.01", 12),
            ("0.115", "0.01", 12),
            ("2.5", "1", 2),
            ("0.5", "1", 0),
            ("1.5", "1", 2),
            ("3.5", "1", 4),
            ("1.005", "0.01", 100),
            ("0.145", "0.01", 14),
            ("1.015", "0.01", 101),
            ("0.285", "0.01", 28),
            ("8.325", "0.01", 832),
            ("2.675", "0.01", 268),
            ("10.005", "0.01", 1001),
            ("1234.565", "0.01", 123456),
            ("4.35", "0.01", 435),
            ("2.3", "0.01", 230),
            ("19.99", "0.01", 1999),
            ("0.07", "0.01", 7),
            ("140", "0.01", 14000),
            ("12.5", "0.01", 1250),
            ("-0.125", "0.01", -12),
            ("-2.5", "1", -2),
            ("1.0005", "0.001", 1000),
            ("99999999.995", "0.01", 10000000000),
        ];
        for (amount, rounding, expected) in table {
            assert_eq!(
                odoo_minor_units(d(amount), d(rounding)),
                Ok(*expected),
                "round({amount} / {rounding})"
            );
        }
        assert_eq!(
            odoo_minor_units(d("1"), d("0")),
            Err(MoneyError::InvalidRounding(d("0")))
        );
        assert!(matches!(
            odoo_minor_units(Decimal::MAX, d("0.000001")),
            Err(MoneyError::Overflow { .. })
        ));
    }

    #[test]
    fn minor_units_errors() {
        assert_eq!(
            to_minor_units(d("1"), d("0")),
            Err(MoneyError::InvalidRounding(d("0")))
        );
        assert!(matches!(
            to_minor_units(d("1"), d("-0.01")),
            Err(MoneyError::InvalidRounding(_))
        ));
        assert!(matches!(
            to_minor_units(Decimal::MAX, d("0.01")),
            Err(MoneyError::Overflow { .. })
        ));
        assert!(matches!(
            to_minor_units(d("100000000000000000000"), d("1")),
            Err(MoneyError::Overflow { .. })
        ));
        assert_eq!(
            to_minor_units(d("9223372036854775807"), d("1")),
            Ok(i64::MAX)
        );
    }

    #[test]
    fn json_numbers() {
        assert_eq!(decimal_from_json(&json!(12.5)), Some(d("12.5")));
        assert_eq!(decimal_from_json(&json!(12)), Some(d("12")));
        assert_eq!(decimal_from_json(&json!(-3)), Some(d("-3")));
        assert_eq!(decimal_from_json(&json!(0)), Some(Decimal::ZERO));
        let v: serde_json::Value = serde_json::from_str("1e2").unwrap();
        assert_eq!(decimal_from_json(&v), Some(d("100")));
        let v: serde_json::Value = serde_json::from_str("1.5E-2").unwrap();
        assert_eq!(decimal_from_json(&v), Some(d("0.015")));
        let v: serde_json::Value = serde_json::from_str("12.499999999999998").unwrap();
        assert_eq!(decimal_from_json(&v), Some(d("12.499999999999998")));
        let v: serde_json::Value = serde_json::from_str("0.30000000000000004").unwrap();
        assert_eq!(decimal_from_json(&v), Some(d("0.30000000000000004")));
        let v: serde_json::Value = serde_json::from_str("[12.50]").unwrap();
        assert_eq!(decimal_from_json(&v[0]), Some(d("12.50")));
        let v: serde_json::Value = serde_json::from_str("1.00000000000000000000000000001").unwrap();
        assert_eq!(decimal_from_json(&v), Some(d("1")));
    }

    #[test]
    fn json_non_numbers() {
        assert_eq!(decimal_from_json(&json!("12.5")), None);
        assert_eq!(decimal_from_json(&json!(true)), None);
        assert_eq!(decimal_from_json(&json!(null)), None);
        assert_eq!(decimal_from_json(&json!([1])), None);
        assert_eq!(decimal_from_json(&json!({"a": 1})), None);
        let v: serde_json::Value = serde_json::from_str("1e400").unwrap();
        assert_eq!(decimal_from_json(&v), None);
    }

    #[test]
    fn places() {
        assert_eq!(decimal_places(d("0.01")), 2);
        assert_eq!(decimal_places(d("1")), 0);
        assert_eq!(decimal_places(d("1.00")), 0);
        assert_eq!(decimal_places(d("0.001")), 3);
        assert_eq!(decimal_places(d("0.05")), 2);
        assert_eq!(decimal_places(d("0.10")), 1);
        assert_eq!(decimal_places(d("10")), 0);
    }
}
