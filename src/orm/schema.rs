//! What a client learns of a model before it has records: `default_get` and
//! `fields_get`.

use models::{DefaultValue, FieldType};
use serde_json::{json, Map, Value};

use super::env::{ids_of, Env};
use super::registry::ModelDef;
use super::values;
use crate::errors::{OdooError, OdooResult};

impl<'a> Env<'a> {
    // ------------------------------------------------------------------ defaults

    /// Default values of `fields` (all when `None`), context `default_*` keys first.
    pub async fn default_get(
        &self,
        model: &'static ModelDef,
        fields: Option<&[String]>,
    ) -> OdooResult<Map<String, Value>> {
        let names: Vec<String> = match fields {
            Some(f) => f.to_vec(),
            None => model.fields.iter().map(|f| f.name.to_string()).collect(),
        };
        let mut out = Map::new();
        for name in names {
            let Some(field) = model.get_field(&name) else {
                continue;
            };
            if let Some(v) = self.context.get(&format!("default_{name}")) {
                out.insert(
                    name.clone(),
                    if field.ty.is_x2many() {
                        json!([[6, 0, ids_of(v)]])
                    } else {
                        v.clone()
                    },
                );
                continue;
            }
            if let Some(hook) = model.default_hook(&name) {
                let v = hook(self).await?;
                out.insert(name, as_default(field, v));
                continue;
            }
            let v = match &field.default {
                DefaultValue::None => continue,
                DefaultValue::Bool(b) => json!(b),
                DefaultValue::Int(i) => json!(i),
                DefaultValue::Number(n) => serde_json::from_str(n).unwrap_or(Value::Null),
                DefaultValue::Str(s) => json!(s),
                DefaultValue::CurrentCompany => json!(self.company_id()?),
                DefaultValue::CurrentUser => json!(self.uid()),
                DefaultValue::Now => json!(chrono::Utc::now()
                    .naive_utc()
                    .format(values::DATETIME_FORMAT)
                    .to_string()),
                DefaultValue::CompanyCurrency => {
                    let c = self.company_id()?;
                    let rows = self
                        .sudo()
                        .fetch_columns(
                            self.model("res.company")?,
                            &[c],
                            &[self
                                .model("res.company")?
                                .get_field("currency_id")
                                .ok_or_else(|| OdooError::internal("currency_id"))?],
                        )
                        .await?;
                    rows.get(&c)
                        .and_then(|r| r.get("currency_id").cloned())
                        .unwrap_or(Value::Bool(false))
                }
                DefaultValue::XmlId(x) => self
                    .xmlid_to_res_id(x)
                    .await?
                    .map(Value::from)
                    .unwrap_or(Value::Bool(false)),
            };
            out.insert(name, as_default(field, v));
        }
        Ok(out)
    }

    // ------------------------------------------------------------------ fields_get

    pub async fn fields_get(
        &self,
        model: &'static ModelDef,
        allfields: Option<&[String]>,
        attributes: Option<&[String]>,
    ) -> OdooResult<Map<String, Value>> {
        let mut out = Map::new();
        for f in &model.fields {
            if f.write_only && f.name != "password" || !self.field_allowed(f) {
                continue;
            }
            if let Some(names) = allfields.filter(|a| !a.is_empty()) {
                if !names.iter().any(|n| n == f.name) {
                    continue;
                }
            }
            let mut d = Map::new();
            d.insert("type".into(), json!(f.ty.odoo_name()));
            d.insert("string".into(), json!(f.string));
            if let Some(h) = f.help {
                d.insert("help".into(), json!(h));
            }
            d.insert("readonly".into(), json!(f.readonly || f.name == "id"));
            d.insert("required".into(), json!(f.required));
            d.insert(
                "store".into(),
                json!(f.store || (f.ty.is_x2many() && !f.computed && f.related.is_none())),
            );
            d.insert(
                "searchable".into(),
                json!(f.store || f.name == "display_name"),
            );
            d.insert("sortable".into(), json!(f.has_column() || f.name == "id"));
            d.insert("manual".into(), json!(false));
            d.insert("depends".into(), json!([]));
            d.insert("company_dependent".into(), json!(false));
            d.insert("name".into(), json!(f.name));
            if let Some(g) = f.groups {
                d.insert("groups".into(), json!(g));
            }
            match &f.ty {
                FieldType::Selection(options) => {
                    let opts = model.behaviour.selection(self, f, options).await?;
                    d.insert(
                        "selection".into(),
                        json!(opts.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>()),
                    );
                }
                FieldType::Many2one { comodel, .. } => {
                    d.insert("relation".into(), json!(comodel));
                    d.insert("domain".into(), json!([]));
                    d.insert("context".into(), json!({}));
                }
                FieldType::One2many { comodel, inverse } => {
                    d.insert("relation".into(), json!(comodel));
                    d.insert("relation_field".into(), json!(inverse));
                    d.insert("domain".into(), json!([]));
                    d.insert("context".into(), json!({}));
                }
                FieldType::Many2many { comodel, .. } => {
                    d.insert("relation".into(), json!(comodel));
                    d.insert("domain".into(), json!([]));
                    d.insert("context".into(), json!({}));
                }
                FieldType::Char { size } => {
                    if let Some(s) = size {
                        d.insert("size".into(), json!(s));
                    }
                    d.insert("translate".into(), json!(false));
                    d.insert("trim".into(), json!(true));
                }
                FieldType::Monetary { currency_field } => {
                    d.insert("currency_field".into(), json!(currency_field));
                    d.insert("aggregator".into(), json!("sum"));
                }
                _ => {}
            }
            if let Some(r) = f.related {
                d.insert("related".into(), json!(r));
            }
            if let Some(attrs) = attributes.filter(|a| !a.is_empty()) {
                d.retain(|k, _| attrs.iter().any(|a| a == k));
            }
            out.insert(f.name.to_string(), Value::Object(d));
        }
        Ok(out)
    }
}

/// A default in the form `create` takes: x2many ids become a `set` command.
fn as_default(field: &models::Field, v: Value) -> Value {
    if field.ty.is_x2many() && !v.is_null() && !matches!(v, Value::Bool(false)) {
        json!([[6, 0, ids_of(&v)]])
    } else {
        v
    }
}
