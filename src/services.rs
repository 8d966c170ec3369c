//! Long-lived services shared by every call: settings, the Stripe client, the
//! embedded simulator, the login throttle and the verified-credentials cache.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::auth::throttle::{LoginThrottle, ThrottleConfig};
use crate::errors::OdooResult;
use crate::orm::Env;
use crate::settings::Settings;
use crate::stripe::client::{StripeClient, StripeClientConfig};
use crate::stripe_sim::Simulator;

pub struct Services {
    pub settings: Settings,
    pub db: DatabaseConnection,
    pub stripe: StripeClient,
    pub simulator: Option<Simulator>,
    pub throttle: LoginThrottle,
    /// Fingerprints of (uid, stored hash, password) already verified, so that RPC calls
    /// that send the password every time do not pay pbkdf2's cost every time. A
    /// password change changes the stored hash and so every fingerprint.
    verified: Mutex<HashSet<[u8; 32]>>,
    /// Key of the HMAC that derives session tokens from users' credentials.
    pub session_secret: Vec<u8>,
}

impl Services {
    pub fn new(
        settings: Settings,
        db: DatabaseConnection,
        stripe_base_url: String,
        simulator: Option<Simulator>,
    ) -> anyhow::Result<Services> {
        let stripe = StripeClient::new(StripeClientConfig {
            base_url: stripe_base_url,
            api_version: settings.stripe_api_version.clone(),
            connect_timeout: Duration::from_secs(settings.stripe_connect_timeout),
            timeout: Duration::from_secs(settings.stripe_timeout),
            max_retries: settings.stripe_max_retries,
            initial_backoff: Duration::from_millis(settings.stripe_initial_backoff_ms),
            ..StripeClientConfig::default()
        })
        .map_err(|e| anyhow::anyhow!("building the Stripe client: {e}"))?;
        let throttle = LoginThrottle::new(ThrottleConfig {
            max_failures: settings.login_cooldown_after,
            cooldown: Duration::from_secs(settings.login_cooldown_seconds),
            failure_delay: Duration::ZERO,
        });
        let session_secret = Sha256::digest(format!(
            "odoo-pos-stripe session tokens for {}",
            settings.db_name
        ))
        .to_vec();
        Ok(Services {
            settings,
            db,
            stripe,
            simulator,
            throttle,
            verified: Mutex::new(HashSet::new()),
            session_secret,
        })
    }

    fn fingerprint(uid: i64, stored: &str, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(uid.to_le_bytes());
        h.update(stored.as_bytes());
        h.update([0]);
        h.update(password.as_bytes());
        h.finalize().into()
    }

    pub fn is_verified(&self, uid: i64, stored: &str, password: &str) -> bool {
        self.verified
            .lock()
            .map(|s| s.contains(&Self::fingerprint(uid, stored, password)))
            .unwrap_or(false)
    }

    pub fn remember_verified(&self, uid: i64, stored: &str, password: &str) {
        if let Ok(mut s) = self.verified.lock() {
            if s.len() > 10_000 {
                s.clear();
            }
            s.insert(Self::fingerprint(uid, stored, password));
        }
    }

    /// External ids of a user's groups, implied groups included.
    pub async fn user_group_xmlids(&self, env: &Env<'_>, uid: i64) -> OdooResult<HashSet<String>> {
        crate::auth::users::group_xmlids(env, uid).await
    }
}
