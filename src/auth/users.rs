//! Loading users and checking their credentials (password or API key).

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, Query};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use super::crypto;
use super::Auth;
use crate::errors::{OdooError, OdooResult};
use crate::orm::domain::{Domain, Op};
use crate::orm::Ident;
use crate::orm::{row_id, Env, UserInfo};

/// A user as the cache keeps them: `info` is `None` for an unknown or archived user.
#[derive(Clone)]
pub struct CachedUser {
    pub info: Option<std::sync::Arc<crate::orm::UserInfo>>,
    /// The stored password hash ("" when none).
    pub stored_hash: String,
}

/// Group ids → external ids, with `implied_ids` followed transitively.
pub async fn group_xmlids(env: &Env<'_>, uid: i64) -> OdooResult<HashSet<String>> {
    let q = Query::select()
        .column(Ident::new("gid"))
        .from(Ident::new("res_groups_users_rel"))
        .and_where(Expr::col(Ident::new("uid")).eq(uid))
        .to_owned();
    let mut groups: HashSet<i64> = env
        .tx
        .query_all(env.backend.build(&q))
        .await?
        .iter()
        .map(|r| row_id(r, "gid"))
        .collect::<OdooResult<_>>()?;
    let mut frontier: Vec<i64> = groups.iter().copied().collect();
    while !frontier.is_empty() {
        let q = Query::select()
            .column(Ident::new("hid"))
            .from(Ident::new("res_groups_implied_rel"))
            .and_where(Expr::col(Ident::new("gid")).is_in(frontier.clone()))
            .to_owned();
        frontier = Vec::new();
        for r in env.tx.query_all(env.backend.build(&q)).await? {
            let h = row_id(&r, "hid")?;
            if groups.insert(h) {
                frontier.push(h);
            }
        }
    }
    if groups.is_empty() {
        return Ok(HashSet::new());
    }
    let q = Query::select()
        .columns([Ident::new("module"), Ident::new("name")])
        .from(Ident::new("ir_model_data"))
        .and_where(Expr::col(Ident::new("model")).eq("res.groups"))
        .and_where(Expr::col(Ident::new("res_id")).is_in(groups.into_iter().collect::<Vec<_>>()))
        .to_owned();
    let mut out = HashSet::new();
    for r in env.tx.query_all(env.backend.build(&q)).await? {
        let module: String = r.try_get_by("module").map_err(OdooError::internal)?;
        let name: String = r.try_get_by("name").map_err(OdooError::internal)?;
        out.insert(format!("{module}.{name}"));
    }
    Ok(out)
}

/// A user's identity and rights, for the environment of a call. `None` when the user
/// does not exist or is archived.
pub async fn load_user(system: &Env<'_>, uid: i64) -> OdooResult<Option<UserInfo>> {
    let rows = system
        .values_of(
            "res.users",
            &[uid],
            &[
                "login",
                "name",
                "partner_id",
                "company_id",
                "company_ids",
                "lang",
                "tz",
                "active",
            ],
        )
        .await?;
    let Some(r) = rows.get(&uid) else {
        return Ok(None);
    };
    if r.get("active") != Some(&Value::Bool(true)) {
        return Ok(None);
    }
    let company_id = r.get("company_id").and_then(Value::as_i64).unwrap_or(1);
    let mut company_ids: Vec<i64> = r
        .get("company_ids")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    if !company_ids.contains(&company_id) {
        company_ids.insert(0, company_id);
    }
    Ok(Some(UserInfo {
        uid,
        login: r
            .get("login")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        name: r
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        partner_id: r.get("partner_id").and_then(Value::as_i64).unwrap_or(0),
        company_id,
        company_ids,
        groups: group_xmlids(system, uid).await?,
        lang: r
            .get("lang")
            .and_then(Value::as_str)
            .unwrap_or("en_US")
            .to_string(),
        tz: r.get("tz").and_then(Value::as_str).map(str::to_string),
    }))
}

/// A user and their stored password hash, from the cache when it holds them for the
/// signal value `generation` (see [`super::cache`]), else read and cached.
pub async fn cached_user(
    system: &Env<'_>,
    auth: &Auth,
    generation: i64,
    uid: i64,
) -> OdooResult<CachedUser> {
    if let Some(user) = auth.cache.user(generation, uid) {
        return Ok(user);
    }
    let user = CachedUser {
        info: load_user(system, uid).await?.map(std::sync::Arc::new),
        stored_hash: stored_hash(system, uid).await?,
    };
    auth.cache.put_user(generation, uid, user.clone());
    Ok(user)
}

