//! Request parameters: Stripe's bracketed form encoding and per-endpoint validation.
//!
//! Stripe takes `application/x-www-form-urlencoded` bodies (and query strings on GET) where
//! brackets build nested values: `metadata[k]=v` is a hash, `expand[]=x` appends to a list and
//! `a[b][c]=v` nests deeper. [`parse_form`] turns such input into a JSON tree whose leaves are
//! strings; [`validate`] then checks that tree against the endpoint's [`Field`] list, producing the
//! same error codes Stripe does (`parameter_unknown`, `parameter_missing`,
//! `parameter_invalid_integer`). Handlers read the checked values through [`Params`].
//!
//! The parser is bounded: a name may nest at most [`MAX_NESTING_DEPTH`] brackets deep and a
//! request may carry at most [`MAX_PARAMS`] pairs; beyond either the request is a 400
//! `invalid_request_error` before anything is stored. Nothing else in it recurses, so no input
//! can exhaust the stack, and its memory is bounded by the request body's size limit.

use serde_json::{Map, Value};

use super::error::ApiError;

/// The type of one declared parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    Str,
    /// An integer between `min` and `max`, sent as decimal digits.
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    Enum(&'static [&'static str]),
    /// A list of strings: `a[]=x&a[]=y` (or `a[0]=x&a[1]=y`).
    StrList,
    /// `metadata[key]=value`; an empty value unsets a key and `metadata=` clears them all.
    Metadata,
    /// A nested hash with its own declared fields.
    Hash(&'static [Field]),
}

impl Ty {
    /// An integer of at least `min`, with no upper bound of its own.
    pub const fn at_least(min: i64) -> Ty {
        Ty::Int { min, max: i64::MAX }
    }
}

/// One parameter an endpoint accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
}

impl Field {
    pub const fn opt(name: &'static str, ty: Ty) -> Field {
        Field {
            name,
            ty,
            required: false,
        }
    }

    pub const fn req(name: &'static str, ty: Ty) -> Field {
        Field {
            name,
            ty,
            required: true,
        }
    }
}

/// `expand[]`, accepted by every endpoint.
pub(crate) const EXPAND: Field = Field::opt("expand", Ty::StrList);
/// `metadata[...]`.
pub(crate) const METADATA: Field = Field::opt("metadata", Ty::Metadata);

/// Largest number of metadata keys, and longest key and value, that Stripe accepts
/// (docs.stripe.com/metadata: "up to 50 keys, with key names up to 40 characters long and values
/// up to 500 characters long").
pub(crate) const METADATA_MAX_KEYS: usize = 50;
pub(crate) const METADATA_MAX_KEY_CHARS: usize = 40;
pub(crate) const METADATA_MAX_VALUE_CHARS: usize = 500;

/// Deepest bracket nesting a parameter name may have: `a[b][c]=v` nests 2 deep. Stripe's own
/// parameters nest at most 5 deep (`line_items[0][price_data][product_data][metadata][k]`); the
/// bound leaves room for any of them while keeping the parser's recursion shallow.
pub(crate) const MAX_NESTING_DEPTH: usize = 16;
/// Most `name=value` pairs one request may carry: a Stripe request with 50 metadata keys and
/// every other field stays under 100, so this is a bound against abuse, not a feature limit.
pub(crate) const MAX_PARAMS: usize = 1000;
/// Longest name shown back in an error about a malformed parameter.
const MAX_SHOWN_NAME_CHARS: usize = 100;

/// One segment of a bracketed key after its name: `[key]` or `[]`.
enum Segment {
    Key(String),
    Push,
}

