//! The simulator's objects and how they render as Stripe JSON.
//!
//! Records hold only what the simulator decides; everything else a Stripe object carries is filled
//! in at render time with the values Stripe sends for an in-person test-mode payment. Key order and
//! key set follow the example objects in Stripe's fixtures (`fixtures-terminal.json`), so clients
//! written against real responses see the same shape.

use std::collections::VecDeque;

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::store::{RequestLog, Store};
use super::{FaultKind, SimConfig};

/// How long idempotent results are replayed, as at Stripe.
const IDEMPOTENCY_TTL_SECONDS: i64 = 24 * 3600;
/// The simulated account's country and merchant category code. 5812 ("eating places and
/// restaurants") is one of the categories Stripe lets collect on-receipt tips by over-capture.
pub(crate) const ACCOUNT_COUNTRY: &str = "US";
pub(crate) const ACCOUNT_MCC: &str = "5812";

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

/// How the request asked objects to be rendered.
#[derive(Debug, Clone, Default)]
pub(crate) struct RenderOptions {
    /// Before API version 2022-11-15 a PaymentIntent embeds its `charges` list.
    pub legacy_charges: bool,
    /// `expand[]` paths for the top-level object, already checked.
    pub expand: Vec<String>,
}

impl RenderOptions {
    fn expands(&self, field: &str) -> bool {
        self.expand.iter().any(|path| path == field)
    }

    /// Options for an object nested inside the one being rendered: expansions do not carry over.
    fn nested(&self) -> RenderOptions {
        RenderOptions {
            legacy_charges: self.legacy_charges,
            expand: Vec::new(),
        }
    }
}

impl State {
    pub fn render_payment_intent(&self, pi: &PaymentIntent, options: &RenderOptions) -> Value {
        let latest_charge = match pi.latest_charge() {
            Some(id) if options.expands("latest_charge") => self
                .charges
                .get(id)
                .map(|charge| self.render_charge(charge, &options.nested()))
                .unwrap_or(Value::Null),
            Some(id) => json!(id),
            None => Value::Null,
        };
        let payment_method = match &pi.payment_method {
            Some(id) if options.expands("payment_method") => self
                .payment_methods
                .get(id)
                .map(render_payment_method)
                .unwrap_or(Value::Null),
            Some(id) => json!(id),
            None => Value::Null,
        };
        let amount_details = match pi.tip {
            Some(tip) => json!({ "tip": { "amount": tip } }),
            None => json!({ "tip": {} }),
        };
        let mut object = Map::new();
        let mut put = |key: &str, value: Value| {
            object.insert(key.to_string(), value);
        };
        put("amount", json!(pi.amount));
        put("amount_capturable", json!(pi.amount_capturable));
        put("amount_details", amount_details);
        put("amount_received", json!(pi.amount_received));
        put("application", Value::Null);
        put("application_fee_amount", Value::Null);
        put("automatic_payment_methods", Value::Null);
        put("canceled_at", json!(pi.canceled_at));
        put("cancellation_reason", json!(pi.cancellation_reason));
        put("capture_method", json!(pi.capture_method));
        if options.legacy_charges {
            let data: Vec<Value> = pi
                .latest_charge()
                .and_then(|id| self.charges.get(id))
                .map(|charge| self.render_charge(charge, &options.nested()))
                .into_iter()
                .collect();
            put(
                "charges",
                json!({
                    "object": "list",
                    "data": data,
                    "has_more": false,
                    "total_count": data.len(),
                    "url": format!("/v1/charges?payment_intent={}", pi.id),
                }),
            );
        }
        put("client_secret", json!(pi.client_secret));
        put("confirmation_method", json!("automatic"));
        put("created", json!(pi.created));
        put("currency", json!(pi.currency));
        put("customer", Value::Null);
        put("customer_account", Value::Null);
        put("description", json!(pi.description));
        put("excluded_payment_method_types", Value::Null);
        put("id", json!(pi.id));
        put(
            "last_payment_error",
            pi.last_payment_error
                .as_ref()
                .map(|decline| self.render_decline(decline))
                .unwrap_or(Value::Null),
        );
        put("latest_charge", latest_charge);
        put("livemode", json!(false));
        put("managed_payments", json!({ "enabled": false }));
        put("metadata", Value::Object(pi.metadata.clone()));
        put("next_action", Value::Null);
        put("object", json!("payment_intent"));
        put("on_behalf_of", Value::Null);
        put("payment_method", payment_method);
        put("payment_method_configuration_details", Value::Null);
        put("payment_method_options", render_payment_method_options(pi));
        put("payment_method_types", json!(pi.payment_method_types));
        put("processing", Value::Null);
        put("receipt_email", json!(pi.receipt_email));
        put("review", Value::Null);
        put("setup_future_usage", Value::Null);
        put("shipping", Value::Null);
        put("source", Value::Null);
        put("statement_descriptor", Value::Null);
        put("statement_descriptor_suffix", Value::Null);
        put("status", json!(pi.status.as_str()));
        put("transfer_data", Value::Null);
        put("transfer_group", Value::Null);
        Value::Object(object)
    }