/// The stored password hash of a user (empty when none).
pub async fn stored_hash(system: &Env<'_>, uid: i64) -> OdooResult<String> {
    let q = Query::select()
        .column(Ident::new("password"))
        .from(Ident::new("res_users"))
        .and_where(Expr::col(Ident::new("id")).eq(uid))
        .to_owned();
    let rows = system.tx.query_all(system.backend.build(&q)).await?;
    Ok(rows
        .first()
        .and_then(|r| r.try_get_by::<Option<String>, _>("password").ok().flatten())
        .unwrap_or_default())
}

/// How a credential may be checked: interactive logins take passwords only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Interactive,
    Rpc,
}

/// What checking a password needs, read from the database first, so that the check
/// itself (pbkdf2: about 0.3 s at Odoo's 600,000 rounds) runs with no transaction
/// open and off the async workers.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    /// The user, `None` for an unknown login (checked against a dummy hash all the
    /// same, so that both answers take as long).
    pub uid: Option<i64>,
    /// The stored password hash ("" when none).
    pub stored: String,
    /// Hashes of the user's unexpired API keys whose index matches the password
    /// (RPC calls only).
    pub api_keys: Vec<String>,
}

/// What a credential turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verified {
    Password,
    ApiKey,
    No,
}

impl Credentials {
    /// Whether `password` was already verified against these credentials (Odoo caches
    /// `res.users.check` per uid and password; a changed hash is a new entry).
    pub fn cached(&self, auth: &Auth, password: &str) -> bool {
        match self.uid {
            Some(uid) if !self.stored.is_empty() => {
                auth.credentials.is_verified(uid, &self.stored, password)
            }
            _ => false,
        }
    }

    /// Checks `password` (or an API key): CPU only, meant for a blocking thread.
    /// Always hashes once, even for an unknown user or an empty stored hash.
    pub fn verify(&self, password: &str, dummy_hash: &str) -> Verified {
        let real = self.uid.is_some() && !self.stored.is_empty();
        let stored = if real {
            self.stored.as_str()
        } else {
            dummy_hash
        };
        if crypto::verify_password(password, stored) && real {
            Verified::Password
        } else if self
            .api_keys
            .iter()
            .any(|h| crypto::verify_api_key(password, h))
        {
            Verified::ApiKey
        } else {
            Verified::No
        }
    }

    /// [`verify`](Self::verify) on tokio's blocking pool. With `cache`, a password
    /// verified before is trusted and a verified one remembered (Odoo caches
    /// `res.users.check`, the check of `execute_kw`; logins always hash).
    pub async fn verify_off_thread(
        &self,
        auth: &Auth,
        password: &str,
        cache: bool,
    ) -> OdooResult<bool> {
        if password.is_empty() {
            return Ok(false);
        }
        if cache && self.cached(auth, password) {
            return Ok(true);
        }
        let (me, pw, dummy) = (self.clone(), password.to_string(), auth.dummy_hash());
        let permit = auth.hashing.acquire().await.map_err(OdooError::internal)?;
        auth.hashes_checked
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let verified = tokio::task::spawn_blocking(move || me.verify(&pw, &dummy()))
            .await
            .map_err(OdooError::internal)?;
        drop(permit);
        if let (true, Verified::Password, Some(uid)) = (cache, verified, self.uid) {
            auth.credentials.remember(uid, &self.stored, password);
        }
        Ok(verified != Verified::No)
    }
}

/// Reads what checking `password` for `uid` needs (nothing is verified here).
pub async fn load_credentials(
    system: &Env<'_>,
    uid: Option<i64>,
    password: &str,
    kind: CredentialKind,
) -> OdooResult<Credentials> {
    let Some(uid) = uid else {
        return Ok(Credentials::default());
    };
    let stored = stored_hash(system, uid).await?;
    credentials_with_hash(system, Some(uid), stored, password, kind).await
}

/// [`load_credentials`] when the stored hash is known already (from the cache).
pub async fn credentials_with_hash(
    system: &Env<'_>,
    uid: Option<i64>,
    stored: String,
    password: &str,
    kind: CredentialKind,
) -> OdooResult<Credentials> {
    let Some(uid) = uid else {
        return Ok(Credentials::default());
    };
    let api_keys = if kind == CredentialKind::Rpc && crypto::looks_like_api_key(password) {
        api_key_hashes(system, uid, password).await?
    } else {
        vec![]
    };
    Ok(Credentials {
        uid: Some(uid),
        stored,
        api_keys,
    })
}

