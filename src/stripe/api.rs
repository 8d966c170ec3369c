//! Typed helpers for the Stripe endpoints the server calls. Each returns the
//! response body as is; ids are percent-encoded into the path.

use super::client::{quote_path_segment, StripeClient, StripeError};
use super::secret::SecretKey;

type Params = Vec<(String, String)>;

fn pair(k: impl Into<String>, v: impl Into<String>) -> (String, String) {
    (k.into(), v.into())
}

/// Parameters of `POST /v1/payment_intents`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreatePaymentIntent {
    pub currency: String,
    /// In minor units.
    pub amount: i64,
    pub payment_method_types: Vec<String>,
    /// `automatic`, `automatic_async` or `manual`; omitted when empty.
    pub capture_method: String,
    /// `payment_method_options[card_present][capture_method]` (`manual_preferred`).
    pub card_present_capture_method: Option<String>,
    /// Sent as `metadata[key]=value`, in order.
    pub metadata: Vec<(String, String)>,
    pub description: Option<String>,
}

impl CreatePaymentIntent {
    /// Form params in the order Odoo sends them: `currency`, `amount`,
    /// `payment_method_types[]` (one per type), `capture_method`,
    /// `payment_method_options[card_present][capture_method]`, then
    /// `metadata[...]` and `description`.
    pub fn to_params(&self) -> Params {
        let mut p = vec![
            pair("currency", &self.currency),
            pair("amount", self.amount.to_string()),
        ];
        for t in &self.payment_method_types {
            p.push(pair("payment_method_types[]", t));
        }
        if !self.capture_method.is_empty() {
            p.push(pair("capture_method", &self.capture_method));
        }
        if let Some(m) = &self.card_present_capture_method {
            p.push(pair(
                "payment_method_options[card_present][capture_method]",
                m,
            ));
        }
        for (k, v) in &self.metadata {
            p.push(pair(format!("metadata[{k}]"), v));
        }
        if let Some(d) = &self.description {
            p.push(pair("description", d));
        }
        p
    }
}

/// What `POST /v1/refunds` refunds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundTarget {
    PaymentIntent(String),
    Charge(String),
}

impl RefundTarget {
    /// Odoo's rule: an id starting with `pi` is a PaymentIntent, anything else a Charge.
    pub fn from_id(id: &str) -> RefundTarget {
        if id.starts_with("pi") {
            RefundTarget::PaymentIntent(id.to_string())
        } else {
            RefundTarget::Charge(id.to_string())
        }
    }
}

/// Params of `POST /v1/payment_intents/{id}/capture`: empty when `None`.
pub fn capture_params(amount_to_capture: Option<i64>) -> Params {
    amount_to_capture
        .map(|a| pair("amount_to_capture", a.to_string()))
        .into_iter()
        .collect()
}

/// Params of `POST /v1/payment_intents/{id}/cancel`.
pub fn cancel_params(reason: Option<&str>) -> Params {
    reason
        .map(|r| pair("cancellation_reason", r))
        .into_iter()
        .collect()
}

/// Params of `POST /v1/refunds`.
pub fn refund_params(target: &RefundTarget, amount: Option<i64>) -> Params {
    let mut p = vec![match target {
        RefundTarget::PaymentIntent(id) => pair("payment_intent", id),
        RefundTarget::Charge(id) => pair("charge", id),
    }];
    if let Some(a) = amount {
        p.push(pair("amount", a.to_string()));
    }
    p
}

/// Params of `POST /v1/terminal/readers`.
pub fn register_reader_params(
    registration_code: &str,
    label: Option<&str>,
    location: Option<&str>,
) -> Params {
    let mut p = vec![pair("registration_code", registration_code)];
    if let Some(l) = label {
        p.push(pair("label", l));
    }
    if let Some(l) = location {
        p.push(pair("location", l));
    }
    p
}

/// Params of `POST /v1/terminal/locations`: `display_name`, then `address[k]=v` in order.
pub fn create_location_params(display_name: &str, address: &[(String, String)]) -> Params {
    let mut p = vec![pair("display_name", display_name)];
    for (k, v) in address {
        p.push(pair(format!("address[{k}]"), v));
    }
    p
}

