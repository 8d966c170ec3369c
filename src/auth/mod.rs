//! Users, credentials and sessions: who may call, checked before a call's work begins.
//!
//! [`Auth`] holds what authentication keeps between calls (the login throttle, the
//! verified-credentials cache, the session secret) and its settings; the functions
//! of [`users`] and [`session`] take it explicitly, so this layer needs nothing above
//! the ORM.

use std::collections::HashSet;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

pub mod cache;
pub mod crypto;
pub mod session;
pub mod throttle;
pub mod users;

use throttle::LoginThrottle;

/// Authentication state and settings shared by every call.
pub struct Auth {
    pub throttle: LoginThrottle,
    pub credentials: CredentialCache,
    /// Users and sessions, invalidated by the database's cache signal.
    pub cache: cache::AuthCache,
    /// Key of the HMAC that derives session tokens from users' credentials.
    pub session_secret: Vec<u8>,
    /// Sessions expire after this many days without use.
    pub session_idle_days: i64,
    /// pbkdf2-sha512 rounds of new password hashes.
    pub password_rounds: u32,
    /// A hash of a random secret, checked when a login is unknown so that the answer
    /// takes as long as for a wrong password, with the rounds of new passwords. Made
    /// once, off the async workers, as the server starts listening
    /// ([`Auth::dummy_hash`]): one pbkdf2 (about 0.3 s) is not on the way to the first
    /// answer, and a check that comes before it is made waits for it.
    dummy_hash: std::sync::Arc<std::sync::OnceLock<String>>,
    /// Password hashes computed at once: one per core. Checks beyond wait their turn
    /// (on no database connection), so that a flood of guesses from many addresses
    /// cannot take every core from the calls of logged-in users.
    pub hashing: tokio::sync::Semaphore,
    /// Password checks that ran pbkdf2 (a wrong password, an unknown login's dummy hash
    /// and a right one alike): what tells, without a clock, that they all cost the same.
    pub hashes_checked: std::sync::atomic::AtomicU64,
}

impl Auth {
    pub fn new(
        throttle: LoginThrottle,
        db_name: &str,
        session_idle_days: i64,
        password_rounds: u32,
    ) -> Auth {
        Auth {
            throttle,
            credentials: CredentialCache::default(),
            cache: cache::AuthCache::default(),
            session_secret: Sha256::digest(format!("odoo-pos-stripe session tokens for {db_name}"))
                .to_vec(),
            session_idle_days,
            password_rounds,
            dummy_hash: Default::default(),
            hashing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            hashes_checked: Default::default(),
        }
    }
}

impl Auth {
    /// The dummy hash, made on first use (blocking: call it on a blocking thread).
    pub fn dummy_hash(&self) -> impl Fn() -> String + Send + 'static {
        let cell = self.dummy_hash.clone();
        let rounds = self.password_rounds;
        move || {
            cell.get_or_init(|| crypto::hash_password(&crypto::generate_session_id(), rounds))
                .clone()
        }
    }
}

/// Fingerprints of (uid, stored hash, password) already verified, so that RPC calls
/// that send the password every time do not pay pbkdf2's cost every time. A password
/// change changes the stored hash and so every fingerprint.
#[derive(Default)]
pub struct CredentialCache {
    verified: Mutex<HashSet<[u8; 32]>>,
}

impl CredentialCache {
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

    pub fn remember(&self, uid: i64, stored: &str, password: &str) {
        if let Ok(mut s) = self.verified.lock() {
            if s.len() > 10_000 {
                s.clear();
            }
            s.insert(Self::fingerprint(uid, stored, password));
        }
    }
}
