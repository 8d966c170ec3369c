//! Stripe-shaped API errors.
//!
//! Every error the simulator returns goes through [`ApiError`], which renders the `{"error": {...}}`
//! envelope the way Stripe does: absent fields are left out rather than sent as `null`, because the
//! `api_errors` schema declares them as non-nullable strings.

use serde_json::{json, Map, Value};

/// One error response: HTTP status plus the fields of Stripe's `error` object.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: u16,
    /// Stripe's `type`: `invalid_request_error`, `card_error`, `api_error` or `idempotency_error`.
    pub error_type: &'static str,
    pub code: Option<&'static str>,
    pub param: Option<String>,
    pub message: String,
    /// The PaymentIntent, already rendered, for errors about a PaymentIntent's state (boxed to
    /// keep `Result<_, ApiError>` small).
    pub payment_intent: Option<Box<Value>>,
    /// True for errors found while checking the request's parameters. Stripe stores no idempotent
    /// result for those, since the endpoint never started executing.
    pub is_validation: bool,
}

impl ApiError {
    /// A 400 `invalid_request_error` with the given message.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 400,
            error_type: "invalid_request_error",
            code: None,
            param: None,
            message: message.into(),
            payment_intent: None,
            is_validation: false,
        }
    }

    /// A 400 raised while validating parameters (never stored for idempotent replay).
    pub fn invalid_param(
        code: Option<&'static str>,
        param: impl Into<String>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            code,
            param: Some(param.into()),
            is_validation: true,
            ..ApiError::invalid(message)
        }
    }

    /// The 404 returned when an id names no object: `No such payment_intent: 'pi_x'`.
    pub fn resource_missing(kind: &str, id: &str, param: &str) -> ApiError {
        ApiError {
            status: 404,
            code: Some("resource_missing"),
            param: Some(param.to_string()),
            ..ApiError::invalid(format!("No such {kind}: '{id}'"))
        }
    }

    pub fn with_status(mut self, status: u16) -> ApiError {
        self.status = status;
        self
    }

    pub fn with_code(mut self, code: &'static str) -> ApiError {
        self.code = Some(code);
        self
    }

    pub fn with_param(mut self, param: impl Into<String>) -> ApiError {
        self.param = Some(param.into());
        self
    }

    pub fn with_type(mut self, error_type: &'static str) -> ApiError {
        self.error_type = error_type;
        self
    }

    pub fn with_payment_intent(mut self, payment_intent: Value) -> ApiError {
        self.payment_intent = Some(Box::new(payment_intent));
        self
    }

    /// The response body, `{"error": {...}}`, with keys in Stripe's alphabetical order.
    pub fn body(&self) -> Value {
        let mut error = Map::new();
        if let Some(code) = self.code {
            error.insert("code".into(), json!(code));
        }
        if let Some(code) = self.code {
            error.insert("doc_url".into(), json!(doc_url(code)));
        }
        error.insert("message".into(), json!(self.message));
        if let Some(param) = &self.param {
            error.insert("param".into(), json!(param));
        }
        if let Some(payment_intent) = &self.payment_intent {
            error.insert("payment_intent".into(), (**payment_intent).clone());
        }
        error.insert("type".into(), json!(self.error_type));
        json!({ "error": error })
    }
}

/// Stripe links every error code to a page named after it, with dashes.
pub(crate) fn doc_url(code: &str) -> String {
    format!(
        "https://stripe.com/docs/error-codes/{}",
        code.replace('_', "-")
    )
}
