//! The simulator's objects and how they render as Stripe JSON.
//!
//! Records hold only what the simulator decides; everything else a Stripe object carries is filled
//! in at render time (see `render`) with the values Stripe sends for an in-person test-mode
//! payment.

use std::collections::VecDeque;

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{Map, Value};

use super::store::{RequestLog, Store};
use super::{FaultKind, SimConfig};

/// How long idempotent results are replayed, as at Stripe.
const IDEMPOTENCY_TTL_SECONDS: i64 = 24 * 3600;
/// The simulated account's country and merchant category code. 5812 ("eating places and
/// restaurants") is one of the categories Stripe lets collect on-receipt tips by over-capture.
pub(crate) const ACCOUNT_COUNTRY: &str = "US";
pub(crate) const ACCOUNT_MCC: &str = "5812";

/// How long a connection token authenticates the simulated Terminal SDK. Stripe's tokens are
/// short-lived too; the SDK fetches a new one when told its token expired.
pub(crate) const CONNECTION_TOKEN_TTL_SECONDS: i64 = 15 * 60;

/// Most requests the log keeps; a long-running standalone simulator must not grow without bound.
const REQUEST_LOG_CAPACITY: usize = 10_000;

/// Everything the simulator remembers, behind the [`super::Simulator`]'s mutex.
#[derive(Debug)]
pub(crate) struct State {
    pub config: SimConfig,
    pub account_id: String,
    pub account_created: i64,
    /// Test objects, each kind bounded by `config.limits.max_objects` (oldest evicted first).
    pub payment_intents: Store<PaymentIntent>,
    pub charges: Store<Charge>,
    pub refunds: Store<Refund>,
    pub payment_methods: Store<PaymentMethod>,
    /// Readers and locations in creation order (lists show them newest first). Those created
    /// by requests are bounded like the other kinds; the seeded ones are never evicted.
    pub readers: Vec<Reader>,
    pub locations: Vec<Location>,
    /// Connection token secrets issued, with when: the simulated Terminal SDK authenticates
    /// with them for a few reader and PaymentIntent endpoints, for [`CONNECTION_TOKEN_TTL_SECONDS`].
    pub connection_tokens: Store<i64>,
    /// Stored results of POSTs sent with an `Idempotency-Key`, by API key and idempotency key.
    idempotency: Store<StoredResponse>,
    pub faults: VecDeque<QueuedFault>,
    pub requests: RequestLog,
    /// PaymentIntents ever created; unlike the map's size it survives nothing being deleted, and
    /// states plainly what tests mean by "exactly one PaymentIntent".
    pub payment_intents_created: usize,
}

impl State {
    pub fn new(config: SimConfig) -> State {
        let now = now();
        let default_location = Location {
            id: new_id("tml"),
            display_name: "Demo store".into(),
            address: Address {
                city: Some("San Francisco".into()),
                country: "US".into(),
                line1: Some("1 Market Street".into()),
                line2: None,
                postal_code: Some("94105".into()),
                state: Some("CA".into()),
            },
            configuration_overrides: None,
            metadata: Map::new(),
            seeded: true,
        };
        let readers = config
            .readers
            .iter()
            .enumerate()
            .map(|(index, seed)| Reader {
                id: new_id("tmr"),
                serial_number: seed.serial_number.clone(),
                label: seed.label.clone(),
                device_type: seed.device_type.clone(),
                location: Some(default_location.id.clone()),
                ip_address: format!("192.168.2.{}", 10 + index),
                metadata: Map::new(),
                action: None,
                last_seen_at_ms: now * 1000,
                seeded: true,
            })
            .collect();
        let limits = config.limits;
        State {
            config,
            account_id: format!("acct_{}", random_alnum(16)),
            account_created: now,
            payment_intents: Store::new(limits.max_objects),
            charges: Store::new(limits.max_objects),
            refunds: Store::new(limits.max_objects),
            payment_methods: Store::new(limits.max_objects),
            readers,
            locations: vec![default_location],
            connection_tokens: Store::new(limits.max_objects),
            idempotency: Store::new(limits.max_objects),
            faults: VecDeque::new(),
            requests: RequestLog::new(limits.request_log_bytes, REQUEST_LOG_CAPACITY),
            payment_intents_created: 0,
        }
    }

