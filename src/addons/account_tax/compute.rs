//! Odoo 18's taxes engine on exact decimals: `_get_tax_details` for one line (fixed,
//! percent and division taxes, price-included or not, taxes affecting the base of
//! the next ones), and the document totals `_compute_prices` gets from
//! `_add_tax_details_in_base_lines`, `_round_base_lines_tax_details` and
//! `_get_tax_totals_summary`. Pure functions: the taxes come in already flattened
//! (children of a group in place of the group) and sorted by `(sequence, id)`.
//!
//! Odoo computes on floats and rounds with `float_round` (half away from zero on
//! the decimal value); here every amount is a `Decimal` and every rounding is
//! [`round_amount`], so the results are Odoo's without the float noise.

use rust_decimal::{Decimal, RoundingStrategy};

/// How a tax computes its amount (`amount_type`, groups flattened away).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountType {
    /// `quantity * amount`, whatever the price.
    Fixed,
    /// `amount` % of the price (or of the price without the tax when included).
    Percent,
    /// "Percentage tax included": the price is `(1 - amount %)` of the total.
    Division,
}

/// One tax as the engine needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Tax {
    pub id: i64,
    pub amount_type: AmountType,
    pub amount: Decimal,
    /// `price_include`: the override, else the company's default.
    pub price_include: bool,
    pub include_base_amount: bool,
    pub is_base_affected: bool,
}

/// The company's `tax_calculation_rounding_method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundingMethod {
    PerLine,
    Globally,
}

impl RoundingMethod {
    /// From the selection value; anything else is Odoo's default, per line.
    pub fn from_setting(value: Option<&str>) -> RoundingMethod {
        match value {
            Some("round_globally") => RoundingMethod::Globally,
            _ => RoundingMethod::PerLine,
        }
    }
}

/// One tax applied to one line (not rounded unless the method rounds per line).
#[derive(Clone, Debug, PartialEq)]
pub struct TaxAmount {
    pub tax_id: i64,
    pub price_include: bool,
    pub base: Decimal,
    pub amount: Decimal,
}

/// `_get_tax_details`' answer.
#[derive(Clone, Debug, PartialEq)]
pub struct TaxDetails {
    pub total_excluded: Decimal,
    pub total_included: Decimal,
    pub taxes: Vec<TaxAmount>,
}

