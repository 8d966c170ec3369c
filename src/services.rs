//! Long-lived services shared by every call: settings, the database, the model
//! registry, the Stripe client, the embedded simulator and authentication state.
//! Model behaviour reaches them through `Env::host::<Services>()`.

pub mod assets;
pub mod bus;
pub mod memo;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::auth::throttle::{LoginThrottle, ThrottleConfig};
use crate::auth::Auth;
use crate::orm::Registry;
use crate::settings::Settings;
use crate::stripe::client::{StripeClient, StripeClientConfig};
use crate::stripe_sim::Simulator;

pub struct Services {
    pub settings: Settings,
    /// Where writes (and every call not flagged read-only) run.
    pub db: DatabaseConnection,
    /// Where read-only calls run: the writer's connections unless
    /// [`Services::with_reader`] gives others (on SQLite, read connections beside the writer).
    pub reader: crate::db::Readers,
    pub registry: &'static Registry,
    pub stripe: StripeClient,
    pub simulator: Option<Simulator>,
    pub auth: Auth,
    /// The notification bus the websockets listen to.
    pub bus: bus::Bus,
    /// The pulled Odoo POS assets (`pos_assets`), when configured.
    pub pos_assets: Option<Arc<assets::PosAssets>>,
    /// Values business code keeps between calls until the cache signal moves.
    pub memo: memo::Memo,
}

impl Services {
    pub fn new(
        settings: Settings,
        db: DatabaseConnection,
        registry: &'static Registry,
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
        let auth = Auth::new(
            throttle,
            &settings.db_name,
            settings.session_idle_days,
            settings.password_rounds,
        );
        let pos_assets = if settings.pos_assets.is_empty() {
            None
        } else {
            Some(Arc::new(assets::PosAssets::load(std::path::Path::new(
                &settings.pos_assets,
            ))?))
        };
        Ok(Services {
            bus: bus::Bus::new(),
            memo: memo::Memo::default(),
            pos_assets,
            settings,
            reader: crate::db::Readers::Shared(db.clone()),
            db,
            registry,
            stripe,
            simulator,
            auth,
        })
    }

    /// Read-only calls run on `reader` (see `db::readers`).
    pub fn with_reader(mut self, reader: crate::db::Readers) -> Services {
        self.reader = reader;
        self
    }
}

impl Services {
    /// The Stripe Terminal JS SDK a POS page loads: Stripe's own with a real Stripe account,
    /// else the simulated SDK the Stripe simulator serves (same origin when it is mounted in
    /// this server, so the page needs no cross-origin request).
    pub fn stripe_terminal_sdk_url(&self) -> String {
        let base = self.stripe.config().base_url.trim_end_matches('/');
        if self.settings.stripe_base_url.is_empty() && self.simulator.is_some() {
            format!("/stripe-sim{}", crate::stripe_sim::SDK_PATH)
        } else if crate::settings::is_stripe_url(base) {
            crate::stripe_sim::STRIPE_SDK_URL.to_string()
        } else {
            format!("{base}{}", crate::stripe_sim::SDK_PATH)
        }
    }

    /// Whether pages get another Terminal SDK than Stripe's (the Stripe API is a simulator).
    pub fn rewrites_stripe_terminal_sdk(&self) -> bool {
        self.stripe_terminal_sdk_url() != crate::stripe_sim::STRIPE_SDK_URL
    }

    /// `text` (a served page or script) with references to Stripe's Terminal SDK pointed at
    /// [`Services::stripe_terminal_sdk_url`]; unchanged, and not copied, with a real Stripe
    /// account. Odoo 18's `/pos/ui` page has a `<script src>` for it (`pos_stripe` adds it to
    /// the page, not to the bundle); a bundle that loads it itself is rewritten the same way.
    pub fn rewrite_stripe_terminal_sdk<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let ours = self.stripe_terminal_sdk_url();
        let stripe = crate::stripe_sim::STRIPE_SDK_URL;
        if !self.rewrites_stripe_terminal_sdk() || !text.contains(stripe) {
            std::borrow::Cow::Borrowed(text)
        } else {
            std::borrow::Cow::Owned(text.replace(stripe, &ours))
        }
    }
}
