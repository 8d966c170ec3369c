//! Every call a client can make, as one closed type. JSON-RPC routes, the `/jsonrpc`
//! services and XML-RPC all decode into a [`Call`] before anything touches the
//! database; malformed arguments are found here. What an authenticated call got wrong
//! is kept as `Err` in the call and reported once the caller is authenticated, as Odoo
//! checks credentials before it binds a method's arguments.

use serde_json::{Map, Value};

use super::model_call::{ModelCall, RawCall, UnknownModel};
use crate::errors::{OdooError, OdooResult};
use crate::orm::Registry;

#[derive(Debug)]
pub enum Call {
    /// `version_info`, `common.version`.
    Version,
    /// `/web/database/list`, `db.list`.
    DatabaseList,
    /// `common.about`.
    About,
    /// `db.server_version`.
    ServerVersion,
    /// `db.db_exist(db_name)`.
    DatabaseExists(String),
    /// `db.list_lang`.
    ListLanguages,
    /// `common.login` / `common.authenticate`: the uid, or `false`.
    Login {
        db: String,
        login: String,
        password: String,
    },
    /// `object.execute_kw` / `object.execute` with a password (or API key).
    Object {
        db: String,
        uid: i64,
        password: String,
        call: OdooResult<ModelCall>,
    },
    /// `/web/session/authenticate`.
    Authenticate {
        db: String,
        login: String,
        password: String,
    },
    /// `/web/session/get_session_info`.
    SessionInfo,
    /// `/web/session/check`.
    SessionCheck,
    /// `/web/session/destroy`.
    SessionDestroy,
    /// `/web/dataset/call_kw` (and `call_button`, whose non-dict results become `false`).
    CallKw {
        call: OdooResult<ModelCall>,
        button: bool,
    },
}

/// What the log line says of a call, known from its parsing (never credentials).
#[derive(Clone, Debug, Default)]
pub struct CallNames {
    pub model: Option<String>,
    pub method: Option<String>,
}

impl Call {
    /// Whether the call needs the database at all.
    pub fn needs_database(&self) -> bool {
        !matches!(
            self,
            Call::Version
                | Call::DatabaseList
                | Call::About
                | Call::ServerVersion
                | Call::DatabaseExists(_)
                | Call::ListLanguages
        )
    }

    /// A JSON route's call from its `params`.
    pub fn from_route(
        registry: &'static Registry,
        route: &str,
        mut params: Map<String, Value>,
        names: &mut CallNames,
    ) -> OdooResult<Call> {
        let p = Params { params: &params };
        Ok(match route {
            "/jsonrpc" => {
                let service = p.named("service", "dispatch_rpc")?;
                let method = p.named("method", "dispatch_rpc")?;
                let args: Vec<Value> = match params.get("args") {
                    None | Some(Value::Null) => vec![],
                    Some(Value::Array(a)) => a.clone(),
                    Some(_) => return Err(OdooError::TypeError("args must be a list".into())),
                };
                Call::from_service(registry, &service, &method, args, names)?
            }
            "/web/webclient/version_info" => Call::Version,
            "/web/database/list" => Call::DatabaseList,
            "/web/session/authenticate" => Call::Authenticate {
                db: p.named("db", "authenticate")?,
                login: p.named("login", "authenticate")?,
                password: p.named("password", "authenticate")?,
            },
            "/web/session/get_session_info" => Call::SessionInfo,
            "/web/session/check" => Call::SessionCheck,
            "/web/session/destroy" => Call::SessionDestroy,
            "/web/dataset/call_kw" | "/web/dataset/call_button" => {
                // `args` and `kwargs` are taken, not copied: nothing else reads them.
                let args = params.remove("args");
                let kwargs = params.remove("kwargs");
                let p = Params { params: &params };
                let raw = (|| {
                    RawCall::new(
                        p.required("model", "call_kw")?,
                        p.required("method", "call_kw")?,
                        args,
                        kwargs,
                    )
                })();
                if let Ok(raw) = &raw {
                    names.model = Some(raw.model.clone());
                    names.method = Some(raw.method.clone());
                    // Odoo 18 looks the model up to choose the route's cursor, before
                    // the session is even read: an unknown model is werkzeug's NotFound
                    // for anyone.
                    if registry.get(&raw.model).is_none() {
                        return Err(OdooError::NotFound);
                    }
                }
                Call::CallKw {
                    call: raw
                        .and_then(|raw| ModelCall::parse(registry, raw, UnknownModel::NotFound)),
                    button: route == "/web/dataset/call_button",
                }
            }
            _ => return Err(OdooError::NotFound),
        })
    }

