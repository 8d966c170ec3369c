//! The simulated Stripe Terminal SDK for browsers, and what it needs from the simulator.
//!
//! Stripe's Terminal JS SDK (`https://js.stripe.com/terminal/v1/`) talks to Stripe's servers and
//! to physical readers, so it cannot take a payment against this simulator. In its place the
//! simulator serves `terminal_sdk.js` (our own code) at [`SDK_PATH`]: it implements the part of
//! the `StripeTerminal` API that Odoo 18's `pos_stripe` uses and drives the simulated reader
//! through the same reader actions as Stripe's server-driven API (`process_payment_intent`, then
//! waiting until a card is presented), authenticated with the connection token the POS fetched
//! (see `api::authenticate`). A small panel in the page presents the [`TEST_CARDS`]; the test
//! helper `present_payment_method` (scripts, tests) and the auto-present setting
//! ([`AutoPresent`], unattended demos) present cards the same way, so the payment completes
//! whichever presents the card.

use std::time::Duration;

use serde_json::json;

use super::state::State;
use super::Simulator;

/// Where the simulator serves the SDK, below its mount point (`/stripe-sim` in the server).
pub const SDK_PATH: &str = "/terminal/v1/sdk.js";

/// Stripe's own Terminal SDK, which a page keeps with a real Stripe account.
pub const STRIPE_SDK_URL: &str = "https://js.stripe.com/terminal/v1/";

/// Our browser SDK; `/*TEST_CARDS*/[]` is replaced by [`TEST_CARDS`] when served.
const SDK_SOURCE: &str = include_str!("terminal_sdk.js");

/// A test card the simulated reader's panel (and the auto-present setting) can present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TestCard {
    /// The name settings and the panel use: `visa`, `mastercard`, `declined`,
    /// `insufficient_funds`, `interac`.
    pub name: &'static str,
    /// The panel's button.
    pub label: &'static str,
    /// `card_present` or `interac_present`.
    pub method_type: &'static str,
    /// One of Stripe's test card numbers for in-person payments.
    pub number: &'static str,
}

/// The cards of the panel, in its order (Stripe's test numbers for Terminal).
pub const TEST_CARDS: &[TestCard] = &[
    TestCard {
        name: "visa",
        label: "Visa",
        method_type: "card_present",
        number: "4242424242424242",
    },
    TestCard {
        name: "mastercard",
        label: "Mastercard",
        method_type: "card_present",
        number: "5555555555554444",
    },
    TestCard {
        name: "declined",
        label: "Declined",
        method_type: "card_present",
        number: "4000000000000002",
    },
    TestCard {
        name: "insufficient_funds",
        label: "Insufficient funds",
        method_type: "card_present",
        number: "4000000000009995",
    },
    TestCard {
        name: "interac",
        label: "Interac",
        method_type: "interac_present",
        number: "4506445006931933",
    },
];

impl TestCard {
    /// The test card called `name` (see [`TEST_CARDS`]).
    pub fn named(name: &str) -> Option<TestCard> {
        TEST_CARDS.iter().copied().find(|card| card.name == name)
    }

    /// The names, for error messages.
    pub fn names() -> String {
        TEST_CARDS
            .iter()
            .map(|card| card.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Presents `card` on a reader by itself, `delay` after a `process_payment_intent` started
/// waiting for one (unattended demos: no cashier clicks the panel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutoPresent {
    pub card: TestCard,
    pub delay: Duration,
}

/// The SDK's JavaScript, with the test cards filled in.
pub(crate) fn sdk_response() -> http::Response<String> {
    let cards: Vec<_> = TEST_CARDS
        .iter()
        .map(|card| {
            json!({
                "name": card.name,
                "label": card.label,
                "type": card.method_type,
                "number": card.number,
            })
        })
        .collect();
    let source = SDK_SOURCE.replace("/*TEST_CARDS*/[]", &json!(cards).to_string());
    http::Response::builder()
        .status(200)
        .header(
            http::header::CONTENT_TYPE,
            "application/javascript; charset=utf-8",
        )
        // The script changes with the server; a browser revalidates it on each page load.
        .header(http::header::CACHE_CONTROL, "no-cache")
        .header("Access-Control-Allow-Origin", "*")
        .body(source)
        .expect("status and headers are valid by construction")
}

/// What starts a wait for a card: a successful `POST /v1/terminal/readers/{id}/
/// process_payment_intent`. Returns the reader's id.
pub(crate) fn started_waiting<'p>(
    method: &http::Method,
    path: &'p str,
    status: http::StatusCode,
) -> Option<&'p str> {
    if *method != http::Method::POST || !status.is_success() {
        return None;
    }
    path.strip_prefix("/v1/terminal/readers/")?
        .strip_suffix("/process_payment_intent")
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

impl Simulator {
    /// After `process_payment_intent` on `reader_id`, presents the auto-present card once the
    /// delay has passed, if the reader still waits for a card for the same PaymentIntent.
    pub(crate) fn schedule_auto_present(&self, reader_id: &str) {
        let (auto, payment_intent) = {
            let state = self.lock();
            let Some(auto) = state.config.auto_present else {
                return;
            };
            let Some(intent) = state
                .reader_index(reader_id)
                .and_then(|index| state.readers[index].action_in_progress())
            else {
                return;
            };
            (auto, intent.to_string())
        };
        let simulator = self.clone();
        let reader_id = reader_id.to_string();
        tokio::spawn(async move {
            tokio::time::sleep(auto.delay).await;
            let mut state = simulator.lock();
            present_if_waiting(&mut state, &reader_id, &payment_intent, auto.card);
        });
    }
}

/// Presents `card` on the reader if it still waits for a card for `payment_intent`.
fn present_if_waiting(state: &mut State, reader_id: &str, payment_intent: &str, card: TestCard) {
    let waiting = state
        .reader_index(reader_id)
        .and_then(|index| state.readers[index].action_in_progress())
        == Some(payment_intent);
    if waiting {
        if let Err(error) =
            super::endpoints::present_card(state, reader_id, card.method_type, card.number, None)
        {
            tracing::debug!(
                reader = reader_id,
                error = %error.body(),
                "the auto-present card was refused"
            );
        }
    }
}
