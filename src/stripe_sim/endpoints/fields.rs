//! The parameters each endpoint accepts (spec/stripe-terminal.md §2) and what each object can
//! expand.

use super::*;

pub(super) const CAPTURE_METHODS: &[&str] = &["automatic", "automatic_async", "manual"];
pub(super) const PAYMENT_METHOD_TYPES: &[&str] = &["card", "card_present", "interac_present"];
pub(super) const CANCELLATION_REASONS: &[&str] = &[
    "abandoned",
    "duplicate",
    "fraudulent",
    "requested_by_customer",
];
pub(super) const REFUND_REASONS: &[&str] = &["duplicate", "fraudulent", "requested_by_customer"];
/// Statuses from which a PaymentIntent can be canceled.
pub(super) const CANCELABLE: &[PiStatus] = &[
    PiStatus::RequiresPaymentMethod,
    PiStatus::RequiresCapture,
    PiStatus::RequiresConfirmation,
    PiStatus::RequiresAction,
    PiStatus::Processing,
];
/// Statuses in which amount, currency and payment method settings can still change.
pub(super) const UPDATABLE: &[PiStatus] = &[
    PiStatus::RequiresPaymentMethod,
    PiStatus::RequiresConfirmation,
    PiStatus::RequiresAction,
];

pub(super) const AMOUNT: Ty = Ty::at_least(1);
pub(super) const LIMIT: Field = Field::opt("limit", Ty::Int { min: 1, max: 100 });
pub(super) const STARTING_AFTER: Field = Field::opt("starting_after", Ty::Str);
pub(super) const ENDING_BEFORE: Field = Field::opt("ending_before", Ty::Str);

pub(super) const CARD_PRESENT_OPTIONS: &[Field] = &[
    Field::opt("capture_method", Ty::Enum(&["manual", "manual_preferred"])),
    Field::opt("request_extended_authorization", Ty::Bool),
    Field::opt("request_incremental_authorization_support", Ty::Bool),
];
pub(super) const PAYMENT_METHOD_OPTIONS: &[Field] = &[
    Field::opt("card_present", Ty::Hash(CARD_PRESENT_OPTIONS)),
    Field::opt("interac_present", Ty::Hash(&[])),
];
pub(super) const CREATE_PAYMENT_INTENT: &[Field] = &[
    Field::req("amount", AMOUNT),
    Field::req("currency", Ty::Str),
    Field::opt("payment_method_types", Ty::StrList),
    Field::opt("capture_method", Ty::Enum(CAPTURE_METHODS)),
    Field::opt("payment_method_options", Ty::Hash(PAYMENT_METHOD_OPTIONS)),
    Field::opt("description", Ty::Str),
    Field::opt("receipt_email", Ty::Str),
    METADATA,
    EXPAND,
];
pub(super) const UPDATE_PAYMENT_INTENT: &[Field] = &[
    Field::opt("amount", AMOUNT),
    Field::opt("currency", Ty::Str),
    Field::opt("payment_method_types", Ty::StrList),
    Field::opt("capture_method", Ty::Enum(CAPTURE_METHODS)),
    Field::opt("payment_method_options", Ty::Hash(PAYMENT_METHOD_OPTIONS)),
    Field::opt("description", Ty::Str),
    Field::opt("receipt_email", Ty::Str),
    METADATA,
    EXPAND,
];
pub(super) const RETRIEVE_PAYMENT_INTENT: &[Field] =
    &[Field::opt("client_secret", Ty::Str), EXPAND];
pub(super) const CAPTURE_PAYMENT_INTENT: &[Field] = &[
    Field::opt("amount_to_capture", AMOUNT),
    Field::opt("final_capture", Ty::Bool),
    METADATA,
    EXPAND,
];
pub(super) const CANCEL_PAYMENT_INTENT: &[Field] = &[
    Field::opt("cancellation_reason", Ty::Enum(CANCELLATION_REASONS)),
    EXPAND,
];
pub(super) const CREATE_REFUND: &[Field] = &[
    Field::opt("payment_intent", Ty::Str),
    Field::opt("charge", Ty::Str),
    Field::opt("amount", AMOUNT),
    Field::opt("reason", Ty::Enum(REFUND_REASONS)),
    METADATA,
    EXPAND,
];
pub(super) const ONLY_EXPAND: &[Field] = &[EXPAND];
pub(super) const CREATE_CONNECTION_TOKEN: &[Field] = &[Field::opt("location", Ty::Str), EXPAND];
pub(super) const LIST_READERS: &[Field] = &[
    Field::opt("device_type", Ty::Str),
    Field::opt("location", Ty::Str),
    Field::opt("serial_number", Ty::Str),
    Field::opt("status", Ty::Enum(&["offline", "online"])),
    LIMIT,
    STARTING_AFTER,
    ENDING_BEFORE,
    EXPAND,
];
pub(super) const CREATE_READER: &[Field] = &[
    Field::req("registration_code", Ty::Str),
    Field::opt("label", Ty::Str),
    // Stripe requires a reader to be registered to a location.
    Field::req("location", Ty::Str),
    METADATA,
    EXPAND,
];
pub(super) const TIPPING_CONFIG: &[Field] = &[Field::opt("amount_eligible", Ty::at_least(0))];
pub(super) const PROCESS_CONFIG: &[Field] = &[
    Field::opt("skip_tipping", Ty::Bool),
    Field::opt("tipping", Ty::Hash(TIPPING_CONFIG)),
    Field::opt("enable_customer_cancellation", Ty::Bool),
];
pub(super) const PROCESS_PAYMENT_INTENT: &[Field] = &[
    Field::req("payment_intent", Ty::Str),
    Field::opt("process_config", Ty::Hash(PROCESS_CONFIG)),
    EXPAND,
];
pub(super) const CARD_NUMBER: &[Field] = &[Field::opt("number", Ty::Str)];
pub(super) const PRESENT_PAYMENT_METHOD: &[Field] = &[
    Field::opt("type", Ty::Enum(&["card_present", "interac_present"])),
    Field::opt("card_present", Ty::Hash(CARD_NUMBER)),
    Field::opt("interac_present", Ty::Hash(CARD_NUMBER)),
    Field::opt("amount_tip", Ty::at_least(0)),
    EXPAND,
];
pub(super) const ADDRESS: &[Field] = &[
    Field::opt("line1", Ty::Str),
    Field::opt("line2", Ty::Str),
    Field::opt("city", Ty::Str),
    Field::opt("state", Ty::Str),
    Field::opt("postal_code", Ty::Str),
    Field::req("country", Ty::Str),
];
pub(super) const CREATE_LOCATION: &[Field] = &[
    Field::req("display_name", Ty::Str),
    Field::req("address", Ty::Hash(ADDRESS)),
    Field::opt("configuration_overrides", Ty::Str),
    METADATA,
    EXPAND,
];
pub(super) const LIST_LOCATIONS: &[Field] = &[LIMIT, STARTING_AFTER, ENDING_BEFORE, EXPAND];

/// Expandable fields of each object.
pub(super) const PAYMENT_INTENT_EXPANDABLE: &[&str] = &["latest_charge", "payment_method"];
pub(super) const CHARGE_EXPANDABLE: &[&str] = &["payment_intent"];
pub(super) const REFUND_EXPANDABLE: &[&str] = &["charge", "payment_intent"];
pub(super) const READER_EXPANDABLE: &[&str] = &["location"];
