//! Layered configuration: built-in defaults, then an optional TOML file, then `OPS_*`
//! environment variables, then command-line flags, into one `Settings` value.

use serde::Deserialize;

/// Every setting of the server. README.md documents each one.
#[derive(Clone, Debug, Deserialize)]
pub struct Settings {
    /// Address to listen on (`OPS_LISTEN`).
    pub listen: String,
    /// `sqlite://path` or `postgres://...` (`OPS_DATABASE_URL`).
    pub database_url: String,
    /// The Odoo database name clients send (`OPS_DB_NAME`).
    pub db_name: String,
    /// Load the demo fixtures into an empty database (`OPS_DEMO`).
    pub demo: bool,
    /// Reported `server_version` (`OPS_SERVER_VERSION`).
    pub server_version: String,
    /// Largest accepted request body in bytes (`OPS_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Days of inactivity after which a session expires (`OPS_SESSION_IDLE_DAYS`).
    pub session_idle_days: i64,
    /// pbkdf2-sha512 rounds for new password hashes (`OPS_PASSWORD_ROUNDS`).
    pub password_rounds: u32,
    /// Failed logins before a cooldown (`OPS_LOGIN_COOLDOWN_AFTER`).
    pub login_cooldown_after: u32,
    /// Cooldown length in seconds (`OPS_LOGIN_COOLDOWN_SECONDS`).
    pub login_cooldown_seconds: u64,
    /// Most connections of each PostgreSQL pool, the writer's and the read-only one;
    /// 0: sized from the cores, see `db::postgres_pool_size` (`OPS_DB_MAXCONN`).
    pub db_maxconn: u32,
    /// `tracing` filter (`OPS_LOG`).
    pub log: String,
    /// Mount the Stripe simulator at `/stripe-sim` (`OPS_STRIPE_SIMULATOR`). Unset: mounted
    /// unless `stripe_base_url` is a real Stripe URL (see [`Settings::simulator_mounted`]).
    #[serde(default)]
    pub stripe_simulator: Option<bool>,
    /// Lets non-loopback clients use the simulator's `/_sim` control endpoints with
    /// `Authorization: Bearer <token>`; empty: loopback only (`OPS_STRIPE_SIM_CONTROL_TOKEN`).
    pub stripe_sim_control_token: SecretSetting,
    /// Comma-separated API keys the simulator accepts; empty: any well-formed test key
    /// (`OPS_STRIPE_SIM_ACCEPTED_KEYS`).
    pub stripe_sim_accepted_keys: SecretSetting,
    /// Most simulator objects of each kind kept, oldest evicted first (`OPS_STRIPE_SIM_MAX_OBJECTS`).
    pub stripe_sim_max_objects: usize,
    /// Bytes of request log the simulator keeps (`OPS_STRIPE_SIM_REQUEST_LOG_BYTES`).
    pub stripe_sim_request_log_bytes: usize,
    /// Largest request body the simulator takes (`OPS_STRIPE_SIM_MAX_BODY_BYTES`).
    pub stripe_sim_max_body_bytes: usize,
    /// A test card the simulator presents by itself on a reader waiting for one, after
    /// `stripe_sim_auto_present_delay_ms` (unattended demos): `visa`, `mastercard`,
    /// `declined`, `insufficient_funds` or `interac`; empty: never (`OPS_STRIPE_SIM_AUTO_PRESENT`).
    pub stripe_sim_auto_present: String,
    /// Milliseconds before the auto-present card is presented (`OPS_STRIPE_SIM_AUTO_PRESENT_DELAY_MS`).
    pub stripe_sim_auto_present_delay_ms: u64,
    /// Stripe API base URL; empty means the built-in simulator when it is mounted,
    /// else `https://api.stripe.com` (`OPS_STRIPE_BASE_URL`).
    pub stripe_base_url: String,
    /// `Stripe-Version` sent with every Stripe call (`OPS_STRIPE_API_VERSION`).
    pub stripe_api_version: String,
    /// Seconds to wait for a connection to Stripe (`OPS_STRIPE_CONNECT_TIMEOUT`).
    pub stripe_connect_timeout: u64,
    /// Seconds a Stripe call may take in all (`OPS_STRIPE_TIMEOUT`).
    pub stripe_timeout: u64,
    /// Retries of a Stripe call on network errors, 409, 429 and 5xx (`OPS_STRIPE_MAX_RETRIES`).
    pub stripe_max_retries: u32,
    /// First retry delay in milliseconds, doubled per retry up to 5 s (`OPS_STRIPE_INITIAL_BACKOFF_MS`).
    pub stripe_initial_backoff_ms: u64,
    /// Folder of the Odoo 18 POS assets pulled with `odoo-pos-stripe pos-assets pull`;
    /// empty: `/pos/ui` explains how to pull them (`OPS_POS_ASSETS`, `serve --pos-assets`).
    pub pos_assets: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8069".into(),
            database_url: "sqlite://data/odoo-pos-stripe.sqlite".into(),
            db_name: "odoo".into(),
            demo: true,
            server_version: "18.0".into(),
            max_body_bytes: 10 * 1024 * 1024,
            session_idle_days: 7,
            password_rounds: 600_000,
            login_cooldown_after: 5,
            login_cooldown_seconds: 60,
            db_maxconn: 0,
            log: "info".into(),
            stripe_simulator: None,
            stripe_sim_control_token: SecretSetting::default(),
            stripe_sim_accepted_keys: SecretSetting::default(),
            stripe_sim_max_objects: 10_000,
            stripe_sim_request_log_bytes: 8 * 1024 * 1024,
            stripe_sim_max_body_bytes: 1024 * 1024,
            stripe_sim_auto_present: String::new(),
            stripe_sim_auto_present_delay_ms: 3000,
            stripe_base_url: String::new(),
            stripe_api_version: "2019-05-16".into(),
            stripe_connect_timeout: 10,
            stripe_timeout: 60,
            stripe_max_retries: 2,
            stripe_initial_backoff_ms: 500,
            pos_assets: String::new(),
        }
    }
}