/// One request the server sends to Stripe, as a value: a POS call builds it inside
/// its transaction and the RPC layer sends it once the transaction has committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StripeRequest {
    /// `POST /v1/terminal/connection_tokens`.
    ConnectionToken,
    /// `POST /v1/payment_intents`.
    CreatePaymentIntent(CreatePaymentIntent),
    /// `GET /v1/payment_intents/{id}`.
    RetrievePaymentIntent { id: String },
    /// `POST /v1/payment_intents/{id}/capture`.
    CapturePaymentIntent {
        id: String,
        amount_to_capture: Option<i64>,
    },
    /// `POST /v1/payment_intents/{id}/cancel`.
    CancelPaymentIntent { id: String, reason: Option<String> },
    /// `POST /v1/refunds`.
    CreateRefund {
        target: RefundTarget,
        amount: Option<i64>,
    },
    /// `GET /v1/terminal/readers` with filters.
    ListReaders { query: Vec<(String, String)> },
    /// `POST /v1/terminal/readers`.
    RegisterReader {
        registration_code: String,
        label: Option<String>,
        location: Option<String>,
    },
    /// `GET /v1/terminal/locations`.
    ListLocations,
    /// `POST /v1/terminal/locations`.
    CreateLocation {
        display_name: String,
        address: Vec<(String, String)>,
    },
    /// `GET /v1/account`.
    RetrieveAccount,
}

impl StripeClient {
    /// Sends `request` with `key`; Stripe's answer as it came.
    pub async fn send(
        &self,
        key: &SecretKey,
        request: &StripeRequest,
    ) -> Result<serde_json::Value, StripeError> {
        match request {
            StripeRequest::ConnectionToken => self.connection_token(key).await,
            StripeRequest::CreatePaymentIntent(req) => self.create_payment_intent(key, req).await,
            StripeRequest::RetrievePaymentIntent { id } => {
                self.retrieve_payment_intent(key, id).await
            }
            StripeRequest::CapturePaymentIntent {
                id,
                amount_to_capture,
            } => {
                self.capture_payment_intent(key, id, *amount_to_capture)
                    .await
            }
            StripeRequest::CancelPaymentIntent { id, reason } => {
                self.cancel_payment_intent(key, id, reason.as_deref()).await
            }
            StripeRequest::CreateRefund { target, amount } => {
                self.create_refund(key, target.clone(), *amount).await
            }
            StripeRequest::ListReaders { query } => self.list_readers(key, query).await,
            StripeRequest::RegisterReader {
                registration_code,
                label,
                location,
            } => {
                self.register_reader(
                    key,
                    registration_code,
                    label.as_deref(),
                    location.as_deref(),
                )
                .await
            }
            StripeRequest::ListLocations => self.list_locations(key, &[]).await,
            StripeRequest::CreateLocation {
                display_name,
                address,
            } => self.create_location(key, display_name, address).await,
            StripeRequest::RetrieveAccount => self.retrieve_account(key).await,
        }
    }

    /// `POST /v1/terminal/connection_tokens` with no body.
    pub async fn connection_token(
        &self,
        key: &SecretKey,
    ) -> Result<serde_json::Value, StripeError> {
        self.connection_token_for_location(key, None).await
    }

    /// `POST /v1/terminal/connection_tokens`, optionally scoped to a location.
    pub async fn connection_token_for_location(
        &self,
        key: &SecretKey,
        location: Option<&str>,
    ) -> Result<serde_json::Value, StripeError> {
        let params: Params = location.map(|l| pair("location", l)).into_iter().collect();
        Ok(self
            .post(key, "/v1/terminal/connection_tokens", &params)
            .await?
            .body)
    }

    /// `POST /v1/payment_intents` (fresh idempotency key).
    pub async fn create_payment_intent(
        &self,
        key: &SecretKey,
        req: &CreatePaymentIntent,
    ) -> Result<serde_json::Value, StripeError> {
        Ok(self
            .post(key, "/v1/payment_intents", &req.to_params())
            .await?
            .body)
    }

    /// `POST /v1/payment_intents` with a caller-chosen idempotency key.
    pub async fn create_payment_intent_with_idempotency_key(
        &self,
        key: &SecretKey,
        req: &CreatePaymentIntent,
        idempotency_key: &str,
    ) -> Result<serde_json::Value, StripeError> {
        Ok(self
            .post_with_idempotency_key(
                key,
                "/v1/payment_intents",
                &req.to_params(),
                idempotency_key,
            )
            .await?
            .body)
    }

