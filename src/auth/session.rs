//! HTTP sessions stored in the database, so that several server processes sharing a
//! database share sessions. Only the SHA-256 of the cookie value is stored. A session
//! carries a token derived from the user's password hash and active flag: a password
//! change or a deactivation invalidates it.

use std::sync::Arc;

use sea_orm::sea_query::{Expr, Query};
use sea_orm::ConnectionTrait;
use serde_json::{Map, Value};

use super::{crypto, Auth};
use crate::errors::{OdooError, OdooResult};
use crate::orm::Ident;
use crate::orm::{row_id, Env};

const TABLE: &str = "ops_http_session";

/// A session as stored.
#[derive(Clone, Debug)]
pub struct Session {
    pub sid_hash: String,
    pub uid: i64,
    pub db: String,
    pub login: String,
    pub token: String,
    pub context: crate::orm::Context,
    /// The session's user, as loaded to check the session (the call reuses it).
    pub user: std::sync::Arc<crate::orm::UserInfo>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The token a live session of `uid` must carry now.
pub async fn current_token(system: &Env<'_>, auth: &Auth, uid: i64) -> OdooResult<String> {
    let hash = super::users::stored_hash(system, uid).await?;
    Ok(crypto::session_token(
        uid,
        &hash,
        true,
        &auth.session_secret,
    ))
}

/// Creates a session and returns the cookie value (never stored).
pub async fn create(
    system: &Env<'_>,
    auth: &Auth,
    uid: i64,
    db: &str,
    login: &str,
    context: &Map<String, Value>,
) -> OdooResult<String> {
    let sid = crypto::generate_session_id();
    let token = current_token(system, auth, uid).await?;
    let q = Query::insert()
        .into_table(Ident::new(TABLE))
        .columns(
            [
                "sid_hash",
                "uid",
                "db",
                "login",
                "session_token",
                "context",
                "created_at",
                "last_seen_at",
            ]
            .map(Ident::new),
        )
        .values_panic([
            crypto::session_id_hash(&sid).into(),
            uid.into(),
            db.into(),
            login.into(),
            token.into(),
            Value::Object(context.clone()).to_string().into(),
            now().into(),
            now().into(),
        ])
        .to_owned();
    system.execute(system.backend.build(&q)).await?;
    Ok(sid)
}

/// Deletes a session (logout, rotation).
pub async fn destroy(system: &Env<'_>, sid: &str) -> OdooResult<()> {
    let q = Query::delete()
        .from_table(Ident::new(TABLE))
        .and_where(Expr::col(Ident::new("sid_hash")).eq(crypto::session_id_hash(sid)))
        .to_owned();
    system.execute(system.backend.build(&q)).await?;
    Ok(())
}

/// Drops every session of the given users.
pub async fn drop_user_sessions(env: &Env<'_>, uids: &[i64]) -> OdooResult<()> {
    let q = Query::delete()
        .from_table(Ident::new(TABLE))
        .and_where(Expr::col(Ident::new("uid")).is_in(uids.iter().copied()))
        .to_owned();
    env.execute(env.backend.build(&q)).await?;
    Ok(())
}

/// What a cookie value names.
pub enum Lookup {
    /// A live session; `touch`: its last use should be recorded (once a minute at most).
    Live { session: Arc<Session>, touch: bool },
    /// A stored session that expired (idle, password changed, user archived): to delete.
    Expired { sid_hash: String },
    /// No session.
    Missing,
}

/// Looks a cookie value up, reading only: the caller deletes an expired session and
/// records a live one's use, in a write transaction of its own.
pub async fn lookup(system: &Env<'_>, auth: &Auth, sid: Option<&str>) -> OdooResult<Lookup> {
    let Some(sid) = sid.filter(|s| !s.is_empty()) else {
        return Ok(Lookup::Missing);
    };
    let sid_hash = crypto::session_id_hash(sid);
    let idle_limit = auth.session_idle_days * 24 * 3600;
    let generation = auth.cache.sync(system).await?;
    if let Some((session, last_seen)) = auth.cache.session(generation, &sid_hash) {
        // A session idle too long by this process's count may have been used through
        // another process: the database tells.
        if now() - last_seen <= idle_limit {
            return Ok(live(auth, session, last_seen));
        }
    }
    let q = Query::select()
        .columns(
            [
                "uid",
                "db",
                "login",
                "session_token",
                "context",
                "last_seen_at",
            ]
            .map(Ident::new),
        )
        .from(Ident::new(TABLE))
        .and_where(Expr::col(Ident::new("sid_hash")).eq(sid_hash.clone()))
        .to_owned();
    let rows = system.tx.query_all(system.backend.build(&q)).await?;
    let Some(row) = rows.first() else {
        return Ok(Lookup::Missing);
    };
    let uid = row_id(row, "uid")?;
    let last_seen = row_id(row, "last_seen_at")?;
    let token: String = row
        .try_get_by("session_token")
        .map_err(OdooError::internal)?;
    let user = super::users::cached_user(system, auth, generation, uid).await?;
    let current = crypto::session_token(uid, &user.stored_hash, true, &auth.session_secret);
    let user = match user.info {
        Some(info) if now() - last_seen <= idle_limit && token == current => info,
        _ => return Ok(Lookup::Expired { sid_hash }),
    };
    let context: String = row.try_get_by("context").map_err(OdooError::internal)?;
    let session = Arc::new(Session {
        sid_hash,
        uid,
        db: row.try_get_by("db").map_err(OdooError::internal)?,
        login: row.try_get_by("login").map_err(OdooError::internal)?,
        token,
        context: Arc::new(serde_json::from_str(&context).unwrap_or_default()),
        user,
    });
    auth.cache
        .put_session(generation, session.clone(), last_seen);
    Ok(live(auth, session, last_seen))
}

/// A live session; its use is to be recorded when the last was over a minute ago (the
/// cache counts it as recorded at once, so that one caller records it).
fn live(auth: &Auth, session: Arc<Session>, last_seen: i64) -> Lookup {
    let touch = now() - last_seen > 60;
    if touch {
        auth.cache.touched(&session.sid_hash, now());
    }
    Lookup::Live { session, touch }
}

/// Records that a session was used now.
pub async fn touch(system: &Env<'_>, sid_hash: &str) -> OdooResult<()> {
    let q = Query::update()
        .table(Ident::new(TABLE))
        .value(Ident::new("last_seen_at"), now())
        .and_where(Expr::col(Ident::new("sid_hash")).eq(sid_hash))
        .to_owned();
    system.execute(system.backend.build(&q)).await?;
    Ok(())
}

/// Deletes a session by the hash of its cookie value.
pub async fn destroy_hash(system: &Env<'_>, sid_hash: &str) -> OdooResult<()> {
    let q = Query::delete()
        .from_table(Ident::new(TABLE))
        .and_where(Expr::col(Ident::new("sid_hash")).eq(sid_hash))
        .to_owned();
    system.execute(system.backend.build(&q)).await?;
    Ok(())
}

/// The live session for a cookie value: known, not idle for too long, and with a
/// token matching the user's current credentials. Otherwise `SessionExpired` (and an
/// expired session is deleted). Reads and writes in the caller's transaction.
pub async fn check(system: &Env<'_>, auth: &Auth, sid: Option<&str>) -> OdooResult<Arc<Session>> {
    match lookup(system, auth, sid).await? {
        Lookup::Live { session, touch: t } => {
            if t {
                touch(system, &session.sid_hash).await?;
            }
            Ok(session)
        }
        Lookup::Expired { sid_hash } => {
            destroy_hash(system, &sid_hash).await?;
            Err(OdooError::SessionExpired)
        }
        Lookup::Missing => Err(OdooError::SessionExpired),
    }
}
