//! Password checks, for every entry point that takes one: `common.login`,
//! `/web/session/authenticate`, `execute_kw` and the XML-RPC `object` service. Each
//! is throttled by the client's address (Odoo's `_assert_can_auth`), reads what it
//! needs in a short transaction of its own, and hashes (pbkdf2, about 0.3 s) with no
//! transaction open, on tokio's blocking pool: wrong passwords cannot hold the
//! database or the async workers that serve everyone else. An unknown login is
//! checked against a dummy hash, so that it takes as long as a wrong password.

use std::net::IpAddr;
use std::sync::Arc;

use super::{begin_read, is_retryable, MAX_TRIES};
use crate::auth::throttle::Key;
use crate::auth::users::{self, CredentialKind};
use crate::errors::{OdooError, OdooResult};
use crate::orm::values::NUL_ERROR;
use crate::orm::{Env, UserInfo};
use crate::services::Services;

/// Whose password is checked.
#[derive(Clone, Copy)]
pub(super) enum Who<'a> {
    /// A login (`common.login`, `authenticate`).
    Login(&'a str),
    /// A uid (`execute_kw`): verified passwords are cached, as Odoo caches
    /// `res.users.check`.
    Uid(i64),
}

use crate::auth::throttle::COOLDOWN;

/// Checks `password` for `who`: the user when it is right, `None` when it is wrong
/// (or the user unknown or archived), `AccessDenied` while the client is cooling down.
pub(super) async fn check_password(
    services: &Arc<Services>,
    client: Option<IpAddr>,
    who: Who<'_>,
    password: &str,
    kind: CredentialKind,
) -> OdooResult<Option<Arc<UserInfo>>> {
    let throttle = &services.auth.throttle;
    let key_text = match who {
        Who::Login(login) => {
            if login.contains('\0') {
                // Not a failed login: Odoo's database refuses the query.
                return Err(OdooError::ValueError(NUL_ERROR.into()));
            }
            login.to_string()
        }
        Who::Uid(uid) => format!("#{uid}"),
    };
    let refused = |_| OdooError::AccessDenied(COOLDOWN.into());
    // A login is throttled before anything is read, as Odoo's `_login`.
    let mut attempt = match who {
        Who::Login(_) => Some(
            throttle
                .begin(Key::new(client, &key_text))
                .map_err(refused)?,
        ),
        Who::Uid(_) => None,
    };
    let (credentials, user) = in_transaction!(read services, |tx| {
        let system = Env::system(&tx, services.registry, &**services);
        let uid = match who {
            Who::Login(login) => users::find_login(&system, login).await?,
            Who::Uid(uid) => Some(uid),
        };
        let generation = services.auth.cache.sync(&system).await?;
        let (user, stored) = match uid {
            Some(uid) => {
                let cached = users::cached_user(&system, &services.auth, generation, uid).await?;
                (cached.info, cached.stored_hash)
            }
            None => (None, String::new()),
        };
        // Unknown and archived users are checked against the dummy hash.
        let uid = user.as_ref().map(|u| u.uid);
        let credentials =
            users::credentials_with_hash(&system, uid, stored, password, kind).await?;
        Ok((credentials, user))
    })?;
    if let Who::Uid(_) = who {
        if password.is_empty() {
            return Ok(None);
        }
        // A password already verified for this user (and this stored hash) is not
        // checked again, nor throttled.
        if user.is_some() && credentials.cached(&services.auth, password) {
            return Ok(user);
        }
        attempt = Some(
            throttle
                .begin(Key::new(client, &key_text))
                .map_err(refused)?,
        );
    }
    let cache = matches!(who, Who::Uid(_));
    let ok = credentials
        .verify_off_thread(&services.auth, password, cache)
        .await?;
    match (ok, user, attempt) {
        (true, Some(user), Some(attempt)) => {
            attempt.succeeded();
            Ok(Some(user))
        }
        (_, _, attempt) => {
            if let Some(attempt) = attempt {
                attempt.failed();
            }
            throttle.delay_after_failure().await;
            Ok(None)
        }
    }
}