    /// `GET /v1/payment_intents/{id}`.
    pub async fn retrieve_payment_intent(
        &self,
        key: &SecretKey,
        id: &str,
    ) -> Result<serde_json::Value, StripeError> {
        let path = format!("/v1/payment_intents/{}", quote_path_segment(id));
        Ok(self.get(key, &path, &[]).await?.body)
    }

    /// `POST /v1/payment_intents/{id}/capture`; no body when `amount_to_capture` is `None`.
    pub async fn capture_payment_intent(
        &self,
        key: &SecretKey,
        id: &str,
        amount_to_capture: Option<i64>,
    ) -> Result<serde_json::Value, StripeError> {
        let path = format!("/v1/payment_intents/{}/capture", quote_path_segment(id));
        Ok(self
            .post(key, &path, &capture_params(amount_to_capture))
            .await?
            .body)
    }

    /// `POST /v1/payment_intents/{id}/cancel` with an optional `cancellation_reason`.
    pub async fn cancel_payment_intent(
        &self,
        key: &SecretKey,
        id: &str,
        reason: Option<&str>,
    ) -> Result<serde_json::Value, StripeError> {
        let path = format!("/v1/payment_intents/{}/cancel", quote_path_segment(id));
        Ok(self.post(key, &path, &cancel_params(reason)).await?.body)
    }

    /// `POST /v1/refunds` for a PaymentIntent or a Charge; `amount` in minor units.
    pub async fn create_refund(
        &self,
        key: &SecretKey,
        target: RefundTarget,
        amount: Option<i64>,
    ) -> Result<serde_json::Value, StripeError> {
        Ok(self
            .post(key, "/v1/refunds", &refund_params(&target, amount))
            .await?
            .body)
    }

    /// `GET /v1/terminal/readers` with filters (`serial_number`, `location`, `limit`, ...).
    pub async fn list_readers(
        &self,
        key: &SecretKey,
        query: &[(String, String)],
    ) -> Result<serde_json::Value, StripeError> {
        Ok(self.get(key, "/v1/terminal/readers", query).await?.body)
    }

    /// `POST /v1/terminal/readers`.
    pub async fn register_reader(
        &self,
        key: &SecretKey,
        registration_code: &str,
        label: Option<&str>,
        location: Option<&str>,
    ) -> Result<serde_json::Value, StripeError> {
        let params = register_reader_params(registration_code, label, location);
        Ok(self.post(key, "/v1/terminal/readers", &params).await?.body)
    }

    /// `GET /v1/terminal/locations` with optional query (`limit`, `starting_after`).
    pub async fn list_locations(
        &self,
        key: &SecretKey,
        query: &[(String, String)],
    ) -> Result<serde_json::Value, StripeError> {
        Ok(self.get(key, "/v1/terminal/locations", query).await?.body)
    }

    /// `POST /v1/terminal/locations`; `address` pairs like `("line1", ..)`,
    /// `("city", ..)`, `("state", ..)`, `("postal_code", ..)`, `("country", ..)`.
    pub async fn create_location(
        &self,
        key: &SecretKey,
        display_name: &str,
        address: &[(String, String)],
    ) -> Result<serde_json::Value, StripeError> {
        let params = create_location_params(display_name, address);
        Ok(self
            .post(key, "/v1/terminal/locations", &params)
            .await?
            .body)
    }

    /// `GET /v1/account`.
    pub async fn retrieve_account(
        &self,
        key: &SecretKey,
    ) -> Result<serde_json::Value, StripeError> {
        Ok(self.get(key, "/v1/account", &[]).await?.body)
    }

    /// `POST /v1/terminal/readers/{reader}/process_payment_intent`.
    pub async fn process_payment_intent(
        &self,
        key: &SecretKey,
        reader_id: &str,
        payment_intent_id: &str,
    ) -> Result<serde_json::Value, StripeError> {
        let path = format!(
            "/v1/terminal/readers/{}/process_payment_intent",
            quote_path_segment(reader_id)
        );
        let params = vec![pair("payment_intent", payment_intent_id)];
        Ok(self.post(key, &path, &params).await?.body)
    }

