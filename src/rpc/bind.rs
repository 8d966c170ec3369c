//! The one argument binder: positional and keyword arguments bound to a method's
//! named parameters with Python's rules and Python's `TypeError` texts, and the typed
//! reads of bound values (ids, strings, limits, amounts) every call parser uses.

use serde_json::{Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::money::decimal_from_json;
use crate::orm::behaviour::{Arg, Param, ParamKind};
use crate::orm::values::python_repr;

/// Arguments bound to a method's parameters.
pub struct Bound<'m> {
    method: &'m str,
    params: Vec<&'m str>,
    values: Vec<Option<Value>>,
}

impl<'m> Bound<'m> {
    /// Binds `args` then `kwargs` to `params` as Python does. `context` is never a
    /// parameter: it is the call's context, read apart.
    pub fn bind(
        method: &'m str,
        params: &[&'m str],
        args: &[Value],
        kwargs: &Map<String, Value>,
    ) -> OdooResult<Bound<'m>> {
        if args.len() > params.len() {
            let takes = if params.is_empty() {
                "1 positional argument".to_string()
            } else {
                format!("from 1 to {} positional arguments", params.len() + 1)
            };
            return Err(OdooError::TypeError(format!(
                "{method}() takes {takes} but {} were given",
                args.len() + 1
            )));
        }
        let mut values: Vec<Option<Value>> = params
            .iter()
            .enumerate()
            .map(|(i, _)| args.get(i).cloned())
            .collect();
        for (k, v) in kwargs {
            if k == "context" {
                continue;
            }
            match params.iter().position(|p| p == k) {
                Some(i) if i < args.len() => {
                    return Err(OdooError::TypeError(format!(
                        "{method}() got multiple values for argument '{k}'"
                    )))
                }
                Some(i) => values[i] = Some(v.clone()),
                None => {
                    return Err(OdooError::TypeError(format!(
                        "{method}() got an unexpected keyword argument '{k}'"
                    )))
                }
            }
        }
        Ok(Bound {
            method,
            params: params.to_vec(),
            values,
        })
    }

    fn name(&self, i: usize) -> &str {
        self.params.get(i).copied().unwrap_or("?")
    }

    /// The value given for parameter `i`, if any (null counts as not given).
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.values
            .get(i)
            .and_then(|v| v.as_ref())
            .filter(|v| !v.is_null())
    }

    /// Whether parameter `i` was given at all (null included).
    pub fn given(&self, i: usize) -> bool {
        matches!(self.values.get(i), Some(Some(_)))
    }

    /// The raw value of parameter `i`, null included.
    pub fn raw(&self, i: usize) -> Option<&Value> {
        self.values.get(i).and_then(|v| v.as_ref())
    }

    pub fn missing(&self, i: usize) -> OdooError {
        OdooError::TypeError(format!(
            "{}() missing 1 required positional argument: '{}'",
            self.method,
            self.name(i)
        ))
    }

    pub fn required(&self, i: usize) -> OdooResult<&Value> {
        self.raw(i).ok_or_else(|| self.missing(i))
    }

    /// A non-negative integer (`offset`, `limit`); `False` or absent is `None`. SQL
    /// takes at most a signed 64-bit `LIMIT`/`OFFSET`: a larger number is refused
    /// here (Odoo lets PostgreSQL refuse it: "bigint out of range").
    pub fn u64(&self, i: usize) -> OdooResult<Option<u64>> {
        match self.get(i) {
            None | Some(Value::Bool(false)) => Ok(None),
            Some(Value::Number(n))
                if n.as_u64().is_some_and(|n| n > i64::MAX as u64) || is_huge(n) =>
            {
                Err(OdooError::ValueError(format!(
                    "{} out of range: {n} (at most {})",
                    self.name(i),
                    i64::MAX
                )))
            }
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                OdooError::TypeError(format!("{} must be a non-negative integer", self.name(i)))
            }),
        }
    }

    pub fn string(&self, i: usize) -> OdooResult<Option<String>> {
        match self.get(i) {
            None | Some(Value::Bool(false)) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(OdooError::TypeError(format!(
                "{} must be a string",
                self.name(i)
            ))),
        }
    }

    /// A list of strings (a single string counts as a list of one).
    pub fn strings(&self, i: usize) -> OdooResult<Option<Vec<String>>> {
        let name = self.name(i);
        match self.get(i) {
            None | Some(Value::Bool(false)) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        OdooError::TypeError(format!("{name} must be a list of strings"))
                    })
                })
                .collect::<OdooResult<Vec<_>>>()
                .map(Some),
            Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
            Some(_) => Err(OdooError::TypeError(format!(
                "{name} must be a list of strings"
            ))),
        }
    }

    /// A dict; `False`/null/absent is an empty one.
    pub fn object(&self, i: usize) -> OdooResult<Map<String, Value>> {
        as_object(self.get(i).unwrap_or(&Value::Null), self.name(i))
    }

    /// Record ids.
    pub fn ids(&self, i: usize) -> OdooResult<Vec<i64>> {
        parse_ids(self.get(i))
    }

    /// Binds and checks a business method's declared parameters.
    pub fn typed(&self, params: &[Param]) -> OdooResult<Vec<Arg>> {
        params
            .iter()
            .enumerate()
            .map(|(i, p)| self.typed_one(i, p))
            .collect()
    }

    fn typed_one(&self, i: usize, p: &Param) -> OdooResult<Arg> {
        let arg = match (p.kind, self.raw(i)) {
            (_, None) => Arg::Missing,
            (ParamKind::Any, Some(v)) => Arg::Value(v.clone()),
            (ParamKind::Str, Some(Value::String(s))) => Arg::Str(s.clone()),
            (ParamKind::Str, Some(Value::Null | Value::Bool(false))) if !p.required => Arg::Missing,
            (ParamKind::Str, Some(v)) => {
                return Err(OdooError::TypeError(format!(
                    "{}() argument '{}' must be a string, not {}",
                    self.method,
                    p.name,
                    python_repr(v)
                )))
            }
            (ParamKind::Amount, Some(Value::Null)) => Arg::Missing,
            (ParamKind::Amount, Some(v)) => Arg::Amount(decimal_from_json(v).ok_or_else(|| {
                OdooError::ValueError(format!(
                    "The {} must be a number, not {}",
                    p.name,
                    python_repr(v)
                ))
            })?),
            (ParamKind::Object, Some(Value::Object(m))) => Arg::Object(m.clone()),
            (ParamKind::Object, Some(Value::Null | Value::Bool(false))) => Arg::Missing,
            (ParamKind::Object, Some(v)) => {
                return Err(OdooError::TypeError(format!(
                    "{}() argument '{}' must be a dict, not {}",
                    self.method,
                    p.name,
                    python_repr(v)
                )))
            }
        };
        if p.required && arg == Arg::Missing {
            return Err(self.missing(i));
        }
        Ok(arg)
    }
}

