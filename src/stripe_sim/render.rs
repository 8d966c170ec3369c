//! How the simulator's records render as Stripe JSON.
//!
//! Everything a Stripe object carries beyond what the records hold is filled in here with the
//! values Stripe sends for an in-person test-mode payment. Key order and key set follow the
//! example objects in Stripe's fixtures (`fixtures-terminal.json`), so clients written against
//! real responses see the same shape.

use serde_json::{json, Map, Value};

use super::state::{
    Charge, Decline, Location, PaymentIntent, PaymentMethod, PresentedCard, Reader, Refund, State,
    ACCOUNT_COUNTRY, ACCOUNT_MCC,
};

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