    /// Takes one use of the fault at the head of the queue, if any.
    pub fn next_fault(&mut self) -> Option<FaultKind> {
        let head = self.faults.front_mut()?;
        let kind = head.kind;
        head.remaining -= 1;
        if head.remaining == 0 {
            self.faults.pop_front();
        }
        Some(kind)
    }

    /// The stored result for `key` under `api_key`, unless it has expired (or was evicted).
    pub fn idempotent_result(&self, api_key: &str, key: &str) -> Option<&StoredResponse> {
        self.idempotency
            .get(&idempotency_id(api_key, key))
            .filter(|stored| now() - stored.stored_at < IDEMPOTENCY_TTL_SECONDS)
    }

    /// Stores a result for replay; beyond the bound the oldest stored result is forgotten.
    pub fn store_idempotent_result(&mut self, api_key: &str, key: &str, stored: StoredResponse) {
        self.idempotency
            .insert(idempotency_id(api_key, key), stored);
    }

    /// Stored idempotent results (for the control endpoint's counts).
    pub fn idempotent_result_count(&self) -> usize {
        self.idempotency.len()
    }

    /// Appends to the request log, dropping the oldest entries beyond its byte budget.
    pub fn log_request(&mut self, entry: Value) {
        self.requests.push(entry);
    }

    /// Adds a reader created by a request, evicting the oldest such reader beyond the bound.
    pub fn add_reader(&mut self, reader: Reader) {
        let created = self.readers.iter().filter(|reader| !reader.seeded).count();
        if created >= self.config.limits.max_objects {
            if let Some(oldest) = self.readers.iter().position(|reader| !reader.seeded) {
                self.readers.remove(oldest);
            }
        }
        self.readers.push(reader);
    }

    /// Adds a location created by a request, evicting the oldest such location beyond the bound.
    pub fn add_location(&mut self, location: Location) {
        let created = self
            .locations
            .iter()
            .filter(|location| !location.seeded)
            .count();
        if created >= self.config.limits.max_objects {
            if let Some(oldest) = self.locations.iter().position(|location| !location.seeded) {
                self.locations.remove(oldest);
            }
        }
        self.locations.push(location);
    }

    /// An estimate of the bytes the state holds that grow with what clients send: metadata of
    /// every object, stored idempotent responses and the request log. It is what the bounds
    /// bound; the fixed-size parts of each object add a few hundred bytes apiece.
    pub fn retained_bytes(&self) -> usize {
        fn metadata_bytes(metadata: &Map<String, Value>) -> usize {
            metadata
                .iter()
                .map(|(key, value)| key.len() + value.as_str().map_or(0, str::len))
                .sum()
        }
        let metadata = self
            .payment_intents
            .values()
            .map(|pi| metadata_bytes(&pi.metadata))
            .chain(
                self.charges
                    .values()
                    .map(|charge| metadata_bytes(&charge.metadata)),
            )
            .chain(
                self.refunds
                    .values()
                    .map(|refund| metadata_bytes(&refund.metadata)),
            )
            .chain(
                self.readers
                    .iter()
                    .map(|reader| metadata_bytes(&reader.metadata)),
            )
            .chain(
                self.locations
                    .iter()
                    .map(|location| metadata_bytes(&location.metadata)),
            )
            .sum::<usize>();
        let idempotent: usize = self
            .idempotency
            .values()
            .map(|stored| stored.body.len() + stored.params.to_string().len())
            .sum();
        metadata + idempotent + self.requests.bytes()
    }

