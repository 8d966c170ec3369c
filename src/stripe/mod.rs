//! Outbound Stripe API client.
//!
//! - [`api`]: typed helpers for the endpoints the server calls;
//! - [`client`]: transport (auth, `Stripe-Version`, idempotency keys, retries,
//!   error mapping, logging);
//! - [`retry`]: the retry policy and backoff;
//! - [`secret`]: [`SecretKey`], masking and key format checks.

pub mod api;
pub mod client;
mod direct;
pub mod retry;
pub mod secret;

pub use api::{CreatePaymentIntent, RefundTarget, StripeRequest};
pub use client::{
    encode_form, quote_path_segment, StripeClient, StripeClientConfig, StripeError, StripeResponse,
    DEFAULT_API_VERSION, DEFAULT_BASE_URL,
};
pub use secret::{check_format, mask, KeyKind, KeyUse, SecretKey};

#[cfg(test)]
mod tests;