/// Checks `password` (or, for RPC, an API key) for `uid` inside the caller's
/// transaction (a user proving their password to change it); the hashing itself
/// runs on a blocking thread. Verified pairs are cached.
pub async fn check_credentials(
    system: &Env<'_>,
    auth: &Auth,
    uid: i64,
    password: &str,
    kind: CredentialKind,
) -> OdooResult<bool> {
    let credentials = load_credentials(system, Some(uid), password, kind).await?;
    credentials.verify_off_thread(auth, password, true).await
}

/// The hashes of `uid`'s unexpired API keys whose index is the key's.
async fn api_key_hashes(system: &Env<'_>, uid: i64, key: &str) -> OdooResult<Vec<String>> {
    let index = crypto::api_key_index(key);
    let d = Domain::leaf("user_id", Op::Eq, json!(uid)).and(Domain::leaf(
        "index",
        Op::Eq,
        json!(index),
    ));
    let ids = system.search("res.users.apikeys", d, 0, None, None).await?;
    let now = chrono::Utc::now().naive_utc();
    let mut out = Vec::new();
    for id in ids {
        let q = Query::select()
            .columns([Ident::new("key"), Ident::new("expiration_date")])
            .from(Ident::new("res_users_apikeys"))
            .and_where(Expr::col(Ident::new("id")).eq(id))
            .to_owned();
        for r in system.tx.query_all(system.backend.build(&q)).await? {
            let stored: Option<String> = r.try_get_by("key").ok().flatten();
            let raw = crate::orm::values::from_row(
                &r,
                "expiration_date",
                system
                    .model("res.users.apikeys")?
                    .get_field("expiration_date")
                    .ok_or_else(|| OdooError::internal("field"))?,
                system.backend,
            )?;
            let expired = raw
                .as_str()
                .and_then(crate::orm::values::parse_datetime)
                .map(|d| d < now)
                .unwrap_or(false);
            if let (false, Some(stored)) = (expired, stored) {
                out.push(stored);
            }
        }
    }
    Ok(out)
}

/// Finds the active user with exactly `login`, as Odoo's `_get_login_domain`
/// (`[('login', '=', login)]`): no case folding, and no `=ilike` whose `%` and `_`
/// wildcards would let "adm%" stand for "admin".
pub async fn find_login(system: &Env<'_>, login: &str) -> OdooResult<Option<i64>> {
    let ids = system
        .search(
            "res.users",
            Domain::leaf("login", Op::Eq, json!(login)),
            0,
            Some(1),
            None,
        )
        .await?;
    Ok(ids.first().copied())
}

/// Creates an API key for a user and returns it in clear, once.
pub async fn create_api_key(
    system: &Env<'_>,
    uid: i64,
    name: &str,
    expiration: Option<&str>,
) -> OdooResult<String> {
    let key = crypto::generate_api_key();
    let mut vals = serde_json::Map::new();
    vals.insert("name".into(), json!(name));
    vals.insert("user_id".into(), json!(uid));
    vals.insert("scope".into(), json!("rpc"));
    vals.insert("index".into(), json!(crypto::api_key_index(&key)));
    if let Some(e) = expiration {
        vals.insert("expiration_date".into(), json!(e));
    }
    let id = system.create("res.users.apikeys", vec![vals]).await?[0];
    let q = Query::update()
        .table(Ident::new("res_users_apikeys"))
        .value(Ident::new("key"), crypto::hash_api_key(&key))
        .and_where(Expr::col(Ident::new("id")).eq(id))
        .to_owned();
    system.execute(system.backend.build(&q)).await?;
    Ok(key)
}

/// Maps for session_info: id → (symbol, position, digits).
pub async fn currencies(system: &Env<'_>) -> OdooResult<HashMap<i64, Value>> {
    let ids = system
        .search("res.currency", Domain::True, 0, None, None)
        .await?;
    let rows = system
        .values_of(
            "res.currency",
            &ids,
            &["symbol", "position", "decimal_places"],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            (
                id,
                json!({
                    "symbol": r.get("symbol").cloned().unwrap_or(Value::Bool(false)),
                    "position": r.get("position").cloned().unwrap_or(json!("after")),
                    "digits": [69, r.get("decimal_places").cloned().unwrap_or(json!(2))],
                }),
            )
        })
        .collect())
}
