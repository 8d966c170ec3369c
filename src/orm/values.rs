//! Converting field values between Odoo's wire form (JSON) and database columns,
//! per field type and backend. The only place that knows that SQLite keeps money and
//! dates as text.

use std::str::FromStr;

use models::{Field, FieldType};
use rust_decimal::Decimal;
use sea_orm::{DbBackend, QueryResult, Value as DbValue};
use serde_json::Value;

use crate::errors::{OdooError, OdooResult};

pub const DATE_FORMAT: &str = "%Y-%m-%d";
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Records as the JSON list they are answered as: moved into it, not serialized again.
pub fn records_json(records: Vec<serde_json::Map<String, Value>>) -> Value {
    Value::Array(records.into_iter().map(Value::Object).collect())
}

/// A JSON number carrying the exact text of a decimal.
pub fn decimal_to_json(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A float or monetary value as Odoo's JSON writes a Python float: always with a
/// decimal point (`140.0`, `19.5`), the digits exact.
pub fn float_to_json(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    let text = if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    };
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The exact decimal a JSON number (or numeric string) spells.
pub fn json_to_decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => {
            let t = n.to_string();
            Decimal::from_str(&t)
                .or_else(|_| Decimal::from_scientific(&t))
                .ok()
        }
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// A float column value as an exact decimal (f64's shortest round-trip text).
pub fn f64_to_decimal(f: f64) -> Decimal {
    Decimal::from_str(&format!("{f}"))
        .or_else(|_| Decimal::from_scientific(&format!("{f:e}")))
        .unwrap_or_default()
}

/// psycopg2's refusal of a NUL byte in a query parameter, which Odoo lets through as
/// a `ValueError`: given on both backends (SQLite would store it).
pub const NUL_ERROR: &str = "A string literal cannot contain NUL (0x00) characters.";

/// Refuses a string holding a NUL byte, as Odoo's database driver does.
pub fn no_nul(s: &str) -> OdooResult<()> {
    if s.contains('\0') {
        return Err(OdooError::ValueError(NUL_ERROR.into()));
    }
    Ok(())
}

fn invalid(model: &str, field: &Field, v: &Value) -> OdooError {
    OdooError::ValueError(format!(
        "Wrong value for {}.{}: {}",
        model,
        field.name,
        python_repr(v)
    ))
}

/// Python's repr of a JSON value, for messages that quote the client's input.
pub fn python_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => python_str_repr(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(python_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => {
            format!(
                "{{{}}}",
                map.iter()
                    .map(|(k, v)| format!("{}: {}", python_str_repr(k), python_repr(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        Value::Number(n) => n.to_string(),
    }
}

/// Python's `repr()` of a string: single quotes, or double quotes when the text has a
/// single quote and no double one; backslashes, the quote and characters Python does
/// not print escaped as Python escapes them.
pub fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !python_printable(c) => {
                let code = c as u32;
                if code < 0x100 {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character: controls, separators other than the
/// space, format characters and private-use characters are not printable.
fn python_printable(c: char) -> bool {
    let code = c as u32;
    !(c.is_control()
        || matches!(
            code,
            0xa0 | 0xad
                | 0x600..=0x605
                | 0x61c
                | 0x6dd
                | 0x70f
                | 0x1680
                | 0x180e
                | 0x2000..=0x200f
                | 0x2028..=0x202f
                | 0x205f..=0x2064
                | 0x2066..=0x206f
                | 0x3000
                | 0xd800..=0xdfff
                | 0xe000..=0xf8ff
                | 0xfeff
                | 0xfff9..=0xfffb
                | 0xf0000..
        ))
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Bool(false))
}

/// Python's name of a JSON value's type, as `TypeError` messages print it.
pub fn python_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int",
        Value::Number(_) => "float",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Ids as Python prints a tuple of them: `()`, `(3,)`, `(3, 4)`.
pub fn python_tuple(ids: &[i64]) -> String {
    match ids {
        [id] => format!("({id},)"),
        _ => format!(
            "({})",
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Converts a client value into the column value of `field`, refusing wrong types.
pub fn to_column(model: &str, field: &Field, v: &Value, backend: DbBackend) -> OdooResult<DbValue> {
    let sqlite = backend == DbBackend::Sqlite;
    if let Value::String(s) = v {
        no_nul(s)?;
    }
    Ok(match &field.ty {
        FieldType::Char { .. } | FieldType::Text => match v {
            _ if is_empty(v) => DbValue::String(None),
            Value::String(s) => DbValue::String(Some(Box::new(s.clone()))),
            Value::Number(n) => DbValue::String(Some(Box::new(n.to_string()))),
            _ => return Err(invalid(model, field, v)),
        },
        // Odoo validates static selections only: a selection given by a method
        // (`dynamic_selection`) stores whatever it is sent; an empty value is NULL.
        FieldType::Selection(options) => match v {
            _ if is_empty(v) => DbValue::String(None),
            Value::String(s) if s.is_empty() => DbValue::String(None),
            Value::String(s) if field.dynamic_selection || options.iter().any(|(k, _)| k == s) => {
                DbValue::String(Some(Box::new(s.clone())))
            }
            Value::Number(n) if field.dynamic_selection => {
                DbValue::String(Some(Box::new(n.to_string())))
            }
            _ => return Err(invalid(model, field, v)),
        },
        FieldType::Boolean => match v {
            Value::Null => DbValue::Bool(Some(false)),
            Value::Bool(b) => DbValue::Bool(Some(*b)),
            Value::Number(n) => DbValue::Bool(Some(n.as_f64().unwrap_or(0.0) != 0.0)),
            Value::String(s) => DbValue::Bool(Some(!s.is_empty())),
            _ => return Err(invalid(model, field, v)),
        },
        FieldType::Integer => match v {
            _ if is_empty(v) => DbValue::Int(Some(0)),
            Value::Number(n) => match n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            {
                Some(i) if i32::try_from(i).is_ok() => DbValue::Int(Some(i as i32)),
                _ => return Err(invalid(model, field, v)),
            },
            Value::Bool(true) => DbValue::Int(Some(1)),
            _ => return Err(invalid(model, field, v)),
        },
        FieldType::Many2one { .. } => match v {
            _ if is_empty(v) => DbValue::Int(None),
            Value::Number(n) => match n.as_i64() {
                Some(i) if i > 0 && i32::try_from(i).is_ok() => DbValue::Int(Some(i as i32)),
                _ => return Err(invalid(model, field, v)),
            },
            // Some clients send a many2one as `[id, "name"]`.
            Value::Array(items) if !items.is_empty() => {
                return to_column(model, field, &items[0], backend)
            }
            _ => return Err(invalid(model, field, v)),
        },
        FieldType::Float => match v {
            _ if is_empty(v) => DbValue::Double(Some(0.0)),
            Value::Number(n) => {
                DbValue::Double(Some(n.as_f64().ok_or_else(|| invalid(model, field, v))?))
            }
            Value::String(s) => DbValue::Double(Some(
                s.trim().parse().map_err(|_| invalid(model, field, v))?,
            )),
            _ => return Err(invalid(model, field, v)),
        },
        FieldType::Monetary { .. } => {
            let d = if is_empty(v) {
                Decimal::ZERO
            } else {
                json_to_decimal(v).ok_or_else(|| invalid(model, field, v))?
            };
            if sqlite {
                DbValue::String(Some(Box::new(d.normalize().to_string())))
            } else {
                DbValue::Decimal(Some(Box::new(d)))
            }
        }
        FieldType::Date => match v {
            _ if is_empty(v) => {
                if sqlite {
                    DbValue::String(None)
                } else {
                    DbValue::ChronoDate(None)
                }
            }
            Value::String(s) => {
                let s10 = s.get(..10).unwrap_or(s);
                let d = chrono::NaiveDate::parse_from_str(s10, DATE_FORMAT)
                    .map_err(|_| invalid(model, field, v))?;
                if sqlite {
                    DbValue::String(Some(Box::new(d.format(DATE_FORMAT).to_string())))
                } else {
                    DbValue::ChronoDate(Some(Box::new(d)))
                }
            }
            _ => return Err(invalid(model, field, v)),
        },
        FieldType::Datetime => match v {
            _ if is_empty(v) => {
                if sqlite {
                    DbValue::String(None)
                } else {
                    DbValue::ChronoDateTime(None)
                }
            }
            Value::String(s) => {
                let d = parse_datetime(s).ok_or_else(|| invalid(model, field, v))?;
                if sqlite {
                    DbValue::String(Some(Box::new(d.format(DATETIME_FORMAT).to_string())))
                } else {
                    DbValue::ChronoDateTime(Some(Box::new(d)))
                }
            }
            _ => return Err(invalid(model, field, v)),
        },
        FieldType::One2many { .. } | FieldType::Many2many { .. } => {
            return Err(OdooError::Internal(format!(
                "{}.{} has no column",
                model, field.name
            )))
        }
    })
}

pub fn parse_datetime(s: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(s, DATETIME_FORMAT)
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, DATE_FORMAT)
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

/// The current UTC time as a column value.
pub fn now_column(backend: DbBackend) -> DbValue {
    let now = chrono::Utc::now().naive_utc();
    let now = now.with_nanosecond_zero();
    if backend == DbBackend::Sqlite {
        DbValue::String(Some(Box::new(now.format(DATETIME_FORMAT).to_string())))
    } else {
        DbValue::ChronoDateTime(Some(Box::new(now)))
    }
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}
impl NoNanos for chrono::NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

/// Reads column `name` of a row as the raw value of `field`: many2one as a bare id,
/// empty values as `null` (the reader turns them into `false`).
pub fn from_row(
    row: &QueryResult,
    name: &str,
    field: &Field,
    backend: DbBackend,
) -> OdooResult<Value> {
    let sqlite = backend == DbBackend::Sqlite;
    let err = |e: sea_orm::DbErr| OdooError::Internal(format!("decoding {name}: {e}"));
    Ok(match &field.ty {
        FieldType::Char { .. } | FieldType::Text | FieldType::Selection(_) => row
            .try_get_by::<Option<String>, _>(name)
            .map_err(err)?
            .map(Value::String)
            .unwrap_or(Value::Null),
        FieldType::Boolean => Value::Bool(
            row.try_get_by::<Option<bool>, _>(name)
                .map_err(err)?
                .unwrap_or(false),
        ),
        FieldType::Integer | FieldType::Many2one { .. } => {
            if sqlite {
                row.try_get_by::<Option<i64>, _>(name)
                    .map_err(err)?
                    .map(Value::from)
                    .unwrap_or(Value::Null)
            } else {
                row.try_get_by::<Option<i32>, _>(name)
                    .map_err(err)?
                    .map(Value::from)
                    .unwrap_or(Value::Null)
            }
        }
        FieldType::Float => row
            .try_get_by::<Option<f64>, _>(name)
            .map_err(err)?
            .map(|f| float_to_json(f64_to_decimal(f)))
            .unwrap_or(Value::Null),
        FieldType::Monetary { .. } => {
            let d = if sqlite {
                row.try_get_by::<Option<String>, _>(name)
                    .map_err(err)?
                    .and_then(|s| Decimal::from_str(&s).ok())
            } else {
                row.try_get_by::<Option<Decimal>, _>(name).map_err(err)?
            };
            d.map(float_to_json).unwrap_or(Value::Null)
        }
        FieldType::Date => {
            if sqlite {
                row.try_get_by::<Option<String>, _>(name)
                    .map_err(err)?
                    .map(Value::String)
                    .unwrap_or(Value::Null)
            } else {
                row.try_get_by::<Option<chrono::NaiveDate>, _>(name)
                    .map_err(err)?
                    .map(|d| Value::String(d.format(DATE_FORMAT).to_string()))
                    .unwrap_or(Value::Null)
            }
        }
        FieldType::Datetime => {
            if sqlite {
                row.try_get_by::<Option<String>, _>(name)
                    .map_err(err)?
                    .map(Value::String)
                    .unwrap_or(Value::Null)
            } else {
                row.try_get_by::<Option<chrono::NaiveDateTime>, _>(name)
                    .map_err(err)?
                    .map(|d| Value::String(d.format(DATETIME_FORMAT).to_string()))
                    .unwrap_or(Value::Null)
            }
        }
        FieldType::One2many { .. } | FieldType::Many2many { .. } => Value::Null,
    })
}

/// The value `read` shows for an empty field: `false`, or `0`/`0.0` for numbers.
pub fn empty_value(field: &Field) -> Value {
    match field.ty {
        FieldType::Integer => Value::from(0),
        FieldType::Float | FieldType::Monetary { .. } => {
            serde_json::from_str("0.0").unwrap_or(Value::from(0))
        }
        FieldType::One2many { .. } | FieldType::Many2many { .. } => Value::Array(vec![]),
        _ => Value::Bool(false),
    }
}