    /// `last_payment_error`, shaped like the card error Stripe returns for the decline.
    fn render_decline(&self, decline: &Decline) -> Value {
        let mut error = json!({
            "charge": decline.charge,
            "code": "card_declined",
            "decline_code": decline.decline_code,
            "doc_url": super::error::doc_url("card_declined"),
            "message": decline.message,
            "type": "card_error",
        });
        if let Some(method) = self.payment_methods.get(&decline.payment_method) {
            error["payment_method"] = render_payment_method(method);
        }
        error
    }

    pub fn render_charge(&self, charge: &Charge, options: &RenderOptions) -> Value {
        let payment_intent = match self.payment_intents.get(&charge.payment_intent) {
            Some(pi) if options.expands("payment_intent") => {
                self.render_payment_intent(pi, &options.nested())
            }
            _ => json!(charge.payment_intent),
        };
        let refunds: Vec<Value> = charge
            .refunds
            .iter()
            .filter_map(|id| self.refunds.get(id))
            .map(|refund| self.render_refund(refund, &RenderOptions::default()))
            .collect();
        let outcome = match charge.decline {
            None => json!({
                "advice_code": null,
                "network_advice_code": null,
                "network_decline_code": null,
                "network_status": "approved_by_network",
                "reason": null,
                "risk_level": "normal",
                "risk_score": 12,
                "seller_message": "Payment complete.",
                "type": "authorized",
            }),
            Some((decline_code, _)) => json!({
                "advice_code": null,
                "network_advice_code": null,
                "network_decline_code": null,
                "network_status": "declined_by_network",
                "reason": decline_code,
                "risk_level": "normal",
                "risk_score": 12,
                "seller_message": "The card issuer declined this payment.",
                "type": "issuer_declined",
            }),
        };
        let statement_descriptor: String = self
            .config
            .account_name
            .to_uppercase()
            .chars()
            .take(22)
            .collect();
        // Two halves: one `json!` this long exceeds the macro's default recursion limit.
        let mut object = json!({
            "amount": charge.amount,
            "amount_captured": charge.amount_captured,
            "amount_refunded": charge.amount_refunded,
            "application": null,
            "application_fee": null,
            "application_fee_amount": null,
            "balance_transaction": charge.balance_transaction,
            "billing_details": empty_billing_details(),
            "calculated_statement_descriptor": statement_descriptor,
            "captured": charge.captured,
            "created": charge.created,
            "currency": charge.currency,
            "customer": null,
            "description": charge.description,
            "disputed": false,
            "failure_balance_transaction": null,
            "failure_code": charge.decline.map(|_| "card_declined"),
            "failure_message": charge.decline.map(|(_, message)| message),
            "fraud_details": {},
            "id": charge.id,
            "livemode": false,
            "metadata": charge.metadata,
        });
        let rest = json!({
            "object": "charge",
            "on_behalf_of": null,
            "outcome": outcome,
            "paid": charge.paid,
            "payment_intent": payment_intent,
            "payment_method": charge.payment_method,
            "payment_method_details": render_payment_method_details(charge),
            "receipt_email": charge.receipt_email,
            "receipt_number": null,
            "receipt_url": format!("https://pay.stripe.com/receipts/payment/{}", charge.id),
            "refunded": charge.is_fully_refunded(),
            "refunds": {
                "data": refunds,
                "has_more": false,
                "object": "list",
                "total_count": charge.refunds.len(),
                "url": format!("/v1/charges/{}/refunds", charge.id),
            },
            "review": null,
            "shipping": null,
            "source": null,
            "source_transfer": null,
            "statement_descriptor": null,
            "statement_descriptor_suffix": null,
            "status": if charge.decline.is_some() { "failed" } else { "succeeded" },
            "transfer_data": null,
            "transfer_group": null,
        });
        if let (Value::Object(first), Value::Object(second)) = (&mut object, rest) {
            first.extend(second);
        }
        object
    }