    /// A `service.method(*args)` call of `/jsonrpc` or XML-RPC.
    pub fn from_service(
        registry: &'static Registry,
        service: &str,
        method: &str,
        args: Vec<Value>,
        names: &mut CallNames,
    ) -> OdooResult<Call> {
        names.method = Some(format!("{service}.{method}"));
        let arg = |i: usize, name: &str| -> OdooResult<Value> {
            args.get(i).cloned().ok_or_else(|| {
                OdooError::TypeError(format!(
                    "{method}() missing required positional argument: '{name}'"
                ))
            })
        };
        // Named in the log line even when the credentials are refused.
        let name_model_call = |names: &mut CallNames| {
            if let (Some(Value::String(model)), Some(Value::String(name))) =
                (args.get(3), args.get(4))
            {
                names.model = Some(model.clone());
                names.method = Some(name.clone());
            }
        };
        Ok(match (service, method) {
            ("common", "version") => Call::Version,
            ("common", "login") | ("common", "authenticate") => {
                let db = text(arg(0, "db")?);
                let login = text(arg(1, "login")?);
                let password = text(arg(2, "password")?);
                name_model_call(names);
                Call::Login {
                    db,
                    login,
                    password,
                }
            }
            ("common", "about") => Call::About,
            ("common", other) => {
                return Err(OdooError::NameError(format!(
                    "Method not available {other}"
                )))
            }
            ("db", "list") => Call::DatabaseList,
            ("db", "server_version") => Call::ServerVersion,
            ("db", "db_exist") => Call::DatabaseExists(text(arg(0, "db_name")?)),
            ("db", "list_lang") => Call::ListLanguages,
            ("db", _) => return Err(OdooError::access_denied()),
            ("object", "execute_kw") | ("object", "execute") => {
                let db = text(arg(0, "db")?);
                let uid = arg(1, "uid")?
                    .as_i64()
                    .ok_or_else(OdooError::access_denied)?;
                let password = text(arg(2, "password")?);
                name_model_call(names);
                let call = (|| {
                    let raw = if method == "execute_kw" {
                        RawCall::new(
                            &arg(3, "obj")?,
                            &arg(4, "method")?,
                            Some(args.get(5).cloned().unwrap_or(Value::Array(vec![]))),
                            args.get(6).cloned(),
                        )?
                    } else {
                        RawCall::new(
                            &arg(3, "obj")?,
                            &arg(4, "method")?,
                            Some(Value::Array(
                                args.get(5..).map(<[Value]>::to_vec).unwrap_or_default(),
                            )),
                            None,
                        )?
                    };
                    ModelCall::parse(registry, raw, UnknownModel::DoesNotExist)
                })();
                Call::Object {
                    db,
                    uid,
                    password,
                    call,
                }
            }
            ("object", other) => {
                return Err(OdooError::NameError(format!(
                    "Method not available {other}"
                )))
            }
            (other, _) => return Err(OdooError::KeyError(format!("'{other}'"))),
        })
    }
}

/// A route's `params`, read with Odoo's controller-argument errors.
struct Params<'a> {
    params: &'a Map<String, Value>,
}

impl<'a> Params<'a> {
    fn required(&self, name: &str, handler: &str) -> OdooResult<&'a Value> {
        self.params.get(name).ok_or_else(|| {
            OdooError::TypeError(format!(
                "{handler}() missing 1 required positional argument: '{name}'"
            ))
        })
    }

    /// A string parameter; `false`/null read as empty, other values as their JSON text.
    fn named(&self, name: &str, handler: &str) -> OdooResult<String> {
        Ok(text(self.required(name, handler)?.clone()))
    }
}

/// A value as the string Odoo's services see: `false`/null are empty.
fn text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Bool(false) | Value::Null => String::new(),
        other => other.to_string(),
    }
}