    /// Whether `secret` is a connection token this simulator issued and that has not expired.
    pub fn connection_token_valid(&self, secret: &str) -> bool {
        self.connection_tokens
            .get(secret)
            .is_some_and(|issued| now() - issued < CONNECTION_TOKEN_TTL_SECONDS)
    }

    pub fn reader_index(&self, id: &str) -> Option<usize> {
        self.readers.iter().position(|reader| reader.id == id)
    }

    pub fn location(&self, id: &str) -> Option<&Location> {
        self.locations.iter().find(|location| location.id == id)
    }
}

/// The key of a stored idempotent result. Accepted API keys are letters, digits and
/// underscores, so a NUL between the two keeps any two pairs apart.
fn idempotency_id(api_key: &str, key: &str) -> String {
    format!("{api_key}\u{0}{key}")
}

/// A fault waiting in the queue, with how many more requests it applies to.
#[derive(Debug, Clone)]
pub(crate) struct QueuedFault {
    pub kind: FaultKind,
    pub remaining: u32,
}

/// A response kept for idempotent replay, with what identified the original request.
#[derive(Debug, Clone)]
pub(crate) struct StoredResponse {
    pub method: String,
    pub path: String,
    pub params: Value,
    pub status: u16,
    pub body: String,
    pub request_id: String,
    pub stored_at: i64,
}

/// Unix time in seconds.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub(crate) fn random_alnum(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A Stripe-looking id: `pi_` and 24 letters and digits.
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_alnum(24))
}

/// The PaymentIntent statuses (Stripe's `status` enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PiStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    RequiresCapture,
    Succeeded,
    Canceled,
}

impl PiStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PiStatus::RequiresPaymentMethod => "requires_payment_method",
            PiStatus::RequiresConfirmation => "requires_confirmation",
            PiStatus::RequiresAction => "requires_action",
            PiStatus::Processing => "processing",
            PiStatus::RequiresCapture => "requires_capture",
            PiStatus::Succeeded => "succeeded",
            PiStatus::Canceled => "canceled",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PaymentIntent {
    pub id: String,
    pub created: i64,
    /// Includes the tip once one was added on the reader.
    pub amount: i64,
    pub amount_capturable: i64,
    pub amount_received: i64,
    pub tip: Option<i64>,
    pub currency: String,
    pub status: PiStatus,
    pub client_secret: String,
    pub capture_method: String,
    pub payment_method_types: Vec<String>,
    /// `payment_method_options[card_present][...]` as sent.
    pub card_present_capture_method: Option<String>,
    pub request_extended_authorization: Option<bool>,
    pub request_incremental_authorization_support: Option<bool>,
    pub description: Option<String>,
    pub receipt_email: Option<String>,
    pub metadata: Map<String, Value>,
    pub payment_method: Option<String>,
    /// Newest first; the first is `latest_charge`.
    pub charges: Vec<String>,
    /// The decline that sent the intent back to `requires_payment_method`.
    pub last_payment_error: Option<Decline>,
    pub canceled_at: Option<i64>,
    pub cancellation_reason: Option<String>,
}

impl PaymentIntent {
    pub fn latest_charge(&self) -> Option<&str> {
        self.charges.first().map(String::as_str)
    }

    /// Whether a card-present authorization on this intent waits for a separate capture.
    pub fn captures_card_present_manually(&self) -> bool {
        match self.card_present_capture_method.as_deref() {
            Some("manual" | "manual_preferred") => true,
            _ => self.capture_method == "manual",
        }
    }
}

/// A decline, kept to render `last_payment_error` and the failed charge.
#[derive(Debug, Clone)]
pub(crate) struct Decline {
    pub decline_code: &'static str,
    pub message: &'static str,
    pub charge: String,
    pub payment_method: String,
}

