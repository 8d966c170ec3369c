//! What authentication keeps in memory between calls: users (identity, groups,
//! companies, password hash) and live sessions, so that a call checks its caller with
//! one cheap query, the cache signal, instead of half a dozen.
//!
//! The signal is a one-row counter (`ops_cache_signaling`, Odoo's
//! `base_cache_signaling`) that database triggers raise, in the changing transaction,
//! whenever a user, a group, a membership or a session changes, whichever process made
//! the change. A call reads it first; when it moved, every cached entry is dropped.
//! Entries are stored with the counter value read before they were loaded, and only
//! while the cache is still at that value, so nothing older than a signalled change is
//! ever kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::sea_query::{Expr, Query};
use sea_orm::ConnectionTrait;

use super::session::Session;
pub use super::users::CachedUser;
use crate::errors::{OdooError, OdooResult};
use crate::orm::Ident;
use crate::orm::{row_id, Env, Rider};

/// Most sessions kept; beyond, the cache starts afresh (a flood of cookies cannot grow
/// memory).
const MAX_SESSIONS: usize = 50_000;
const MAX_USERS: usize = 10_000;

#[derive(Default)]
struct Inner {
    generation: i64,
    users: HashMap<i64, CachedUser>,
    /// By the SHA-256 of the cookie value: the live session and its last use.
    sessions: HashMap<String, (Arc<Session>, i64)>,
}

#[derive(Default)]
pub struct AuthCache {
    inner: Mutex<Inner>,
}

/// The cache signal's current value (one indexed read of one row), or the value the
/// call already read ([`Env::with_cache_signal`]).
pub async fn signal(system: &Env<'_>) -> OdooResult<i64> {
    match system.cache_signal() {
        Some(value) => Ok(value),
        None => read_signal(system).await,
    }
}

/// The cache signal as the database has it now, whatever the call read before.
pub async fn read_signal(system: &Env<'_>) -> OdooResult<i64> {
    let q = Query::select()
        .column(Ident::new("value"))
        .from(Ident::new(migrations::schema::CACHE_SIGNALING_TABLE))
        .and_where(Expr::col(Ident::new("id")).eq(1))
        .to_owned();
    let row = system
        .tx
        .query_one(system.backend.build(&q))
        .await?
        .ok_or_else(|| OdooError::internal("the cache signal row is missing"))?;
    row_id(&row, "value")
}

/// The cache signal as a [`Rider`]: read with a call's first search.
pub fn signal_rider() -> Rider {
    Rider::new(migrations::schema::CACHE_SIGNALING_TABLE, "value", 1)
}

impl AuthCache {
    /// The signal value everything cached now was loaded at (0 before the first call).
    pub fn generation(&self) -> i64 {
        self.lock().generation
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data: go on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the signal on `system`'s transaction and drops everything if it moved;
    /// returns the value to pass to the other methods.
    pub async fn sync(&self, system: &Env<'_>) -> OdooResult<i64> {
        let generation = signal(system).await?;
        let mut inner = self.lock();
        if generation > inner.generation {
            inner.users.clear();
            inner.sessions.clear();
            inner.generation = generation;
        }
        Ok(generation)
    }

    pub fn user(&self, generation: i64, uid: i64) -> Option<CachedUser> {
        let inner = self.lock();
        (inner.generation == generation)
            .then(|| inner.users.get(&uid).cloned())
            .flatten()
    }

    pub fn put_user(&self, generation: i64, uid: i64, user: CachedUser) {
        let mut inner = self.lock();
        if inner.generation == generation {
            if inner.users.len() >= MAX_USERS {
                inner.users.clear();
            }
            inner.users.insert(uid, user);
        }
    }

    /// A cached live session and its last use.
    pub fn session(&self, generation: i64, sid_hash: &str) -> Option<(Arc<Session>, i64)> {
        let inner = self.lock();
        (inner.generation == generation)
            .then(|| inner.sessions.get(sid_hash).cloned())
            .flatten()
    }

    pub fn put_session(&self, generation: i64, session: Arc<Session>, last_seen: i64) {
        let mut inner = self.lock();
        if inner.generation == generation {
            if inner.sessions.len() >= MAX_SESSIONS {
                inner.sessions.clear();
            }
            inner
                .sessions
                .insert(session.sid_hash.clone(), (session, last_seen));
        }
    }

    /// Records a session's use (its row is updated by the caller).
    pub fn touched(&self, sid_hash: &str, at: i64) {
        if let Some(entry) = self.lock().sessions.get_mut(sid_hash) {
            entry.1 = at;
        }
    }
}