    pub fn render_refund(&self, refund: &Refund, options: &RenderOptions) -> Value {
        let charge = match self.charges.get(&refund.charge) {
            Some(charge) if options.expands("charge") => {
                self.render_charge(charge, &options.nested())
            }
            _ => json!(refund.charge),
        };
        let payment_intent = match self.payment_intents.get(&refund.payment_intent) {
            Some(pi) if options.expands("payment_intent") => {
                self.render_payment_intent(pi, &options.nested())
            }
            _ => json!(refund.payment_intent),
        };
        let payment_method = self
            .charges
            .get(&refund.charge)
            .map(|charge| json!(charge.payment_method))
            .unwrap_or(Value::Null);
        json!({
            "amount": refund.amount,
            "balance_transaction": refund.balance_transaction,
            "charge": charge,
            "created": refund.created,
            "currency": refund.currency,
            "customer": null,
            "customer_account": null,
            "destination_details": { "card": { "type": "refund" }, "type": "card" },
            "id": refund.id,
            "metadata": refund.metadata,
            "object": "refund",
            "payment_intent": payment_intent,
            "payment_method": payment_method,
            "reason": refund.reason,
            "receipt_number": null,
            "source_transfer_reversal": null,
            "status": "succeeded",
            "transfer_reversal": null,
        })
    }

    pub fn render_reader(&self, reader: &Reader, options: &RenderOptions) -> Value {
        let location = match &reader.location {
            Some(id) if options.expands("location") => self
                .location(id)
                .map(render_location)
                .unwrap_or(Value::Null),
            Some(id) => json!(id),
            None => Value::Null,
        };
        let action = reader.action.as_ref().map(|action| {
            let mut process = json!({ "payment_intent": action.payment_intent });
            if let Some(config) = &action.process_config {
                process["process_config"] = config.clone();
            }
            json!({
                "api_error": null,
                "failure_code": action.failure_code,
                "failure_message": action.failure_message,
                "process_payment_intent": process,
                "status": action.status.as_str(),
                "type": "process_payment_intent",
            })
        });
        json!({
            "action": action,
            "device_sw_version": "2.37.2.0",
            "device_type": reader.device_type,
            "id": reader.id,
            "ip_address": reader.ip_address,
            "label": reader.label,
            "last_seen_at": reader.last_seen_at_ms,
            "livemode": false,
            "location": location,
            "metadata": reader.metadata,
            "object": "terminal.reader",
            "serial_number": reader.serial_number,
            "status": "online",
        })
    }

    pub fn render_account(&self) -> Value {
        let name = &self.config.account_name;
        json!({
            "business_profile": {
                "mcc": ACCOUNT_MCC,
                "name": name,
                "product_description": null,
                "support_address": null,
                "support_email": null,
                "support_phone": null,
                "support_url": null,
                "url": null,
            },
            "business_type": "company",
            "capabilities": { "card_payments": "active", "transfers": "active" },
            "charges_enabled": true,
            "country": ACCOUNT_COUNTRY,
            "created": self.account_created,
            "default_currency": "usd",
            "details_submitted": true,
            "email": "demo@example.com",
            "id": self.account_id,
            "metadata": {},
            "object": "account",
            "payouts_enabled": true,
            "settings": {
                "branding": { "icon": null, "logo": null, "primary_color": null, "secondary_color": null },
                "card_payments": {
                    "decline_on": { "avs_failure": false, "cvc_failure": false },
                    "statement_descriptor_prefix": null,
                    "statement_descriptor_prefix_kana": null,
                    "statement_descriptor_prefix_kanji": null,
                },
                "dashboard": { "display_name": name, "timezone": "Etc/UTC" },
                "payments": {
                    "statement_descriptor": name.to_uppercase().chars().take(22).collect::<String>(),
                    "statement_descriptor_kana": null,
                    "statement_descriptor_kanji": null,
                },
            },
            "type": "standard",
        })
    }
}

pub(crate) fn render_location(location: &Location) -> Value {
    let address = &location.address;
    let mut object = json!({
        "address": {
            "city": address.city,
            "country": address.country,
            "line1": address.line1,
            "line2": address.line2,
            "postal_code": address.postal_code,
            "state": address.state,
        },
        "display_name": location.display_name,
        "id": location.id,
        "livemode": false,
        "metadata": location.metadata,
        "object": "terminal.location",
    });
    if let Some(overrides) = &location.configuration_overrides {
        object["configuration_overrides"] = json!(overrides);
    }
    object
}