/// Whether a JSON number is a positive integer beyond 64 bits (`2**64`, `1e30`).
fn is_huge(n: &serde_json::Number) -> bool {
    let text = n.to_string();
    n.as_u64().is_none()
        && n.as_i64().is_none()
        && !text.starts_with('-')
        && text
            .parse::<f64>()
            .is_ok_and(|f| f >= i64::MAX as f64 && f.fract() == 0.0)
}

/// Record ids from a value: a list of ints or a single int.
pub fn parse_ids(v: Option<&Value>) -> OdooResult<Vec<i64>> {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(vec![]),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|i| vec![i])
            .ok_or_else(|| OdooError::TypeError("ids must be integers".into())),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_i64().ok_or_else(|| {
                    OdooError::TypeError(format!("ids must be integers, not {}", python_repr(i)))
                })
            })
            .collect(),
        Some(other) => Err(OdooError::TypeError(format!(
            "ids must be a list of integers, not {}",
            python_repr(other)
        ))),
    }
}

/// A dict value; `False`/null is an empty one.
pub fn as_object(v: &Value, what: &str) -> OdooResult<Map<String, Value>> {
    match v {
        Value::Object(m) => Ok(m.clone()),
        Value::Null | Value::Bool(false) => Ok(Map::new()),
        other => Err(OdooError::TypeError(format!(
            "{what} must be a dict, not {}",
            python_repr(other)
        ))),
    }
}

/// Whether a value is a list of ints (the ids a record method is called on).
pub fn looks_like_ids(v: &Value) -> bool {
    matches!(v, Value::Array(items) if items.iter().all(Value::is_i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kw(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn binds_like_python() {
        let b = Bound::bind(
            "search",
            &["domain", "offset", "limit"],
            &[json!([])],
            &kw(json!({"limit": 5, "context": {}})),
        )
        .unwrap();
        assert_eq!(b.u64(2).unwrap(), Some(5));
        for huge in ["9223372036854775808", "18446744073709551616", "1e30"] {
            let n: Value = serde_json::from_str(huge).unwrap();
            let b = Bound::bind("search", &["limit"], &[n], &Map::new()).unwrap();
            assert!(
                matches!(b.u64(0), Err(OdooError::ValueError(m)) if m.starts_with("limit out of range"))
            );
        }
        let b = Bound::bind("search", &["limit"], &[json!(i64::MAX)], &Map::new()).unwrap();
        assert_eq!(b.u64(0).unwrap(), Some(i64::MAX as u64));
        assert!(b.get(1).is_none());
        let err = Bound::bind("search", &["domain"], &[json!([]), json!(1)], &Map::new())
            .err()
            .unwrap();
        assert_eq!(
            err,
            OdooError::TypeError(
                "search() takes from 1 to 2 positional arguments but 3 were given".into()
            )
        );
        let err = Bound::bind(
            "search",
            &["domain"],
            &[json!([])],
            &kw(json!({"domain": []})),
        )
        .err()
        .unwrap();
        assert_eq!(
            err,
            OdooError::TypeError("search() got multiple values for argument 'domain'".into())
        );
        let err = Bound::bind("search", &["domain"], &[], &kw(json!({"bogus": 1})))
            .err()
            .unwrap();
        assert_eq!(
            err,
            OdooError::TypeError("search() got an unexpected keyword argument 'bogus'".into())
        );
    }

    #[test]
    fn typed_parameters_are_checked() {
        let params = [
            Param::required("amount", ParamKind::Amount),
            Param::optional("label", ParamKind::Str),
        ];
        let b = Bound::bind("pay", &["amount", "label"], &[json!(12.5)], &Map::new()).unwrap();
        assert_eq!(
            b.typed(&params).unwrap(),
            vec![
                Arg::Amount(rust_decimal::Decimal::new(125, 1)),
                Arg::Missing
            ]
        );
        let b = Bound::bind("pay", &["amount", "label"], &[json!("a lot")], &Map::new()).unwrap();
        assert!(matches!(b.typed(&params), Err(OdooError::ValueError(_))));
        let b = Bound::bind("pay", &["amount", "label"], &[], &Map::new()).unwrap();
        assert_eq!(
            b.typed(&params).err().unwrap(),
            OdooError::TypeError("pay() missing 1 required positional argument: 'amount'".into())
        );
    }
}