/// Parses a form body or query string into a JSON object whose leaves are strings.
///
/// A key whose brackets do not close is kept whole, so it is later reported as an unknown
/// parameter. A key used both as a scalar and as a hash or list, a key nested deeper than
/// [`MAX_NESTING_DEPTH`] and more than [`MAX_PARAMS`] pairs are each a 400.
pub(crate) fn parse_form(input: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let mut root = Map::new();
    for (index, (key, value)) in form_urlencoded::parse(input).enumerate() {
        if index >= MAX_PARAMS {
            return Err(ApiError::invalid(format!(
                "Too many parameters: a request may send at most {MAX_PARAMS}."
            )));
        }
        if key.is_empty() {
            continue;
        }
        let (name, segments) = split_key(&key);
        if segments.len() > MAX_NESTING_DEPTH {
            let shown = shown_name(&key);
            return Err(ApiError::invalid_param(
                None,
                shown.clone(),
                format!(
                    "Invalid parameter {shown}: it is nested {} levels deep, and parameters may nest at most {MAX_NESTING_DEPTH} levels deep.",
                    segments.len()
                ),
            ));
        }
        let slot = root.entry(name).or_insert(Value::Null);
        if !put(slot, &segments, value.into_owned()) {
            let shown = shown_name(&key);
            return Err(ApiError::invalid_param(
                None,
                shown.clone(),
                format!("Invalid value for {shown}: it was sent both as a single value and as a hash or list."),
            ));
        }
    }
    Ok(root)
}

/// `key`, cut to its first [`MAX_SHOWN_NAME_CHARS`] characters for an error message.
fn shown_name(key: &str) -> String {
    match key.char_indices().nth(MAX_SHOWN_NAME_CHARS) {
        Some((cut, _)) => format!("{}...", &key[..cut]),
        None => key.to_string(),
    }
}

/// Splits `a[b][]` into `a` and its segments; a malformed key is returned whole with no segments.
fn split_key(key: &str) -> (String, Vec<Segment>) {
    let Some(open) = key.find('[') else {
        return (key.to_string(), Vec::new());
    };
    let mut segments = Vec::new();
    let mut rest = &key[open..];
    while !rest.is_empty() {
        let Some(close) = rest.find(']') else {
            return (key.to_string(), Vec::new());
        };
        if !rest.starts_with('[') {
            return (key.to_string(), Vec::new());
        }
        let inner = &rest[1..close];
        segments.push(if inner.is_empty() {
            Segment::Push
        } else {
            Segment::Key(inner.to_string())
        });
        rest = &rest[close + 1..];
    }
    (key[..open].to_string(), segments)
}

/// Stores `value` at `segments` below `slot`; false when the shapes conflict.
fn put(slot: &mut Value, segments: &[Segment], value: String) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return match slot {
            Value::Null | Value::String(_) => {
                *slot = Value::String(value);
                true
            }
            _ => false,
        };
    };
    match first {
        Segment::Key(key) => {
            if slot.is_null() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(map) = slot else {
                return false;
            };
            put(map.entry(key.clone()).or_insert(Value::Null), rest, value)
        }
        Segment::Push => {
            if slot.is_null() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(items) = slot else {
                return false;
            };
            // `a[][b]=1&a[][c]=2` fills one hash until a key repeats, as Rack does.
            let reuse_last = match (rest.first(), items.last()) {
                (Some(Segment::Key(key)), Some(Value::Object(last))) => !last.contains_key(key),
                _ => false,
            };
            if !reuse_last {
                items.push(Value::Null);
            }
            let last = items.last_mut().expect("just ensured a last item");
            put(last, rest, value)
        }
    }
}

/// Checks `params` against `fields`: unknown names, then types, then required fields.
pub(crate) fn validate(params: &Map<String, Value>, fields: &[Field]) -> Result<(), ApiError> {
    check_known(params, fields, "")?;
    check_types(params, fields, "")?;
    check_required(params, fields, "")
}

fn display_name(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}[{name}]")
    }
}

fn check_known(
    params: &Map<String, Value>,
    fields: &[Field],
    prefix: &str,
) -> Result<(), ApiError> {
    for (name, value) in params {
        let full = display_name(prefix, name);
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            return Err(ApiError::invalid_param(
                Some("parameter_unknown"),
                full.clone(),
                format!("Received unknown parameter: {full}"),
            ));
        };
        if let (Ty::Hash(sub), Value::Object(map)) = (field.ty, value) {
            check_known(map, sub, &full)?;
        }
    }
    Ok(())
}

fn check_types(
    params: &Map<String, Value>,
    fields: &[Field],
    prefix: &str,
) -> Result<(), ApiError> {
    for (name, value) in params {
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            continue;
        };
        let full = display_name(prefix, name);
        check_type(field.ty, value, &full)?;
    }
    Ok(())
}

