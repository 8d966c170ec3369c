//! The bad-input corpus: several hundred malformed requests of every class (wrong
//! types in every position, deep nesting of every recursive input, huge strings,
//! lists and numbers, NUL bytes and invalid UTF-8, NaN and Infinity, SQL-looking
//! strings, broken domains and x2many commands, oversized bodies, XML entity tricks),
//! table-driven, on both backends. Each must be answered with a clean Odoo error (or
//! the plain 4xx Odoo answers), change nothing in the database (checksum of every
//! table before and after), leave the server serving, panic nowhere, and leak no
//! secret.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

mod cases;

use cases::{corpus, Req};

/// Panics raised outside the tests' own code (in the server or a library).
static SERVER_PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_server_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_tests = info
                .location()
                .is_some_and(|l| l.file().starts_with("tests/"));
            if !in_tests {
                SERVER_PANICS.fetch_add(1, Ordering::SeqCst);
            }
            default(info);
        }));
    });
}

/// Malformed-looking requests that Odoo answers normally (a missing id is simply
/// absent, SQL-looking values are plain strings compared as such, a name given to
/// `child_of` is looked up): they must still change nothing.
fn odoo_answers(name: &str) -> bool {
    [
        "read ids 1",
        "unlink ids 1",
        "unlink missing",
        "domain 27:",
        "domain 28:",
        "domain 34:",
        "domain 42:",
        "xmlrpc: login struct",
    ]
    .iter()
    .any(|n| name.starts_with(n))
}

/// Names Odoo's clients see for errors; `builtins.Exception` is our internal error.
const CLEAN: &[&str] = &[
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.MissingError",
    "builtins.ValueError",
    "builtins.TypeError",
    "builtins.KeyError",
    "builtins.IndexError",
    "builtins.AttributeError",
    "builtins.NameError",
    "builtins.RecursionError",
    "werkzeug.exceptions.NotFound",
    "odoo.http.SessionExpiredException",
];

/// How a case was answered, or why the answer is not clean.
fn judge(status: u16, text: &str, xml: bool) -> Result<&'static str, String> {
    if matches!(status, 400 | 404 | 405 | 413) {
        return Ok("4xx");
    }
    if status != 200 {
        return Err(format!("HTTP {status}: {text}"));
    }
    if xml {
        if !text.contains("<fault>") {
            return Err(format!("no fault: {text}"));
        }
        if text.contains("Internal Server Error") {
            return Err(format!("internal fault: {text}"));
        }
        return Ok("fault");
    }
    let env: Value = serde_json::from_str(text).map_err(|e| format!("not JSON ({e}): {text}"))?;
    let name = env["error"]["data"]["name"].as_str().unwrap_or_default();
    if !CLEAN.contains(&name) {
        return Err(format!("not a clean error: {env}"));
    }
    Ok("error")
}

/// A checksum of every table but the session table (sessions are touched by calls):
/// its row count and its rows, as text, in order.
async fn checksum(app: &TestApp) -> Vec<(String, i64, String)> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let db = &app.services.db;
    let backend = db.get_database_backend();
    let tables: Vec<String> = db
        .query_all(Statement::from_string(
            backend,
            match backend {
                DbBackend::Postgres => {
                    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                }
                _ => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1",
            },
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by::<String, _>("name").unwrap())
        .filter(|t| t != "ops_http_session")
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let sql = match backend {
            DbBackend::Postgres => format!(
                "SELECT COUNT(*) AS n, COALESCE(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h FROM \"{t}\" x"
            ),
            _ => {
                let cols: Vec<String> = db
                    .query_all(Statement::from_string(backend, format!("PRAGMA table_info(\"{t}\")")))
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| format!("quote(\"{}\")", r.try_get_by::<String, _>("name").unwrap()))
                    .collect();
                format!(
                    "SELECT COUNT(*) AS n, COALESCE(group_concat(r, '|'), '') AS h FROM (SELECT {} AS r FROM \"{t}\" ORDER BY 1)",
                    cols.join(" || ',' || ")
                )
            }
        };
        let row = db
            .query_one(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = row.try_get_by("n").unwrap();
        let h: String = row.try_get_by("h").unwrap();
        out.push((t, n, h));
    }
    out
}

both!(the_bad_input_corpus, |app| {
    count_server_panics();
    let admin = app.login("admin", "admin").await;
    let cases = corpus();
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    let before = checksum(&app).await;
    let panics_before = SERVER_PANICS.load(Ordering::SeqCst);
    let mut failures = Vec::new();
    let mut tally = std::collections::BTreeMap::<&str, usize>::new();
    for (i, case) in cases.iter().enumerate() {
        let (status, text, xml) = match &case.req {
            Req::Json(path, ct, body, with_session) => {
                let raw = app
                    .post_raw(
                        path,
                        ct,
                        body.clone(),
                        with_session.then_some(admin.session_id.as_str()),
                    )
                    .await;
                (raw.status, raw.text, false)
            }
            Req::Xml(service, body) => {
                let raw = app
                    .post_raw(
                        &format!("/xmlrpc/2/{service}"),
                        "text/xml",
                        body.clone(),
                        None,
                    )
                    .await;
                let xml = raw.status == 200;
                (raw.status, raw.text, xml)
            }
        };
        crate::secrets::assert_no_secret(&text);
        if odoo_answers(&case.name) && status == 200 && !text.contains("Internal Server Error") {
            *tally.entry("answered as Odoo does").or_default() += 1;
            continue;
        }
        match judge(status, &text, xml) {
            Ok(kind) => *tally.entry(kind).or_default() += 1,
            Err(why) => failures.push(format!("{}: {}", case.name, truncate_long(&why))),
        }
        // Still serving, every few cases.
        if i % 25 == 0 {
            let v = app.jsonrpc("common", "version", json!([])).await;
            assert_eq!(v["result"]["server_version"], json!("18.0"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases not answered cleanly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(checksum(&app).await, before, "the database changed");
    assert_eq!(
        SERVER_PANICS.load(Ordering::SeqCst),
        panics_before,
        "the server panicked"
    );
    // Still serving (through a session: the corpus's wrong passwords put this client's
    // address in the login cooldown, as Odoo's per-address cooldown would).
    admin
        .call_ok("res.partner", "search_count", json!([[]]), json!({}))
        .await;
    crate::secrets::assert_logs_clean();
    eprintln!(
        "bad-input corpus ({:?}): {} requests, answers {tally:?}, 0 unclean, 0 panics",
        app.backend,
        cases.len()
    );
});

fn truncate_long(s: &str) -> String {
    if s.len() > 400 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(400).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s.to_string()
    }
}
