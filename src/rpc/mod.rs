//! Running calls. A transport decodes a request into a [`Call`] ([`call`]); this
//! module authenticates it, runs it in one database transaction (committed on
//! success, rolled back on any error, retried on serialization failures), then runs
//! the work a business method left for after the commit (a Stripe request). Each call
//! runs in a tracing span carrying its request id, model, method and uid, so every log
//! line it causes (the Stripe client's included) names the call.

pub mod bind;
pub mod call;
pub mod model_call;
mod session_info;
pub mod web;

use std::sync::Arc;
use std::time::Instant;

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{json, Map, Value};
use tracing::Instrument;

pub use call::{Call, CallNames};
pub use session_info::{session_info, translations};

use crate::auth::session;
use crate::auth::users::CredentialKind;
use crate::errors::{OdooError, OdooResult};
use crate::orm::behaviour::{Outcome, Settled};
use crate::orm::{empty_context, Context, Env, UserInfo};
use crate::services::Services;

/// What a call answers: its result (`None`: no `result` key in the envelope) and the
/// session cookie to set, if any.
#[derive(Debug, Default)]
pub struct Reply {
    pub result: Option<Value>,
    pub set_cookie: Option<String>,
}

impl Reply {
    fn value(v: Value) -> Reply {
        Reply {
            result: Some(v),
            set_cookie: None,
        }
    }
}

/// One decoded request: the call (or why it could not be decoded), the session
/// cookie, and what the log line names it.
pub struct Request {
    pub call: OdooResult<Call>,
    pub names: CallNames,
    pub session_id: Option<String>,
    /// The path the client called, for the log line.
    pub route: String,
    /// The client's address, when the transport knows it: the login throttle counts
    /// failures per address, as Odoo does.
    pub peer: Option<std::net::SocketAddr>,
}

