//! Fixture files: records addressed by external ids, loaded through the ORM as the
//! superuser. Loading twice updates and never duplicates.
//!
//! Format (JSON): `{"records": [{"id": "module.name", "model": "res.partner",
//! "values": {...}}]}`. In values, `{"ref": "module.name"}` is the id of another
//! record, `{"refs": [...]}` a list of them (x2many fields get `[[6, 0, ids]]`). A
//! `password` is only set when the record is created.

use std::path::Path;

use anyhow::Context;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::errors::{OdooError, OdooResult};
use crate::orm::Env;
use crate::orm::Ident;
use crate::services::Services;

#[derive(Deserialize)]
struct FixtureFile {
    records: Vec<FixtureRecord>,
}

#[derive(Deserialize)]
struct FixtureRecord {
    id: String,
    model: String,
    #[serde(default)]
    values: Map<String, Value>,
}

/// Loads the given files (a directory means its `*.json` files in name order), all in
/// one transaction.
pub async fn load_paths(
    services: &Services,
    db: &DatabaseConnection,
    paths: &[impl AsRef<Path>],
) -> anyhow::Result<usize> {
    let mut files = Vec::new();
    for p in paths {
        let p = p.as_ref();
        if p.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().map(|e| e == "json").unwrap_or(false))
                .collect();
            entries.sort();
            files.extend(entries);
        } else {
            files.push(p.to_path_buf());
        }
    }
    let tx = db.begin().await?;
    let env = Env::system(&tx, services.registry, services);
    let mut count = 0;
    for f in &files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        let file: FixtureFile =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", f.display()))?;
        for rec in file.records {
            load_record(&env, &rec)
                .await
                .map_err(|e| anyhow::anyhow!("{}: record {}: {}", f.display(), rec.id, e))?;
            count += 1;
        }
    }
    tx.commit().await?;
    Ok(count)
}

/// The demo fixtures shipped with the server.
pub fn demo_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("demo")
}

fn split_xmlid(xmlid: &str) -> (&str, &str) {
    xmlid.split_once('.').unwrap_or(("", xmlid))
}

async fn resolve(
    env: &Env<'_>,
    model: &str,
    values: &Map<String, Value>,
) -> OdooResult<Map<String, Value>> {
    let m = env.model(model)?;
    let mut out = Map::new();
    for (k, v) in values {
        let field = m.get_field(k).ok_or_else(|| {
            OdooError::ValueError(format!("Invalid field '{k}' on model '{model}'"))
        })?;
        let resolved = match v {
            Value::Object(o) if o.contains_key("ref") => {
                let x = o["ref"].as_str().unwrap_or_default();
                json!(env
                    .xmlid_to_res_id(x)
                    .await?
                    .ok_or_else(|| OdooError::ValueError(format!(
                        "External ID not found in the system: {x}"
                    )))?)
            }
            Value::Object(o) if o.contains_key("refs") => {
                let mut ids = Vec::new();
                for x in o["refs"].as_array().cloned().unwrap_or_default() {
                    let x = x.as_str().unwrap_or_default().to_string();
                    ids.push(env.xmlid_to_res_id(&x).await?.ok_or_else(|| {
                        OdooError::ValueError(format!("External ID not found in the system: {x}"))
                    })?);
                }
                if field.ty.is_x2many() {
                    json!([[6, 0, ids]])
                } else {
                    json!(ids)
                }
            }
            other => other.clone(),
        };
        out.insert(k.clone(), resolved);
    }
    Ok(out)
}

async fn load_record(env: &Env<'_>, rec: &FixtureRecord) -> OdooResult<()> {
    let mut values = resolve(env, &rec.model, &rec.values).await?;
    let ctx = env.with_context("active_test", json!(false));
    match env.xmlid_lookup(&rec.id).await? {
        Some((model, id))
            if model == rec.model && !ctx.existing(env.model(&model)?, &[id]).await?.is_empty() =>
        {
            values.remove("password");
            // Only what changed is written: a reload must not look like an edit to
            // the models' constraints (a journal's `type`, a method's serial).
            let m = env.model(&model)?;
            let scalars: Vec<&str> = values
                .keys()
                .filter_map(|k| m.get_field(k))
                .filter(|f| f.has_column() && !f.computed)
                .map(|f| f.name)
                .collect();
            let stored = ctx.values_of(&model, &[id], &scalars).await?;
            if let Some(stored) = stored.get(&id) {
                values.retain(|k, v| stored.get(k).is_none_or(|s| s != v));
            }
            if values.is_empty() {
                return Ok(());
            }
            ctx.write(&rec.model, &[id], values).await
        }
        found => {
            let id = ctx.create(&rec.model, vec![values]).await?[0];
            let (module, name) = split_xmlid(&rec.id);
            if found.is_some() {
                let q = Query::update()
                    .table(Ident::new("ir_model_data"))
                    .value(Ident::new("res_id"), id)
                    .value(Ident::new("model"), rec.model.clone())
                    .and_where(Expr::col(Ident::new("module")).eq(module))
                    .and_where(Expr::col(Ident::new("name")).eq(name))
                    .to_owned();
                env.execute(env.backend.build(&q)).await?;
            } else {
                let mut data = Map::new();
                data.insert("module".into(), json!(module));
                data.insert("name".into(), json!(name));
                data.insert("model".into(), json!(rec.model));
                data.insert("res_id".into(), json!(id));
                env.create("ir.model.data", vec![data]).await?;
            }
            Ok(())
        }
    }
}

/// Whether the database holds no user yet (a fresh database gets the demo data).
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    use sea_orm::ConnectionTrait;
    let q = Query::select()
        .expr(Expr::col(Ident::new("id")).count())
        .from(Ident::new("res_users"))
        .to_owned();
    let row = db.query_one(db.get_database_backend().build(&q)).await?;
    let n = match row {
        Some(r) => r.try_get_by_index::<i64>(0)?,
        None => 0,
    };
    Ok(n == 0)
}
