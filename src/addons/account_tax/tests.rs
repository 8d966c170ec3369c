//! A table of cases whose expected values follow Odoo 18's rules by hand (the
//! `_get_tax_details` passes, `_propagate_extra_taxes_base`, the rounding steps of
//! `_round_base_lines_tax_details`); the two document examples are the ones in
//! Odoo's own docstrings of those methods.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn tax(id: i64, kind: AmountType, amount: &str, included: bool) -> Tax {
    Tax {
        id,
        amount_type: kind,
        amount: d(amount),
        price_include: included,
        include_base_amount: false,
        is_base_affected: true,
    }
}

use AmountType::{Division, Fixed, Percent};
use RoundingMethod::{Globally, PerLine};

const CENT: &str = "0.01";

#[test]
fn one_line_table() {
    let mut affecting = tax(1, Percent, "10", false);
    affecting.include_base_amount = true;
    // (case, taxes, price_unit, quantity, method, total_excluded, total_included, tax amounts)
    #[allow(clippy::type_complexity)]
    let cases: Vec<(
        &str,
        Vec<Tax>,
        &str,
        &str,
        RoundingMethod,
        &str,
        &str,
        Vec<&str>,
    )> = vec![
        ("no tax", vec![], "140", "1", PerLine, "140", "140", vec![]),
        (
            "15% excluded",
            vec![tax(1, Percent, "15", false)],
            "100",
            "1",
            PerLine,
            "100",
            "115",
            vec!["15"],
        ),
        (
            "15% included",
            vec![tax(1, Percent, "15", true)],
            "115",
            "1",
            PerLine,
            "100",
            "115",
            vec!["15"],
        ),
        (
            "15% included, rounded per line",
            vec![tax(1, Percent, "15", true)],
            "10",
            "1",
            PerLine,
            "8.70",
            "10",
            vec!["1.30"],
        ),
        (
            "fixed per unit",
            vec![tax(1, Fixed, "0.25", false)],
            "2",
            "3",
            PerLine,
            "6",
            "6.75",
            vec!["0.75"],
        ),
        (
            "fixed then percent, both excluded",
            vec![tax(1, Fixed, "0.25", false), tax(2, Percent, "15", false)],
            "10",
            "2",
            PerLine,
            "20",
            "23.50",
            vec!["0.50", "3"],
        ),
        (
            "fixed excluded before a 15% included",
            vec![tax(1, Fixed, "0.25", false), tax(2, Percent, "15", true)],
            "11.5",
            "1",
            PerLine,
            "10",
            "11.75",
            vec!["0.25", "1.5"],
        ),
        (
            "two included percents share one batch",
            vec![tax(1, Percent, "10", true), tax(2, Percent, "10", true)],
            "100",
            "1",
            PerLine,
            "83.34",
            "100",
            vec!["8.33", "8.33"],
        ),
        (
            "division excluded",
            vec![tax(1, Division, "10", false)],
            "90",
            "1",
            PerLine,
            "90",
            "100",
            vec!["10"],
        ),
        (
            "division included",
            vec![tax(1, Division, "10", true)],
            "100",
            "1",
            PerLine,
            "90",
            "100",
            vec!["10"],
        ),
        (
            "refund line",
            vec![tax(1, Percent, "15", false)],
            "100",
            "-1",
            PerLine,
            "-100",
            "-115",
            vec!["-15"],
        ),
        (
            "fixed on a negative price",
            vec![tax(1, Fixed, "0.25", false)],
            "-10",
            "1",
            PerLine,
            "-10",
            "-10.25",
            vec!["-0.25"],
        ),
        (
            "a tax affecting the next one's base",
            vec![affecting, tax(2, Percent, "10", false)],
            "100",
            "1",
            PerLine,
            "100",
            "121",
            vec!["10", "11"],
        ),
        (
            "rounded globally: raw amounts kept",
            vec![tax(1, Percent, "15", true)],
            "10",
            "1",
            Globally,
            "8.695652173913043478260869565",
            "10",
            vec!["1.304347826086956521739130435"],
        ),
    ];
    for (case, taxes, price, qty, method, excluded, included, amounts) in cases {
        let got = tax_details(&taxes, d(price), d(qty), d(CENT), method);
        let close = |a: Decimal, b: Decimal| (a - b).abs() < d("0.0000000000000000000001");
        assert!(
            close(got.total_excluded, d(excluded)),
            "{case}: excluded {got:?}"
        );
        assert!(
            close(got.total_included, d(included)),
            "{case}: included {got:?}"
        );
        let got_amounts: Vec<Decimal> = got.taxes.iter().map(|t| t.amount).collect();
        assert_eq!(got_amounts.len(), amounts.len(), "{case}: {got:?}");
        for (g, want) in got_amounts.iter().zip(&amounts) {
            assert!(close(*g, d(want)), "{case}: amounts {got_amounts:?}");
        }
    }
}

