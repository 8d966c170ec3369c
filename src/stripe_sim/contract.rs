//! Contract checks: does a JSON value match Stripe's OpenAPI schema for it?
//!
//! Stripe publishes its API as OpenAPI 3.0, whose schemas are JSON Schema plus `nullable: true`
//! and `$ref`s into `#/components/schemas`. [`prepare`] rewrites `nullable` into plain JSON Schema
//! (adding `"null"` to `type`, to `enum` and to `anyOf`), and every check compiles a root document
//! that is the whole prepared OpenAPI file with the target schema under `x-contract-target`, so
//! the `$ref`s resolve in place.
//!
//! This file is shared: the library's unit tests use it as `stripe_sim::contract`, and the
//! integration tests include the same file from `tests/api/stripe_contract.rs`. It therefore
//! uses nothing from the crate, only `serde_json` and the `jsonschema` dev-dependency.
//!
//! Targets are written as strings:
//! - a schema name: `"payment_intent"` (or `"#/components/schemas/payment_intent"`);
//! - an operation and status: `"POST /v1/payment_intents/{intent}/capture 200"`, where the path
//!   may also be a concrete one (`/v1/payment_intents/pi_123/capture`) and the status defaults to
//!   200. Statuses the operation does not list use its `default` response, which for Stripe is
//!   the `error` schema.

// Each of the two test crates that include this file uses only part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use jsonschema::{Draft, JSONSchema};
use serde_json::{json, Value};

/// Where the OpenAPI document lives: in the repository, as test data, so that the tests pass
/// on a fresh clone. `tests/data/stripe/README.md` says where it comes from and how it was cut
/// down; Stripe's example objects (`fixtures-terminal.json`) sit beside it.
pub fn default_openapi_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/stripe/openapi-2023-08-16-contract.json")
}

/// Reads and parses the OpenAPI document at `path`.
pub fn load_openapi(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read the OpenAPI file {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

/// One-shot check of `instance` against `target` in `openapi` (the raw OpenAPI document).
/// Prefer a [`Contract`] (or [`shared`]) when checking many values: it prepares the document once
/// and caches compiled schemas.
pub fn validate(openapi: &Value, target: &str, instance: &Value) -> Result<(), Vec<String>> {
    Contract::new(openapi).validate(target, instance)
}

/// A contract built from the default OpenAPI file once per test binary.
pub fn shared() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| Contract::new(&load_openapi(&default_openapi_path())))
}

/// A prepared OpenAPI document with a cache of compiled validators, by target schema.
pub struct Contract {
    document: Value,
    validators: Mutex<HashMap<String, std::sync::Arc<JSONSchema>>>,
}

impl Contract {
    /// Prepares `openapi` (the raw document, `nullable` and all).
    pub fn new(openapi: &Value) -> Contract {
        Contract {
            document: prepare(openapi),
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Checks `instance` against `target` (see the module documentation for its forms).
    pub fn validate(&self, target: &str, instance: &Value) -> Result<(), Vec<String>> {
        let schema = self.target_schema(target)?;
        self.validate_against(&schema, instance)
    }

    /// Checks a response: the body of `status` to `method path` (a concrete or template path,
    /// with or without a query string).
    pub fn validate_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Vec<String>> {
        let schema = self.response_schema(method, path, status).ok_or_else(|| {
            vec![format!(
                "the OpenAPI document has no operation {method} {path}"
            )]
        })?;
        self.validate_against(&schema, body)
    }

    /// The schema of the `status` response of `method path`: the operation's own entry for that
    /// status, else its `default` (Stripe's `error`).
    pub fn response_schema(&self, method: &str, path: &str, status: u16) -> Option<Value> {
        let path = path.split('?').next().unwrap_or(path);
        let template = find_path_template(&self.document, path)?;
        let responses = self.document.pointer(&format!(
            "/paths/{}/{}/responses",
            escape_pointer(&template),
            method.to_ascii_lowercase()
        ))?;
        let response = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))?;
        response
            .pointer("/content/application~1json/schema")
            .cloned()
    }