/// Odoo's `float_round(value, precision_rounding=rounding)`: to a multiple of
/// `rounding`, half away from zero. A non-positive rounding leaves the value as is.
pub fn round_amount(value: Decimal, rounding: Decimal) -> Decimal {
    if rounding <= Decimal::ZERO {
        return value;
    }
    let units =
        (value / rounding).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    (units * rounding).normalize()
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Per tax, what the computation has found so far.
#[derive(Clone, Debug, Default)]
struct Slot {
    batch: Vec<usize>,
    extra_base_for_tax: Decimal,
    extra_base_for_base: Decimal,
    amount: Option<Decimal>,
    base: Decimal,
}

/// Groups the taxes into batches computed together (Odoo's
/// `_batch_for_taxes_computation`), walking from the last tax to the first.
fn batches(taxes: &[Tax]) -> Vec<Vec<usize>> {
    let mut per_tax = vec![Vec::new(); taxes.len()];
    let mut batch: Vec<usize> = Vec::new();
    let mut is_base_affected = false;
    let close = |batch: &mut Vec<usize>, per_tax: &mut Vec<Vec<usize>>| {
        for &i in batch.iter() {
            per_tax[i] = batch.clone();
        }
        batch.clear();
    };
    for i in (0..taxes.len()).rev() {
        let tax = &taxes[i];
        if let Some(&first) = batch.first() {
            let head = &taxes[first];
            let same = tax.amount_type == head.amount_type
                && tax.price_include == head.price_include
                && tax.include_base_amount == head.include_base_amount
                && (!tax.include_base_amount || !is_base_affected);
            if !same {
                close(&mut batch, &mut per_tax);
            }
        }
        is_base_affected = tax.is_base_affected;
        batch.push(i);
    }
    close(&mut batch, &mut per_tax);
    per_tax
}

/// The taxes of `taxes` before `i`'s batch (in order) and after it (from the end).
fn before(slots: &[Slot], i: usize) -> Vec<usize> {
    (0..slots.len())
        .take_while(|j| !slots[i].batch.contains(j))
        .collect()
}

fn after(slots: &[Slot], i: usize) -> Vec<usize> {
    (0..slots.len())
        .rev()
        .take_while(|j| !slots[i].batch.contains(j))
        .collect()
}

/// Records tax `i`'s amount and lets it change the base of the others (Odoo's
/// `_propagate_extra_taxes_base`, no special mode).
fn settle(taxes: &[Tax], slots: &mut [Slot], i: usize, amount: Decimal, per_line: Option<Decimal>) {
    let amount = match per_line {
        Some(rounding) => round_amount(amount, rounding),
        None => amount,
    };
    slots[i].amount = Some(amount);
    let tax = &taxes[i];
    let mut targets: Vec<(usize, Decimal)> = Vec::new();
    if tax.price_include {
        for j in after(slots, i) {
            if !tax.include_base_amount || !taxes[j].is_base_affected {
                targets.push((j, -Decimal::ONE));
            }
        }
        for j in before(slots, i) {
            targets.push((j, -Decimal::ONE));
        }
    } else if tax.include_base_amount {
        for j in after(slots, i) {
            if taxes[j].is_base_affected {
                targets.push((j, Decimal::ONE));
            }
        }
    }
    for (j, sign) in targets {
        if slots[j].amount.is_none() {
            slots[j].extra_base_for_tax += sign * amount;
        }
        slots[j].extra_base_for_base += sign * amount;
    }
}

fn batch_percent(taxes: &[Tax], batch: &[usize]) -> Decimal {
    batch.iter().map(|&j| taxes[j].amount).sum::<Decimal>() / HUNDRED
}

/// Odoo 18's `_get_tax_details(price_unit, quantity, precision_rounding,
/// rounding_method)` for `taxes`, flattened and sorted.
pub fn tax_details(
    taxes: &[Tax],
    price_unit: Decimal,
    quantity: Decimal,
    rounding: Decimal,
    method: RoundingMethod,
) -> TaxDetails {
    let per_line = (method == RoundingMethod::PerLine).then_some(rounding);
    let mut raw_base = quantity * price_unit;
    if let Some(r) = per_line {
        raw_base = round_amount(raw_base, r);
    }
    let mut slots: Vec<Slot> = batches(taxes)
        .into_iter()
        .map(|batch| Slot {
            batch,
            ..Slot::default()
        })
        .collect();
    let n = taxes.len();

    // Fixed taxes first, from the last: they may change the base of an included batch.
    for i in (0..n).rev() {
        if slots[i].amount.is_none() && taxes[i].amount_type == AmountType::Fixed {
            let sign = if price_unit < Decimal::ZERO {
                -Decimal::ONE
            } else {
                Decimal::ONE
            };
            settle(
                taxes,
                &mut slots,
                i,
                sign * quantity * taxes[i].amount,
                per_line,
            );
        }
    }
    // Price-included taxes, from the last.
    for i in (0..n).rev() {
        if slots[i].amount.is_some() || !taxes[i].price_include {
            continue;
        }
        let base = raw_base + slots[i].extra_base_for_tax;
        let amount = match taxes[i].amount_type {
            AmountType::Percent => {
                let total = batch_percent(taxes, &slots[i].batch);
                let factor = if total == -Decimal::ONE {
                    Decimal::ZERO
                } else {
                    Decimal::ONE / (Decimal::ONE + total)
                };
                base * factor * taxes[i].amount / HUNDRED
            }
            AmountType::Division => base * taxes[i].amount / HUNDRED,
            AmountType::Fixed => continue,
        };
        settle(taxes, &mut slots, i, amount, per_line);
    }
    // Price-excluded taxes, from the first.
    for i in 0..n {
        if slots[i].amount.is_some() || taxes[i].price_include {
            continue;
        }
        let base = raw_base + slots[i].extra_base_for_tax;
        let amount = match taxes[i].amount_type {
            AmountType::Percent => base * taxes[i].amount / HUNDRED,
            AmountType::Division => {
                let total = batch_percent(taxes, &slots[i].batch);
                let divisor = if total == Decimal::ONE {
                    Decimal::ONE
                } else {
                    Decimal::ONE - total
                };
                base * taxes[i].amount / HUNDRED / divisor
            }
            AmountType::Fixed => continue,
        };
        settle(taxes, &mut slots, i, amount, per_line);
    }
    // Bases, from the last.
    for i in (0..n).rev() {
        if slots[i].amount.is_none() {
            continue;
        }
        let batch_total: Decimal = slots[i].batch.iter().filter_map(|&j| slots[j].amount).sum();
        let mut base = raw_base + slots[i].extra_base_for_base;
        if taxes[i].price_include {
            base -= batch_total;
        }
        slots[i].base = base;
    }
    let computed: Vec<TaxAmount> = (0..n)
        .filter_map(|i| {
            slots[i].amount.map(|amount| TaxAmount {
                tax_id: taxes[i].id,
                price_include: taxes[i].price_include,
                base: slots[i].base,
                amount,
            })
        })
        .collect();
    let (total_excluded, total_included) = match computed.first() {
        Some(first) => {
            let sum: Decimal = computed.iter().map(|t| t.amount).sum();
            (first.base, first.base + sum)
        }
        None => (raw_base, raw_base),
    };
    TaxDetails {
        total_excluded,
        total_included,
        taxes: computed,
    }
}

/// One order line for the totals.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub price_unit: Decimal,
    pub quantity: Decimal,
    /// Percent.
    pub discount: Decimal,
    pub taxes: Vec<Tax>,
}

