//! Odoo's exception kinds, the one error type of the core. The transport turns them
//! into JSON-RPC envelopes in one place (`http::envelope`).

use thiserror::Error;

/// An error a client sees, named and worded as Odoo names and words it.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum OdooError {
    #[error("{0}")]
    UserError(String),
    #[error("{0}")]
    ValidationError(String),
    #[error("{0}")]
    AccessError(String),
    #[error("{0}")]
    AccessDenied(String),
    #[error("{0}")]
    MissingError(String),
    #[error("{0}")]
    ValueError(String),
    #[error("{0}")]
    KeyError(String),
    #[error("{0}")]
    IndexError(String),
    /// Odoo's answer to an input nested deeper than it can process (CPython's
    /// recursion limit); ours comes from the documented depth limits of our parsers.
    #[error("{0}")]
    RecursionError(String),
    #[error("{0}")]
    TypeError(String),
    #[error("{0}")]
    AttributeError(String),
    #[error("{0}")]
    NameError(String),
    /// Code 100 "Odoo Session Expired".
    #[error("Session expired")]
    SessionExpired,
    /// werkzeug's `NotFound`: code 404 inside a JSON route; its text is werkzeug's.
    #[error("404 Not Found: The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.")]
    NotFound,
    /// Anything unexpected; the text is logged, the client sees a generic message.
    #[error("{0}")]
    Internal(String),
}

pub type OdooResult<T> = Result<T, OdooError>;

impl OdooError {
    /// The `data.name` Odoo puts in its error envelope.
    pub fn exception_name(&self) -> &'static str {
        match self {
            OdooError::UserError(_) => "odoo.exceptions.UserError",
            OdooError::ValidationError(_) => "odoo.exceptions.ValidationError",
            OdooError::AccessError(_) => "odoo.exceptions.AccessError",
            OdooError::AccessDenied(_) => "odoo.exceptions.AccessDenied",
            OdooError::MissingError(_) => "odoo.exceptions.MissingError",
            OdooError::ValueError(_) => "builtins.ValueError",
            OdooError::KeyError(_) => "builtins.KeyError",
            OdooError::IndexError(_) => "builtins.IndexError",
            OdooError::RecursionError(_) => "builtins.RecursionError",
            OdooError::TypeError(_) => "builtins.TypeError",
            OdooError::AttributeError(_) => "builtins.AttributeError",
            OdooError::NameError(_) => "builtins.NameError",
            OdooError::SessionExpired => "odoo.http.SessionExpiredException",
            OdooError::NotFound => "werkzeug.exceptions.NotFound",
            OdooError::Internal(_) => "builtins.Exception",
        }
    }

    /// The message shown to the client. Internal errors never leak their text.
    pub fn client_message(&self) -> String {
        match self {
            OdooError::Internal(_) => "Internal Server Error".to_string(),
            other => other.to_string(),
        }
    }

    pub fn access_denied() -> OdooError {
        OdooError::AccessDenied("Access Denied".to_string())
    }

    /// CPython's text when an input is nested beyond what can be processed.
    pub fn too_deep() -> OdooError {
        OdooError::RecursionError("maximum recursion depth exceeded".to_string())
    }

    pub fn internal(e: impl std::fmt::Display) -> OdooError {
        OdooError::Internal(e.to_string())
    }
}