fn check_type(ty: Ty, value: &Value, full: &str) -> Result<(), ApiError> {
    let invalid = |message: String| ApiError::invalid_param(None, full.to_string(), message);
    // An empty string unsets an optional parameter, whatever its type.
    if value.as_str() == Some("") {
        return Ok(());
    }
    match ty {
        Ty::Str => match value {
            Value::String(_) => Ok(()),
            _ => Err(invalid(format!(
                "Invalid string: {full} must be a single value, not a hash or list."
            ))),
        },
        Ty::Int { min, max } => {
            let text = value.as_str().unwrap_or("");
            let Some(number) = parse_int(text) else {
                let shown = if value.is_string() {
                    text.to_string()
                } else {
                    value.to_string()
                };
                return Err(ApiError::invalid_param(
                    Some("parameter_invalid_integer"),
                    full,
                    format!("Invalid integer: {shown}"),
                ));
            };
            if number < min {
                return Err(ApiError::invalid_param(
                    Some("parameter_invalid_integer"),
                    full,
                    format!("This value must be greater than or equal to {min}."),
                ));
            }
            if number > max {
                return Err(ApiError::invalid_param(
                    Some("parameter_invalid_integer"),
                    full,
                    format!("This value must be less than or equal to {max}."),
                ));
            }
            Ok(())
        }
        Ty::Bool => match value.as_str() {
            Some("true" | "false") => Ok(()),
            _ => Err(invalid(format!("Invalid boolean: {}", shown(value)))),
        },
        Ty::Enum(allowed) => match value.as_str() {
            Some(text) if allowed.contains(&text) => Ok(()),
            _ => Err(invalid(format!(
                "Invalid {full}: must be one of {}",
                one_of(allowed)
            ))),
        },
        Ty::StrList => {
            let items: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                Value::Object(map) if map.keys().all(|k| k.parse::<usize>().is_ok()) => {
                    map.values().collect()
                }
                _ => {
                    return Err(invalid(format!(
                        "Invalid array: {full} must be sent as {full}[]=..."
                    )))
                }
            };
            if items.iter().all(|item| item.is_string()) {
                Ok(())
            } else {
                Err(invalid(format!(
                    "Invalid array: every item of {full} must be a string."
                )))
            }
        }
        Ty::Metadata => {
            let Value::Object(map) = value else {
                return Err(invalid(format!(
                    "Invalid hash: {full} must be sent as {full}[key]=value"
                )));
            };
            for (key, item) in map {
                let Some(text) = item.as_str() else {
                    return Err(ApiError::invalid_param(
                        None,
                        format!("{full}[{key}]"),
                        format!("Invalid string: {full}[{key}] must be a single value."),
                    ));
                };
                check_metadata_entry(key, text)?;
            }
            // Keys sent empty unset a key rather than set one.
            let set = map
                .values()
                .filter(|item| item.as_str() != Some(""))
                .count();
            check_metadata_count(set)
        }
        Ty::Hash(sub) => match value {
            Value::Object(map) => check_types(map, sub, full),
            _ => Err(invalid(format!(
                "Invalid hash: {full} must be sent as {full}[field]=value"
            ))),
        },
    }
}

fn check_required(
    params: &Map<String, Value>,
    fields: &[Field],
    prefix: &str,
) -> Result<(), ApiError> {
    for field in fields {
        let full = display_name(prefix, field.name);
        let value = params.get(field.name);
        let present = matches!(value, Some(v) if v.as_str() != Some(""));
        if field.required && !present {
            return Err(ApiError::invalid_param(
                Some("parameter_missing"),
                full.clone(),
                format!("Missing required param: {full}."),
            ));
        }
        if let (Ty::Hash(sub), Some(Value::Object(map))) = (field.ty, value) {
            check_required(map, sub, &full)?;
        }
    }
    Ok(())
}

/// Parses Stripe's integer syntax: optional minus sign, then decimal digits only.
fn parse_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `a, b, or c`, as Stripe lists allowed values.
pub(crate) fn one_of(allowed: &[&str]) -> String {
    match allowed {
        [] => String::new(),
        [only] => (*only).to_string(),
        [head @ .., last] => format!("{}, or {last}", head.join(", ")),
    }
}