/// A line's rounded subtotals (`price_subtotal`, `price_subtotal_incl`), as
/// `compute_all` gives them to `_compute_amount_line_all`.
#[derive(Clone, Debug, PartialEq)]
pub struct LineTotals {
    pub subtotal: Decimal,
    pub subtotal_incl: Decimal,
    pub details: TaxDetails,
}

/// A line's subtotals: the price after discount through [`tax_details`], rounded
/// to the currency.
pub fn line_totals(line: &Line, rounding: Decimal, method: RoundingMethod) -> LineTotals {
    let price = line.price_unit * (Decimal::ONE - line.discount / HUNDRED);
    let details = tax_details(&line.taxes, price, line.quantity, rounding, method);
    LineTotals {
        subtotal: round_amount(details.total_excluded, rounding),
        subtotal_incl: round_amount(details.total_included, rounding),
        details,
    }
}

/// A document's untaxed amount and tax amount.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    pub untaxed: Decimal,
    pub tax: Decimal,
}

impl Totals {
    pub fn total(&self) -> Decimal {
        self.untaxed + self.tax
    }
}

/// The totals of a document (a POS order's `amount_tax` and `amount_total`), as
/// Odoo 18 sums its base lines: every amount rounded, then per tax (and refund
/// sign) the tax total is the rounded sum of the raw amounts; per refund sign the
/// untaxed total is the rounded raw sum when a price-excluded tax is involved, else
/// the rounded raw total included less the taxes, so that included prices add up.
pub fn document_totals(lines: &[Line], rounding: Decimal, method: RoundingMethod) -> Totals {
    let details: Vec<(bool, TaxDetails)> = lines
        .iter()
        .map(|l| {
            let is_refund = l.quantity * l.price_unit < Decimal::ZERO;
            (is_refund, line_totals(l, rounding, method).details)
        })
        .collect();
    let mut untaxed = Decimal::ZERO;
    let mut tax = Decimal::ZERO;
    for refund in [false, true] {
        let group: Vec<&TaxDetails> = details
            .iter()
            .filter(|(r, _)| *r == refund)
            .map(|(_, d)| d)
            .collect();
        if group.is_empty() {
            continue;
        }
        // Tax amounts, per (tax, included) within the sign.
        let mut keys: Vec<(i64, bool)> = Vec::new();
        for d in &group {
            for t in &d.taxes {
                if !keys.contains(&(t.tax_id, t.price_include)) {
                    keys.push((t.tax_id, t.price_include));
                }
            }
        }
        let mut group_tax = Decimal::ZERO;
        let mut raw_tax = Decimal::ZERO;
        for key in &keys {
            let raw: Decimal = group
                .iter()
                .flat_map(|d| d.taxes.iter())
                .filter(|t| (t.tax_id, t.price_include) == *key)
                .map(|t| t.amount)
                .sum();
            raw_tax += raw;
            group_tax += round_amount(raw, rounding);
        }
        let raw_excluded: Decimal = group.iter().map(|d| d.total_excluded).sum();
        let rounded_excluded: Decimal = group
            .iter()
            .map(|d| round_amount(d.total_excluded, rounding))
            .sum();
        let excluded_mode = group.iter().any(|d| {
            d.taxes
                .iter()
                .any(|t| !t.price_include && !round_amount(t.amount, rounding).is_zero())
        });
        let group_untaxed = if excluded_mode {
            if raw_excluded.is_zero() {
                rounded_excluded
            } else {
                round_amount(raw_excluded, rounding)
            }
        } else {
            let raw_included = raw_excluded + raw_tax;
            if raw_included.is_zero() {
                rounded_excluded
            } else {
                round_amount(raw_included, rounding) - group_tax
            }
        };
        untaxed += group_untaxed;
        tax += group_tax;
    }
    Totals { untaxed, tax }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