    fn target_schema(&self, target: &str) -> Result<Value, Vec<String>> {
        let target = target.trim();
        let mut words = target.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(method), Some(path), status) if path.starts_with('/') => {
                let status = match status {
                    Some(text) => text
                        .parse()
                        .map_err(|_| vec![format!("bad status in target {target:?}")])?,
                    None => 200,
                };
                self.response_schema(method, path, status)
                    .ok_or_else(|| vec![format!("no response schema for {target:?}")])
            }
            _ => {
                let name = target
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or(target);
                if self
                    .document
                    .pointer(&format!("/components/schemas/{}", escape_pointer(name)))
                    .is_none()
                {
                    return Err(vec![format!("no schema named {name:?}")]);
                }
                Ok(json!({ "$ref": format!("#/components/schemas/{name}") }))
            }
        }
    }

    fn validate_against(&self, schema: &Value, instance: &Value) -> Result<(), Vec<String>> {
        let validator = self.validator(schema)?;
        let result = validator.validate(instance);
        match result {
            Ok(()) => Ok(()),
            Err(errors) => Err(errors
                .map(|error| {
                    let at = error.instance_path.to_string();
                    format!("{}: {error}", if at.is_empty() { "/" } else { &at })
                })
                .collect()),
        }
    }

    fn validator(&self, schema: &Value) -> Result<std::sync::Arc<JSONSchema>, Vec<String>> {
        let key = schema.to_string();
        let mut cache = self
            .validators
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(validator) = cache.get(&key) {
            return Ok(validator.clone());
        }
        let mut root = self.document.clone();
        root["x-contract-target"] = schema.clone();
        root["$ref"] = json!("#/x-contract-target");
        let validator = JSONSchema::options()
            .with_draft(Draft::Draft7)
            .compile(&root)
            .map_err(|error| vec![format!("the schema does not compile: {error}")])?;
        let validator = std::sync::Arc::new(validator);
        cache.insert(key, validator.clone());
        Ok(validator)
    }
}

/// Rewrites OpenAPI 3.0 extensions into JSON Schema: `nullable: true` adds `"null"` to `type`,
/// `enum` and `anyOf` (or wraps a lone `$ref`), and `x-stripeBypassValidation` drops an `enum`
/// that Stripe says is not exhaustive.
pub fn prepare(openapi: &Value) -> Value {
    let mut document = openapi.clone();
    rewrite(&mut document);
    document
}

fn rewrite(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        Value::Object(map) => {
            map.values_mut().for_each(rewrite);
            if map.get("x-stripeBypassValidation") == Some(&Value::Bool(true)) {
                map.remove("enum");
            }
            if map.get("nullable") != Some(&Value::Bool(true)) {
                return;
            }
            map.remove("nullable");
            if let Some(Value::String(kind)) = map.get("type") {
                let kinds = json!([kind, "null"]);
                map.insert("type".into(), kinds);
            }
            if let Some(Value::Array(allowed)) = map.get_mut("enum") {
                allowed.push(Value::Null);
            }
            if let Some(Value::Array(options)) = map.get_mut("anyOf") {
                options.push(json!({ "type": "null" }));
            }
            if let Some(reference) = map.remove("$ref") {
                map.insert(
                    "anyOf".into(),
                    json!([{ "$ref": reference }, { "type": "null" }]),
                );
            }
        }
        _ => {}
    }
}

/// The `paths` key matching a concrete path: literal segments must be equal, `{name}` matches
/// any one segment; among matches the one with the most literal segments wins.
fn find_path_template(document: &Value, path: &str) -> Option<String> {
    let wanted: Vec<&str> = path.split('/').collect();
    document
        .get("paths")?
        .as_object()?
        .keys()
        .filter_map(|template| {
            let segments: Vec<&str> = template.split('/').collect();
            if segments.len() != wanted.len() {
                return None;
            }
            let mut literal = 0;
            for (pattern, actual) in segments.iter().zip(&wanted) {
                if pattern.starts_with('{') && pattern.ends_with('}') {
                    continue;
                }
                if pattern != actual {
                    return None;
                }
                literal += 1;
            }
            Some((literal, template.clone()))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, template)| template)
}

/// Escapes a JSON-pointer token (`~` and `/`).
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