    /// `POST /v1/terminal/readers/{reader}/cancel_action`.
    pub async fn cancel_reader_action(
        &self,
        key: &SecretKey,
        reader_id: &str,
    ) -> Result<serde_json::Value, StripeError> {
        let path = format!(
            "/v1/terminal/readers/{}/cancel_action",
            quote_path_segment(reader_id)
        );
        Ok(self.post(key, &path, &[]).await?.body)
    }

    /// Test mode: `POST /v1/test_helpers/terminal/readers/{reader}/present_payment_method`
    /// with raw params (`type`, `card_present[number]`, `amount_tip`, ...).
    pub async fn present_payment_method(
        &self,
        key: &SecretKey,
        reader_id: &str,
        params: &[(String, String)],
    ) -> Result<serde_json::Value, StripeError> {
        let path = format!(
            "/v1/test_helpers/terminal/readers/{}/present_payment_method",
            quote_path_segment(reader_id)
        );
        Ok(self.post(key, &path, params).await?.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(p: &Params) -> Vec<&str> {
        p.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn payment_intent_param_order() {
        let req = CreatePaymentIntent {
            currency: "cad".into(),
            amount: 1250,
            payment_method_types: vec!["card_present".into(), "interac_present".into()],
            capture_method: "manual".into(),
            card_present_capture_method: Some("manual_preferred".into()),
            metadata: vec![("pos_order".into(), "42".into()), ("b".into(), "x".into())],
            description: Some("Order 42".into()),
        };
        let p = req.to_params();
        assert_eq!(
            keys(&p),
            [
                "currency",
                "amount",
                "payment_method_types[]",
                "payment_method_types[]",
                "capture_method",
                "payment_method_options[card_present][capture_method]",
                "metadata[pos_order]",
                "metadata[b]",
                "description",
            ]
        );
        let values: Vec<&str> = p.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            values,
            [
                "cad",
                "1250",
                "card_present",
                "interac_present",
                "manual",
                "manual_preferred",
                "42",
                "x",
                "Order 42"
            ]
        );
    }

    #[test]
    fn payment_intent_odoo_minimal() {
        let req = CreatePaymentIntent {
            currency: "usd".into(),
            amount: 1250,
            payment_method_types: vec!["card_present".into()],
            capture_method: "manual".into(),
            ..Default::default()
        };
        assert_eq!(
            super::super::client::encode_form(&req.to_params()),
            "currency=usd&amount=1250&payment_method_types%5B%5D=card_present&capture_method=manual"
        );
        let empty = CreatePaymentIntent::default();
        assert_eq!(keys(&empty.to_params()), ["currency", "amount"]);
    }

    #[test]
    fn small_param_builders() {
        assert!(capture_params(None).is_empty());
        assert_eq!(
            capture_params(Some(500)),
            vec![pair("amount_to_capture", "500")]
        );
        assert!(cancel_params(None).is_empty());
        assert_eq!(
            cancel_params(Some("abandoned")),
            vec![pair("cancellation_reason", "abandoned")]
        );
        assert_eq!(
            refund_params(&RefundTarget::PaymentIntent("pi_1".into()), Some(100)),
            vec![pair("payment_intent", "pi_1"), pair("amount", "100")]
        );
        assert_eq!(
            refund_params(&RefundTarget::Charge("ch_1".into()), None),
            vec![pair("charge", "ch_1")]
        );
        assert_eq!(
            RefundTarget::from_id("pi_123"),
            RefundTarget::PaymentIntent("pi_123".into())
        );
        assert_eq!(
            RefundTarget::from_id("ch_123"),
            RefundTarget::Charge("ch_123".into())
        );
        assert_eq!(
            register_reader_params("simulated-wpe", Some("Front"), Some("tml_1")),
            vec![
                pair("registration_code", "simulated-wpe"),
                pair("label", "Front"),
                pair("location", "tml_1")
            ]
        );
        assert_eq!(
            register_reader_params("simulated-wpe", None, None),
            vec![pair("registration_code", "simulated-wpe")]
        );
        let addr = vec![pair("line1", "1 Main St"), pair("country", "US")];
        assert_eq!(
            create_location_params("Shop", &addr),
            vec![
                pair("display_name", "Shop"),
                pair("address[line1]", "1 Main St"),
                pair("address[country]", "US")
            ]
        );
    }
}