fn empty_billing_details() -> Value {
    json!({
        "address": {
            "city": null,
            "country": null,
            "line1": null,
            "line2": null,
            "postal_code": null,
            "state": null,
        },
        "email": null,
        "name": null,
        "phone": null,
        "tax_id": null,
    })
}

fn render_payment_method_options(pi: &PaymentIntent) -> Value {
    let mut options = Map::new();
    for method_type in &pi.payment_method_types {
        let value = match method_type.as_str() {
            "card" => json!({
                "installments": null,
                "mandate_options": null,
                "network": null,
                "request_three_d_secure": "automatic",
            }),
            "card_present" => {
                let mut card_present = json!({
                    "request_extended_authorization": pi.request_extended_authorization.unwrap_or(false),
                    "request_incremental_authorization_support": pi.request_incremental_authorization_support.unwrap_or(false),
                });
                if let Some(capture_method) = &pi.card_present_capture_method {
                    card_present["capture_method"] = json!(capture_method);
                }
                card_present
            }
            _ => json!({}),
        };
        options.insert(method_type.clone(), value);
    }
    Value::Object(options)
}

/// The receipt fields a card-present charge carries; declined charges have no authorization code.
fn render_receipt(card: &PresentedCard, approved: bool) -> Value {
    let (application_name, file_name, account_type) = match card.brand {
        "mastercard" => ("Mastercard", "A0000000041010", "credit"),
        "amex" => ("American Express", "A00000002501", "credit"),
        "discover" => ("Discover", "A0000001523010", "credit"),
        "interac" => ("Interac", "A0000002771010", "checking"),
        _ => ("Visa Credit", "A0000000031010", "credit"),
    };
    json!({
        "account_type": account_type,
        "application_cryptogram": "5F3A9C1E8B7D2046",
        "application_preferred_name": application_name,
        "authorization_code": if approved { Some("123456") } else { None },
        "authorization_response_code": if approved { "3030" } else { "3035" },
        "cardholder_verification_method": "approval",
        "dedicated_file_name": file_name,
        "terminal_verification_results": "0000000000",
        "transaction_status_information": "0000",
    })
}

fn render_payment_method_details(charge: &Charge) -> Value {
    let card = &charge.card;
    let approved = charge.decline.is_none();
    let mut details = json!({
        "amount_authorized": if approved { Some(charge.amount_authorized) } else { None },
        "brand": card.brand,
        "cardholder_name": null,
        "country": card.country,
        "emv_auth_data": "8A023030",
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
        "fingerprint": card.fingerprint,
        "funding": card.funding,
        "generated_card": null,
        "incremental_authorization_supported": charge.incremental_authorization_supported,
        "last4": card.last4,
        "network": card.brand,
        "offline": null,
        "overcapture_supported": charge.overcapture_supported,
        "read_method": "contact_emv",
        "receipt": render_receipt(card, approved),
    });
    if card.method_type == "interac_present" {
        let object = details.as_object_mut().expect("built as an object");
        for key in [
            "amount_authorized",
            "incremental_authorization_supported",
            "offline",
            "overcapture_supported",
        ] {
            object.remove(key);
        }
        object.insert("preferred_locales".into(), json!(["en", "fr"]));
    } else if let Some(capture_before) = charge.capture_before {
        details["capture_before"] = json!(capture_before);
    }
    json!({ card.method_type: details, "type": card.method_type })
}

pub(crate) fn render_payment_method(method: &PaymentMethod) -> Value {
    let card = &method.card;
    let mut details = json!({
        "brand": card.brand,
        "cardholder_name": null,
        "country": card.country,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
        "fingerprint": card.fingerprint,
        "funding": card.funding,
        "last4": card.last4,
        "networks": { "available": [card.brand], "preferred": null },
        "read_method": "contact_emv",
    });
    if card.method_type == "interac_present" {
        details["preferred_locales"] = json!(["en", "fr"]);
    }
    let mut billing_details = empty_billing_details();
    billing_details
        .as_object_mut()
        .expect("built as an object")
        .remove("tax_id");
    json!({
        "billing_details": billing_details,
        card.method_type: details,
        "created": method.created,
        "customer": null,
        "id": method.id,
        "livemode": false,
        "metadata": {},
        "object": "payment_method",
        "type": card.method_type,
    })
}