impl Settings {
    /// Defaults, then `file` (TOML) if given, then `OPS_*` environment variables.
    pub fn load(file: Option<&str>) -> Result<Settings, config::ConfigError> {
        let defaults = config::Config::try_from(&SettingsDefaults(Settings::default()))?;
        let mut builder = config::Config::builder().add_source(defaults);
        if let Some(path) = file {
            builder = builder.add_source(config::File::new(path, config::FileFormat::Toml));
        }
        builder = builder.add_source(config::Environment::with_prefix("OPS").try_parsing(true));
        builder.build()?.try_deserialize()
    }

    /// The version tuple `common.version` reports, from `server_version` ("18.0").
    pub fn server_version_info(&self) -> serde_json::Value {
        let mut parts = self.server_version.split('.');
        let major: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(18);
        let minor: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        serde_json::json!([major, minor, 0, "final", 0, ""])
    }

    /// Whether the Stripe simulator is mounted: as `stripe_simulator` says when it was set;
    /// when it was not, yes, unless `stripe_base_url` points at Stripe itself (production does
    /// not expose a simulator nobody asked for).
    pub fn simulator_mounted(&self) -> bool {
        self.stripe_simulator
            .unwrap_or_else(|| !is_stripe_url(&self.stripe_base_url))
    }