/// Runs a request in its span and writes its one log line: never credentials, keys
/// or session ids.
pub async fn handle(services: &Arc<Services>, request: Request) -> OdooResult<Reply> {
    // 48 random bits for the log line, from the thread's generator: no system call.
    let request_id = format!("{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff);
    let span = tracing::info_span!(
        "call",
        request_id = %request_id,
        route = %request.route,
        model = tracing::field::Empty,
        method = tracing::field::Empty,
        uid = tracing::field::Empty,
    );
    if let Some(model) = &request.names.model {
        span.record("model", model.as_str());
    }
    if let Some(method) = &request.names.method {
        span.record("method", method.as_str());
    }
    let started = Instant::now();
    async move {
        let result = match request.call {
            Ok(call) => {
                let client = request.peer.map(|p| p.ip());
                run(services, call, request.session_id.as_deref(), client).await
            }
            Err(e) => Err(e),
        };
        let outcome = match &result {
            Ok(_) => "ok",
            Err(err) => {
                if let OdooError::Internal(detail) = err {
                    tracing::error!(error = %detail, "internal error");
                }
                let name = err.exception_name();
                name.rsplit('.').next().unwrap_or(name)
            }
        };
        tracing::info!(
            duration_ms = started.elapsed().as_millis() as u64,
            outcome,
            "rpc"
        );
        result
    }
    .instrument(span)
    .await
}

/// Serialization failures and deadlocks are retried, as Odoo does, a bounded number of times.
const MAX_TRIES: usize = 5;

fn is_retryable(e: &OdooError) -> bool {
    matches!(e, OdooError::Internal(t) if t.contains("could not serialize") || t.contains("deadlock detected") || t.contains("database is locked"))
}

/// Opens a transaction for a call that may write. On SQLite it takes the database's
/// write lock at once (waiting up to the busy timeout): a deferred transaction that read
/// first and writes later fails with SQLITE_BUSY, without waiting, when another process
/// wrote in between. Writing calls through one SQLite database are serialised either
/// way; this makes them wait their turn instead of failing.
async fn begin(services: &Services) -> OdooResult<sea_orm::DatabaseTransaction> {
    let tx = services.db.begin().await?;
    if tx.get_database_backend() == sea_orm::DbBackend::Sqlite {
        tx.execute_unprepared(&format!(
            "UPDATE {} SET uid = uid WHERE 0",
            migrations::schema::SESSION_TABLE
        ))
        .await?;
    }
    Ok(tx)
}

/// Opens a transaction for a call that only reads, on the read connections: on SQLite
/// a deferred transaction on a read-only connection (WAL: it sees the last commit and
/// never waits for the writer), on PostgreSQL the statements on a read-only session
/// (`db::Readers`).
async fn begin_read(services: &Services) -> OdooResult<sea_orm::DatabaseTransaction> {
    Ok(services.reader.begin().await?)
}

/// Runs `$body` (an expression using the transaction `$tx`, of type
/// `OdooResult<T>`) in a transaction: committed on success, rolled back on error,
/// retried on serialization failures. A macro rather than a function taking a
/// closure: the body borrows the transaction across awaits. `in_transaction!(read
/// services, |tx| ...)` runs a body that only reads in a read-only transaction.
macro_rules! in_transaction {
    (read $services:expr, |$tx:ident| $body:expr) => {
        in_transaction!(@begin_read, $services, |$tx| $body)
    };
    (@$begin:ident, $services:expr, |$tx:ident| $body:expr) => {{
        let mut attempt = 0;
        loop {
            attempt += 1;
            let $tx = $begin($services).await?;
            let result = async { $body }.await;
            match result {
                Ok(value) => match $tx.commit().await.map_err(OdooError::from) {
                    Ok(()) => break Ok(value),
                    Err(e) if attempt < MAX_TRIES && is_retryable(&e) => continue,
                    Err(e) => break Err(e),
                },
                Err(e) => {
                    let _ = $tx.rollback().await;
                    if attempt < MAX_TRIES && is_retryable(&e) {
                        continue;
                    }
                    break Err(e);
                }
            }
        }
    }};
    ($services:expr, |$tx:ident| $body:expr) => {
        in_transaction!(@begin, $services, |$tx| $body)
    };
}

// After the macro: the password checks run their reads with it.
mod login;
pub mod pages;

/// The superuser's environment on `tx`, with the services as its host.
fn system<'a>(services: &'a Services, tx: &'a sea_orm::DatabaseTransaction) -> Env<'a> {
    Env::system(tx, services.registry, services)
}

fn check_db(services: &Services, db: &str) -> OdooResult<()> {
    if db != services.settings.db_name {
        return Err(OdooError::AccessError("Database not found.".into()));
    }
    Ok(())
}

fn version(services: &Services) -> Value {
    let s = &services.settings;
    json!({
        "server_version": s.server_version,
        "server_version_info": s.server_version_info(),
        "server_serie": s.server_version,
        "protocol_version": 1,
    })
}

async fn run(
    services: &Arc<Services>,
    call: Call,
    session_id: Option<&str>,
    client: Option<std::net::IpAddr>,
) -> OdooResult<Reply> {
    let settings = &services.settings;
    match call {
        Call::Version => Ok(Reply::value(version(services))),
        Call::DatabaseList => Ok(Reply::value(json!([settings.db_name]))),
        Call::About => Ok(Reply::value(json!(
            "See https://www.odoo.com?utm_source=db&utm_medium=auth"
        ))),
        Call::ServerVersion => Ok(Reply::value(json!(settings.server_version))),
        Call::DatabaseExists(name) => Ok(Reply::value(json!(name == settings.db_name))),
        Call::ListLanguages => Ok(Reply::value(json!([["en_US", "English (US)"]]))),
        Call::Login {
            db,
            login: user,
            password,
        } => {
            check_db(services, &db)?;
            // Odoo's `exp_authenticate` turns every AccessDenied (the throttle's
            // included) into `false`.
            let who = login::Who::Login(&user);
            let uid =
                match login::check_password(services, client, who, &password, CredentialKind::Rpc)
                    .await
                {
                    Ok(user) => user.map(|u| u.uid),
                    Err(OdooError::AccessDenied(_)) => None,
                    Err(other) => return Err(other),
                };
            if let Some(uid) = uid {
                tracing::Span::current().record("uid", uid);
            }
            Ok(Reply::value(
                uid.map(Value::from).unwrap_or(Value::Bool(false)),
            ))
        }
        Call::Object {
            db,
            uid,
            password,
            call,
        } => {
            check_db(services, &db)?;
            let who = login::Who::Uid(uid);
            let user = login::check_password(services, client, who, &password, CredentialKind::Rpc)
                .await?
                .ok_or_else(OdooError::access_denied)?;
            tracing::Span::current().record("uid", uid);
            let call = call?;
            let context = call.context.clone().unwrap_or_else(empty_context);
            run_model_call(services, user, context, call).await
        }
        Call::Authenticate {
            db,
            login: user,
            password,
        } => {
            check_db(services, &db)?;
            let who = login::Who::Login(&user);
            let info = login::check_password(
                services,
                client,
                who,
                &password,
                CredentialKind::Interactive,
            )
            .await?
            .ok_or_else(OdooError::access_denied)?;
            tracing::Span::current().record("uid", info.uid);
            in_transaction!(services, |tx| {
                authenticate(&system(services, &tx), &db, &info, session_id).await
            })
        }
        Call::SessionInfo => {
            let s = check_session(services, session_id).await?;
            tracing::Span::current().record("uid", s.uid);
            let info = in_transaction!(read services, |tx| {
                session_info(&system(services, &tx), s.uid).await
            })?;
            Ok(Reply::value(info))
        }
        Call::SessionCheck => {
            let s = check_session(services, session_id).await?;
            tracing::Span::current().record("uid", s.uid);
            Ok(Reply::default())
        }
        Call::SessionDestroy => {
            in_transaction!(services, |tx| {
                let system = system(services, &tx);
                let s = session::check(&system, &services.auth, session_id).await?;
                tracing::Span::current().record("uid", s.uid);
                if let Some(sid) = session_id {
                    session::destroy(&system, sid).await?;
                }
                Ok(())
            })?;
            Ok(Reply {
                result: None,
                set_cookie: Some(expired_cookie()),
            })
        }
        Call::CallKw {
            call: Ok(call),
            button,
        } if call.readonly() => {
            let mut reply = read_call_with_session(services, session_id, call).await?;
            if button {
                reply.result = Some(clean_action(reply.result.take()));
            }
            Ok(reply)
        }
        Call::CallKw { call, button } => {
            let s = check_session(services, session_id).await?;
            tracing::Span::current().record("uid", s.uid);
            let call = call?;
            let context = call.context.clone().unwrap_or_else(|| s.context.clone());
            let mut reply = run_model_call(services, s.user.clone(), context, call).await?;
            if button {
                reply.result = Some(clean_action(reply.result.take()));
            }
            Ok(reply)
        }
    }
}

/// Runs a model call as `user` in its own transaction, then its after-commit work, then
/// the follow-up that work may leave, in a second transaction as `user`.
async fn run_model_call(
    services: &Arc<Services>,
    user: Arc<UserInfo>,
    context: Context,
    call: model_call::ModelCall,
) -> OdooResult<Reply> {
    let outcome = if call.readonly() {
        in_transaction!(read services, |tx| {
            let env = system(services, &tx).for_user(user.clone(), context.clone())?;
            call.run(&env).await
        })?
    } else {
        in_transaction!(services, |tx| {
            let env = system(services, &tx).for_user(user.clone(), context.clone())?;
            call.run(&env).await
        })?
    };
    settle(services, user, context, outcome).await
}

/// A read-only call with a session: the session is checked and the call run in one
/// read-only transaction; an expired session's deletion or a live one's use is written
/// afterwards.
///
/// The cache signal decides whether the cached session, user and settings may be used.
/// Once this process has read it, a call first goes by the value it last read and
/// checks that value afterwards, with the call's first search (a [`crate::orm::Rider`]: no round
/// trip of its own) or, when no search found a row, on its own at the end: if it did
/// not move, the call saw exactly what reading it first would have let it see (nothing
/// changed between the caches' loading and that reading); if it moved, the answer is
/// dropped, nothing having been written or sent, and the call runs again after reading
/// the signal first.
async fn read_call_with_session(
    services: &Arc<Services>,
    session_id: Option<&str>,
    call: model_call::ModelCall,
) -> OdooResult<Reply> {
    let assumed = services.auth.cache.generation();
    let mut checked = None;
    if assumed > 0 {
        checked = in_transaction!(read services, |tx| {
            let rider = Arc::new(crate::auth::cache::signal_rider());
            let system = system(services, &tx)
                .with_cache_signal(assumed)
                .with_rider(rider.clone());
            let result = Box::pin(session_and_call(services, &system, session_id, &call)).await;
            let seen = match rider.seen() {
                Some(value) => value,
                None => crate::auth::cache::read_signal(&system).await?,
            };
            if seen == assumed {
                result.map(Some)
            } else {
                Ok(None)
            }
        })?;
    }
    let (found, outcome) = match checked {
        Some(done) => done,
        None => in_transaction!(read services, |tx| {
            let system = system(services, &tx);
            let signal = services.auth.cache.sync(&system).await?;
            let system = system.with_cache_signal(signal);
            Box::pin(session_and_call(services, &system, session_id, &call)).await
        })?,
    };
    let session = settle_session(services, found).await?;
    let Some((context, outcome)) = outcome else {
        return Err(OdooError::SessionExpired);
    };
    settle(services, session.user.clone(), context, outcome).await
}

/// The session `session_id` names, looked up as `system` (whose cache signal is set),
/// and, when it is live, `call` run as its user. Its callers box it: the call's future
/// is deep (domains, x2many commands), and two of them side by side in one poll frame
/// overflowed a debug build's 2 MiB worker stack.
async fn session_and_call(
    services: &Arc<Services>,
    system: &Env<'_>,
    session_id: Option<&str>,
    call: &model_call::ModelCall,
) -> OdooResult<(session::Lookup, Option<(Context, Outcome)>)> {
    match session::lookup(system, &services.auth, session_id).await? {
        session::Lookup::Live { session, touch } => {
            tracing::Span::current().record("uid", session.uid);
            let context = call
                .context
                .clone()
                .unwrap_or_else(|| session.context.clone());
            let env = system.for_user(session.user.clone(), context.clone())?;
            let outcome = call.run(&env).await?;
            Ok((
                session::Lookup::Live { session, touch },
                Some((context, outcome)),
            ))
        }
        other => Ok((other, None)),
    }
}

/// What a call left for after its commit: Stripe is called only now, with no
/// transaction open, then the follow-up it may leave runs in a second transaction.
async fn settle(
    services: &Arc<Services>,
    user: Arc<UserInfo>,
    context: Context,
    outcome: Outcome,
) -> OdooResult<Reply> {
    let result = match outcome {
        Outcome::Value(v) => v,
        Outcome::AfterCommit(work) => match work.run().await? {
            Settled::Value(v) => v,
            Settled::InTransaction(follow_up) => in_transaction!(services, |tx| {
                let env = system(services, &tx).for_user(user.clone(), context.clone())?;
                follow_up.run(&env).await
            })?,
        },
    };
    Ok(Reply::value(result))
}

/// The live session a cookie names, looked up in a read-only transaction; an expired
/// session is deleted, and a live one's use recorded (once a minute), in a short write
/// transaction of their own.
async fn check_session(
    services: &Arc<Services>,
    session_id: Option<&str>,
) -> OdooResult<Arc<session::Session>> {
    let found = in_transaction!(read services, |tx| {
        session::lookup(&system(services, &tx), &services.auth, session_id).await
    })?;
    settle_session(services, found).await
}

/// Writes what a session lookup calls for: an expired session is deleted, a live one's
/// use recorded (once a minute).
async fn settle_session(
    services: &Arc<Services>,
    found: session::Lookup,
) -> OdooResult<Arc<session::Session>> {
    match found {
        session::Lookup::Live { session, touch } => {
            if touch {
                in_transaction!(services, |tx| {
                    session::touch(&system(services, &tx), &session.sid_hash).await
                })?;
            }
            Ok(session)
        }
        session::Lookup::Expired { sid_hash } => {
            in_transaction!(services, |tx| {
                session::destroy_hash(&system(services, &tx), &sid_hash).await
            })?;
            Err(OdooError::SessionExpired)
        }
        session::Lookup::Missing => Err(OdooError::SessionExpired),
    }
}

/// What `/web/dataset/call_button` answers (Odoo's `clean_action`): a result that is
/// not an action is `false`; an action without a type closes the dialog; a window
/// action without `views` gets them from its `view_mode`.
fn clean_action(result: Option<Value>) -> Value {
    let Some(Value::Object(mut action)) = result else {
        return Value::Bool(false);
    };
    let window = *action
        .entry("type")
        .or_insert_with(|| json!("ir.actions.act_window_close"))
        == "ir.actions.act_window";
    if window && !action.contains_key("views") {
        if let Some(Value::String(modes)) = action.get("view_mode") {
            let views: Vec<Value> = modes.split(',').map(|m| json!([false, m.trim()])).collect();
            action.insert("views".into(), Value::Array(views));
        }
    }
    Value::Object(action)
}

pub fn session_cookie(sid: &str) -> String {
    let expires =
        (chrono::Utc::now() + chrono::Duration::days(7)).format("%a, %d %b %Y %H:%M:%S GMT");
    format!("session_id={sid}; Expires={expires}; Max-Age=604800; HttpOnly; Path=/; SameSite=Lax")
}

pub fn expired_cookie() -> String {
    "session_id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/; SameSite=Lax"
        .to_string()
}

/// `/web/session/authenticate`, once the password is verified: a new session (the
/// previous one, if any, ends: the session id rotates at login) and the session info.
async fn authenticate(
    system: &Env<'_>,
    db: &str,
    info: &UserInfo,
    old_session: Option<&str>,
) -> OdooResult<Reply> {
    let services: &Services = system.host()?;
    let uid = info.uid;
    if let Some(old) = old_session {
        session::destroy(system, old).await?;
    }
    let context = json!({"lang": info.lang, "tz": info.tz.clone().map(Value::String).unwrap_or(Value::Bool(false)), "uid": uid});
    let sid = session::create(
        system,
        &services.auth,
        uid,
        db,
        &info.login,
        context.as_object().unwrap_or(&Map::new()),
    )
    .await?;
    Ok(Reply {
        result: Some(session_info(system, uid).await?),
        set_cookie: Some(session_cookie(&sid)),
    })
}