#[test]
fn discount_applies_before_taxes() {
    let line = Line {
        price_unit: d("20"),
        quantity: d("3"),
        discount: d("10"),
        taxes: vec![tax(1, Percent, "15", false)],
    };
    let totals = line_totals(&line, d(CENT), PerLine);
    assert_eq!(totals.subtotal, d("54"));
    assert_eq!(totals.subtotal_incl, d("62.10"));
}

fn lines(n: usize, price: &str, qty: &str, taxes: Vec<Tax>) -> Vec<Line> {
    (0..n)
        .map(|_| Line {
            price_unit: d(price),
            quantity: d(qty),
            discount: Decimal::ZERO,
            taxes: taxes.clone(),
        })
        .collect()
}

#[test]
fn document_totals_table() {
    // (case, lines, method, untaxed, tax)
    let cases: Vec<(&str, Vec<Line>, RoundingMethod, &str, &str)> = vec![
        (
            "ten cheap lines, per line",
            lines(10, "0.10", "1", vec![tax(1, Percent, "15", false)]),
            PerLine,
            "1.00",
            "0.20",
        ),
        (
            "ten cheap lines, globally",
            lines(10, "0.10", "1", vec![tax(1, Percent, "15", false)]),
            Globally,
            "1.00",
            "0.15",
        ),
        // Odoo's `_round_base_lines_tax_details` docstring: 2 x 21.53 with 21% included.
        (
            "21% included, globally",
            lines(2, "21.53", "1", vec![tax(1, Percent, "21", true)]),
            Globally,
            "35.59",
            "7.47",
        ),
        (
            "21% included, per line",
            lines(2, "21.53", "1", vec![tax(1, Percent, "21", true)]),
            PerLine,
            "35.58",
            "7.48",
        ),
        // Odoo's docstring: 2 x (12.12 x 12.12) with 23% excluded.
        (
            "23% excluded, globally",
            lines(2, "12.12", "12.12", vec![tax(1, Percent, "23", false)]),
            Globally,
            "293.79",
            "67.57",
        ),
        (
            "23% excluded, per line",
            lines(2, "12.12", "12.12", vec![tax(1, Percent, "23", false)]),
            PerLine,
            "293.78",
            "67.56",
        ),
        (
            "two included 10% taxes add up to the price",
            lines(
                1,
                "100",
                "1",
                vec![tax(1, Percent, "10", true), tax(2, Percent, "10", true)],
            ),
            Globally,
            "83.34",
            "16.66",
        ),
        (
            "no taxes",
            lines(3, "140", "1", vec![]),
            PerLine,
            "420",
            "0",
        ),
    ];
    for (case, lines, method, untaxed, tax_amount) in cases {
        let got = document_totals(&lines, d(CENT), method);
        assert_eq!(got.untaxed, d(untaxed), "{case}: {got:?}");
        assert_eq!(got.tax, d(tax_amount), "{case}: {got:?}");
    }
}

#[test]
fn a_refund_is_the_sale_negated() {
    let taxes = vec![tax(1, Fixed, "0.25", false), tax(2, Percent, "15", true)];
    for method in [PerLine, Globally] {
        let sale = document_totals(&lines(3, "7.77", "1", taxes.clone()), d(CENT), method);
        let refund = document_totals(&lines(3, "7.77", "-1", taxes.clone()), d(CENT), method);
        assert_eq!(refund.untaxed, -sale.untaxed);
        assert_eq!(refund.tax, -sale.tax);
    }
}

#[test]
fn rounding_is_half_away_from_zero() {
    assert_eq!(round_amount(d("0.015"), d(CENT)), d("0.02"));
    assert_eq!(round_amount(d("-0.015"), d(CENT)), d("-0.02"));
    assert_eq!(round_amount(d("2.675"), d(CENT)), d("2.68"));
    assert_eq!(round_amount(d("12.3"), d("0.05")), d("12.3"));
    assert_eq!(round_amount(d("12.324"), d("0.05")), d("12.3"));
    assert_eq!(round_amount(d("1234.5"), d("1")), d("1235"));
}