    /// The simulator's API keys from `stripe_sim_accepted_keys` (comma-separated).
    pub fn stripe_sim_accepted_key_list(&self) -> Vec<String> {
        self.stripe_sim_accepted_keys
            .expose()
            .split(',')
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Odoo's generic error code: 200 up to 18, 0 from 19.
    pub fn generic_error_code(&self) -> i64 {
        let major: i64 = self
            .server_version
            .split('.')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(18);
        if major >= 19 {
            0
        } else {
            200
        }
    }
}

/// Serialises the defaults so the config crate can layer over them.
struct SettingsDefaults(Settings);

impl serde::Serialize for SettingsDefaults {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let d = &self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("listen", &d.listen)?;
        m.serialize_entry("database_url", &d.database_url)?;
        m.serialize_entry("db_name", &d.db_name)?;
        m.serialize_entry("demo", &d.demo)?;
        m.serialize_entry("server_version", &d.server_version)?;
        m.serialize_entry("max_body_bytes", &d.max_body_bytes)?;
        m.serialize_entry("session_idle_days", &d.session_idle_days)?;
        m.serialize_entry("password_rounds", &d.password_rounds)?;
        m.serialize_entry("login_cooldown_after", &d.login_cooldown_after)?;
        m.serialize_entry("login_cooldown_seconds", &d.login_cooldown_seconds)?;
        m.serialize_entry("db_maxconn", &d.db_maxconn)?;
        m.serialize_entry("log", &d.log)?;
        // Left out when unset, so that "not set" stays distinguishable from "false".
        if let Some(mounted) = d.stripe_simulator {
            m.serialize_entry("stripe_simulator", &mounted)?;
        }
        m.serialize_entry(
            "stripe_sim_control_token",
            d.stripe_sim_control_token.expose(),
        )?;
        m.serialize_entry(
            "stripe_sim_accepted_keys",
            d.stripe_sim_accepted_keys.expose(),
        )?;
        m.serialize_entry("stripe_sim_max_objects", &d.stripe_sim_max_objects)?;
        m.serialize_entry(
            "stripe_sim_request_log_bytes",
            &d.stripe_sim_request_log_bytes,
        )?;
        m.serialize_entry("stripe_sim_max_body_bytes", &d.stripe_sim_max_body_bytes)?;
        m.serialize_entry("stripe_sim_auto_present", &d.stripe_sim_auto_present)?;
        m.serialize_entry(
            "stripe_sim_auto_present_delay_ms",
            &d.stripe_sim_auto_present_delay_ms,
        )?;
        m.serialize_entry("stripe_base_url", &d.stripe_base_url)?;
        m.serialize_entry("stripe_api_version", &d.stripe_api_version)?;
        m.serialize_entry("stripe_connect_timeout", &d.stripe_connect_timeout)?;
        m.serialize_entry("stripe_timeout", &d.stripe_timeout)?;
        m.serialize_entry("stripe_max_retries", &d.stripe_max_retries)?;
        m.serialize_entry("stripe_initial_backoff_ms", &d.stripe_initial_backoff_ms)?;
        m.serialize_entry("pos_assets", &d.pos_assets)?;
        m.end()
    }
}

/// True when `url` is Stripe's own API (`https://api.stripe.com` or another `*.stripe.com`).
pub fn is_stripe_url(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
        .is_some_and(|host| host == "stripe.com" || host.ends_with(".stripe.com"))
}

/// A setting that is a secret: `Debug` shows only whether it is set, never its value.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretSetting(String);

impl SecretSetting {
    pub fn new(value: impl Into<String>) -> SecretSetting {
        SecretSetting(value.into())
    }

    /// The value itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for SecretSetting {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "\"****\""
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulator_is_mounted_unless_the_base_url_is_stripe_and_nobody_asked() {
        let with = |simulator: Option<bool>, base_url: &str| Settings {
            stripe_simulator: simulator,
            stripe_base_url: base_url.into(),
            ..Settings::default()
        };
        assert!(with(None, "").simulator_mounted());
        assert!(with(None, "http://127.0.0.1:12111").simulator_mounted());
        assert!(!with(None, "https://api.stripe.com").simulator_mounted());
        assert!(!with(None, "https://API.Stripe.com/").simulator_mounted());
        assert!(with(Some(true), "https://api.stripe.com").simulator_mounted());
        assert!(!with(Some(false), "").simulator_mounted());
        // A look-alike host is not Stripe.
        assert!(with(None, "https://api.stripe.com.example.org").simulator_mounted());
    }

    #[test]
    fn unset_explicit_and_environment_values_load_as_such() {
        let loaded = Settings::load(None).unwrap();
        assert_eq!(loaded.stripe_simulator, None);
        assert!(loaded.stripe_sim_control_token.is_empty());
        assert_eq!(loaded.db_maxconn, 0, "0: the pools sized from the cores");
        let file = std::env::temp_dir().join(format!("ops-settings-{}.toml", std::process::id()));
        std::fs::write(
            &file,
            "stripe_simulator = true\nstripe_base_url = \"https://api.stripe.com\"\nstripe_sim_accepted_keys = \"sk_test_a1, sk_test_b2,\"\nstripe_sim_control_token = \"s3cret\"\ndb_maxconn = 6\n",
        )
        .unwrap();
        let loaded = Settings::load(file.to_str()).unwrap();
        std::fs::remove_file(&file).ok();
        assert_eq!(loaded.stripe_simulator, Some(true));
        assert!(loaded.simulator_mounted());
        assert_eq!(
            loaded.stripe_sim_accepted_key_list(),
            ["sk_test_a1", "sk_test_b2"]
        );
        assert_eq!(loaded.stripe_sim_control_token.expose(), "s3cret");
        assert_eq!(loaded.db_maxconn, 6);
        let printed = format!("{loaded:?}");
        assert!(
            !printed.contains("s3cret") && !printed.contains("sk_test_a1"),
            "{printed}"
        );
    }
}
