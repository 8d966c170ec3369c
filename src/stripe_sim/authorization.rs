//! What an in-person card authorization allows beyond a plain capture: over-capture for tips
//! and incremental authorization, as Stripe documents them for US Terminal payments.
//!
//! Stripe's "Collect on-receipt tips" guide: a US account in an eligible merchant category
//! (restaurants, bars, taxis, salons, ...) may capture more than it authorized on a Visa,
//! Mastercard, American Express or Discover card read in person with `capture_method=manual`,
//! up to the authorized amount plus 50% of it or 50 USD, whichever is greater. The charge says so
//! in `payment_method_details.card_present.overcapture_supported`; `amount_authorized` keeps the
//! original authorization while the PaymentIntent's `amount` becomes the captured total.

use super::state::{PresentedCard, ACCOUNT_COUNTRY};

/// The fixed part of the over-capture allowance: 50 USD, in cents.
pub(crate) const OVERCAPTURE_MIN_ALLOWANCE: i64 = 5_000;

/// Card brands whose in-person authorizations Stripe lets over-capture and increment.
const ELIGIBLE_BRANDS: &[&str] = &["visa", "mastercard", "amex", "discover"];

/// Whether Stripe reports `overcapture_supported` for an authorization of `card` in `currency`
/// that waits for a manual capture. The simulated account is a US restaurant (MCC 5812), one of
/// the eligible categories; Interac is single-message and never over-captured.
pub(crate) fn overcapture_supported(card: &PresentedCard, manual: bool, currency: &str) -> bool {
    ACCOUNT_COUNTRY == "US"
        && manual
        && card.method_type == "card_present"
        && currency == "usd"
        && ELIGIBLE_BRANDS.contains(&card.brand)
}

/// Whether Stripe reports `incremental_authorization_supported`: only when the PaymentIntent
/// asked for it (`request_incremental_authorization_support=true`) on an eligible card that waits
/// for a manual capture.
pub(crate) fn incremental_authorization_supported(
    card: &PresentedCard,
    manual: bool,
    requested: bool,
) -> bool {
    requested
        && manual
        && card.method_type == "card_present"
        && ELIGIBLE_BRANDS.contains(&card.brand)
}

/// The largest `amount_to_capture` an over-capturable authorization of `authorized` allows:
/// the authorized amount plus the greater of half of it (rounded down to a whole cent, since a
/// capture is in whole cents) and 50 USD. For 40 USD that is 90 USD; for 100 USD, 150 USD.
pub(crate) fn overcapture_limit(authorized: i64) -> i64 {
    authorized.saturating_add((authorized / 2).max(OVERCAPTURE_MIN_ALLOWANCE))
}