/// Stripe's 400 for a metadata key or value over its length limit: `invalid_request_error` on
/// param `metadata`, with Stripe's wording (quoted from its API's answers).
fn check_metadata_entry(key: &str, value: &str) -> Result<(), ApiError> {
    let key_chars = key.chars().count();
    if key_chars > METADATA_MAX_KEY_CHARS {
        return Err(ApiError::invalid_param(
            None,
            "metadata",
            format!(
                "Metadata keys can have up to {METADATA_MAX_KEY_CHARS} characters, but you passed in a key that is {key_chars} characters. Invalid key: {key}"
            ),
        ));
    }
    let value_chars = value.chars().count();
    if value_chars > METADATA_MAX_VALUE_CHARS {
        return Err(ApiError::invalid_param(
            None,
            "metadata",
            format!(
                "Metadata values can have up to {METADATA_MAX_VALUE_CHARS} characters, but you passed in a value that is {value_chars} characters. Invalid value: {value}"
            ),
        ));
    }
    Ok(())
}

/// Stripe's 400 when an object would hold more than 50 metadata keys.
fn check_metadata_count(count: usize) -> Result<(), ApiError> {
    if count > METADATA_MAX_KEYS {
        Err(ApiError::invalid_param(
            None,
            "metadata",
            format!("Metadata can have up to {METADATA_MAX_KEYS} keys, but you've set {count}."),
        ))
    } else {
        Ok(())
    }
}

/// How a request changes an object's metadata.
pub(crate) enum MetadataUpdate {
    /// `metadata=`: remove every key.
    Clear,
    /// Set these keys; an empty value removes its key.
    Merge(Vec<(String, String)>),
}

impl MetadataUpdate {
    /// Applies the update to `metadata`, unless the result would hold more keys than Stripe
    /// allows: then `metadata` is left as it was and the error is Stripe's.
    pub fn apply(self, metadata: &mut Map<String, Value>) -> Result<(), ApiError> {
        match self {
            MetadataUpdate::Clear => metadata.clear(),
            MetadataUpdate::Merge(pairs) => {
                let mut merged = metadata.clone();
                for (key, value) in pairs {
                    if value.is_empty() {
                        merged.remove(&key);
                    } else {
                        merged.insert(key, Value::String(value));
                    }
                }
                check_metadata_count(merged.len())?;
                *metadata = merged;
            }
        }
        Ok(())
    }
}

/// Validated parameters, read by path. Empty strings read as absent: Stripe treats `x=` as
/// "unset x".
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    map: Map<String, Value>,
}

impl Params {
    pub fn new(map: Map<String, Value>) -> Params {
        Params { map }
    }

    /// The raw tree, for validation.
    pub fn map(&self) -> &Map<String, Value> {
        &self.map
    }

    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        let (first, rest) = path.split_first()?;
        let mut current = self.map.get(*first)?;
        for key in rest {
            current = current.as_object()?.get(*key)?;
        }
        Some(current)
    }

    /// True when the parameter was sent, even empty.
    pub fn contains(&self, path: &[&str]) -> bool {
        self.get(path).is_some()
    }

    pub fn str(&self, path: &[&str]) -> Option<&str> {
        self.get(path)?.as_str().filter(|text| !text.is_empty())
    }

    pub fn int(&self, path: &[&str]) -> Option<i64> {
        parse_int(self.str(path)?)
    }

    pub fn bool(&self, path: &[&str]) -> Option<bool> {
        self.str(path).map(|text| text == "true")
    }

    /// A list parameter, in the order sent.
    pub fn list(&self, path: &[&str]) -> Vec<String> {
        match self.get(path) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_string))
                .collect(),
            Some(Value::Object(map)) => {
                let mut indexed: Vec<(usize, String)> = map
                    .iter()
                    .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_string())))
                    .collect();
                indexed.sort_by_key(|(index, _)| *index);
                indexed.into_iter().map(|(_, item)| item).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The `metadata` update this request asks for, if any.
    pub fn metadata(&self) -> Option<MetadataUpdate> {
        match self.map.get("metadata")? {
            Value::String(_) => Some(MetadataUpdate::Clear),
            Value::Object(map) => Some(MetadataUpdate::Merge(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect(),
            )),
            _ => None,
        }
    }
}