/// The card a test helper presented, as it shows in `payment_method_details` and PaymentMethods.
#[derive(Debug, Clone)]
pub(crate) struct PresentedCard {
    /// `card_present` or `interac_present`.
    pub method_type: &'static str,
    pub brand: &'static str,
    pub last4: String,
    pub exp_month: i64,
    pub exp_year: i64,
    pub funding: &'static str,
    pub country: &'static str,
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub(crate) struct PaymentMethod {
    pub id: String,
    pub created: i64,
    pub card: PresentedCard,
}

#[derive(Debug, Clone)]
pub(crate) struct Charge {
    pub id: String,
    pub created: i64,
    /// What the charge is for: the authorized amount, or more once over-captured for a tip.
    pub amount: i64,
    /// What the card's issuer authorized (`payment_method_details.*.amount_authorized`).
    pub amount_authorized: i64,
    /// Whether a capture may exceed the authorized amount (on-receipt tips, US only).
    pub overcapture_supported: bool,
    /// Whether the authorization may be incremented (asked for with
    /// `request_incremental_authorization_support`).
    pub incremental_authorization_supported: bool,
    pub amount_captured: i64,
    pub amount_refunded: i64,
    pub captured: bool,
    /// False for a declined charge.
    pub paid: bool,
    pub currency: String,
    pub description: Option<String>,
    pub receipt_email: Option<String>,
    pub metadata: Map<String, Value>,
    pub payment_intent: String,
    pub payment_method: String,
    pub card: PresentedCard,
    pub decline: Option<(&'static str, &'static str)>,
    pub balance_transaction: Option<String>,
    /// When an uncaptured authorization lapses (card-present holds last two days).
    pub capture_before: Option<i64>,
    /// Newest first.
    pub refunds: Vec<String>,
}

impl Charge {
    /// Stripe's `refunded`: every captured cent refunded, or an authorization released uncaptured.
    pub fn is_fully_refunded(&self) -> bool {
        let refundable_total = if self.captured {
            self.amount_captured
        } else {
            self.amount
        };
        self.amount_refunded > 0 && self.amount_refunded >= refundable_total
    }

    /// What can still be refunded: the captured amount less earlier refunds.
    pub fn refundable(&self) -> i64 {
        if self.captured {
            self.amount_captured - self.amount_refunded
        } else {
            0
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Refund {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    pub charge: String,
    pub payment_intent: String,
    pub reason: Option<String>,
    pub metadata: Map<String, Value>,
    pub balance_transaction: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Address {
    pub city: Option<String>,
    pub country: String,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub postal_code: Option<String>,
    pub state: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Location {
    pub id: String,
    pub display_name: String,
    pub address: Address,
    pub configuration_overrides: Option<String>,
    pub metadata: Map<String, Value>,
    /// Set up with the simulator (not by a request), hence never evicted.
    pub seeded: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Reader {
    pub id: String,
    pub serial_number: String,
    pub label: String,
    pub device_type: String,
    pub location: Option<String>,
    pub ip_address: String,
    pub metadata: Map<String, Value>,
    pub action: Option<ReaderAction>,
    pub last_seen_at_ms: i64,
    /// Set up with the simulator (not by a request), hence never evicted.
    pub seeded: bool,
}

impl Reader {
    /// The PaymentIntent of the action the reader is busy with, if any.
    pub fn action_in_progress(&self) -> Option<&str> {
        self.action
            .as_ref()
            .filter(|action| action.status == ActionStatus::InProgress)
            .map(|action| action.payment_intent.as_str())
    }
}

/// Reader action statuses (Stripe's `action.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionStatus {
    InProgress,
    Succeeded,
    Failed,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Succeeded => "succeeded",
            ActionStatus::Failed => "failed",
        }
    }
}

/// The reader's current `process_payment_intent` action.
#[derive(Debug, Clone)]
pub(crate) struct ReaderAction {
    pub status: ActionStatus,
    pub payment_intent: String,
    pub process_config: Option<Value>,
    pub failure_code: Option<&'static str>,
    pub failure_message: Option<&'static str>,
}
