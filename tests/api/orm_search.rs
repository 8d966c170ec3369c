//! Finding records over `/web/dataset/call_kw`: `search` with its order, offset and limit
//! (and orders that try to smuggle SQL), `name_search`/`name_create`, and the web
//! client's `web_search_read`/`web_read`.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

both!(search_offset_limit_order, |app| {
    let admin = app.as_user("admin").await;
    let mut ids = vec![];
    for name in ["Bravo", "Alpha", "Charlie", "Alpha"] {
        ids.push(
            admin
                .create("res.partner", json!({"name": name, "city": "Testville"}))
                .await,
        );
    }
    let d = json!([["city", "=", "Testville"]]);
    let search = |kwargs| admin.search_kw("res.partner", kwargs);
    let by_name = search(json!({"domain": d, "order": "name, id"})).await;
    assert_eq!(by_name, vec![ids[1], ids[3], ids[0], ids[2]]);
    let desc = search(json!({"domain": d, "order": "name desc, id"})).await;
    assert_eq!(desc, vec![ids[2], ids[0], ids[1], ids[3]]);
    let page =
        search(json!({"domain": d, "order": "name desc, id", "offset": 1, "limit": 2})).await;
    assert_eq!(page, vec![ids[0], ids[1]]);
    // A many2one orders by its comodel's order (res.country: name), not by id.
    let us = app.xmlid("base.us").await;
    let be = app.xmlid("base.be").await;
    assert!(us < be, "the check below needs the US created first");
    let in_us = admin
        .create(
            "res.partner",
            json!({"name": "P-US", "city": "Ordertown", "country_id": us}),
        )
        .await;
    let in_be = admin
        .create(
            "res.partner",
            json!({"name": "P-BE", "city": "Ordertown", "country_id": be}),
        )
        .await;
    let od = json!([["city", "=", "Ordertown"]]);
    assert_eq!(
        search(json!({"domain": od, "order": "country_id"})).await,
        vec![in_be, in_us]
    );
    assert_eq!(
        search(json!({"domain": od, "order": "country_id desc, id"})).await,
        vec![in_us, in_be]
    );
    // The same many2one twice joins once.
    assert_eq!(
        search(json!({"domain": od, "order": "country_id desc, country_id, id"})).await,
        vec![in_us, in_be]
    );
    // ir.model.access orders by two many2ones by default.
    let n = admin.search_count("ir.model.access", json!([])).await;
    let all_access = admin.search("ir.model.access", json!([])).await;
    assert_eq!(all_access.len() as i64, n);
    // A falsy limit means no limit, as in Odoo.
    let all = search(json!({"domain": d, "order": "name, id", "limit": 0})).await;
    assert_eq!(all, by_name);
    // Unknown keyword arguments are a TypeError, as Python's.
    let err = admin
        .expect_error("res.partner", "search", json!([d]), json!({"bogus": 1}))
        .await;
    assert_error(
        &err,
        "builtins.TypeError",
        "search() got an unexpected keyword argument 'bogus'",
    );
    // Positional args: domain, offset, limit, order.
    let r = admin
        .call_ok("res.partner", "search", json!([d, 3, 5, "name"]), json!({}))
        .await;
    assert_eq!(r, json!([ids[2]]));
    // The model's default order ("name, id desc" for res.partner).
    let dflt = search(json!({"domain": d})).await;
    assert_eq!(dflt, vec![ids[3], ids[1], ids[0], ids[2]]);
    assert_eq!(admin.search_count("res.partner", d.clone()).await, 4);
    let n = admin
        .call_ok(
            "res.partner",
            "search_count",
            json!([d]),
            json!({"limit": 2}),
        )
        .await;
    assert_eq!(n, json!(2));
    let r = admin
        .call_ok(
            "res.partner",
            "search_read",
            json!([d, ["name"]]),
            json!({"order": "name desc, id desc", "limit": 2}),
        )
        .await;
    assert_eq!(
        r,
        json!([{"id": ids[2], "name": "Charlie"}, {"id": ids[0], "name": "Bravo"}])
    );
});

both!(order_injection_is_refused, |app| {
    let admin = app.as_user("admin").await;
    let before = admin.search_count("res.partner", json!([])).await;
    for order in [
        "name; drop table res_partner",
        "name desc; delete from res_partner",
        "(select 1)",
        "name asc asc",
        "nope",
        "name, id; --",
    ] {
        let err = admin
            .expect_error(
                "res.partner",
                "search",
                json!([[]]),
                json!({"order": order}),
            )
            .await;
        assert_error(&err, "builtins.ValueError", "Invalid \"order\" specified");
    }
    let after = admin.search_count("res.partner", json!([])).await;
    assert_eq!(before, after);
    // "nulls first/last" is accepted.
    admin
        .search_kw(
            "res.partner",
            json!({"domain": [], "order": "email desc nulls last, id"}),
        )
        .await;
});

both!(name_search_name_create_display_name, |app| {
    let admin = app.as_user("admin").await;
    let r = admin
        .call_ok(
            "res.partner",
            "name_create",
            json!(["Quick Partner"]),
            json!({}),
        )
        .await;
    let id = r[0].as_i64().unwrap();
    assert_eq!(r, json!([id, "Quick Partner"]));
    let other = admin
        .create("res.partner", json!({"name": "Quick Other"}))
        .await;
    let r = admin
        .call_ok("res.partner", "name_search", json!(["quick"]), json!({}))
        .await;
    let found: Vec<i64> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_i64().unwrap())
        .collect();
    assert!(found.contains(&id) && found.contains(&other), "{r}");
    assert!(r
        .as_array()
        .unwrap()
        .contains(&json!([other, "Quick Other"])));
    let r = admin
        .call_ok(
            "res.partner",
            "name_search",
            json!([]),
            json!({"name": "Quick Partner", "operator": "=", "args": [["id", "!=", other]], "limit": 5}),
        )
        .await;
    assert_eq!(r, json!([[id, "Quick Partner"]]));
    let r = admin
        .call_ok(
            "res.partner",
            "name_search",
            json!(["quick"]),
            json!({"limit": 1}),
        )
        .await;
    assert_eq!(r.as_array().unwrap().len(), 1);
    let r = admin
        .search_read("res.partner", json!([["id", "=", id]]), &["display_name"])
        .await;
    assert_eq!(r, json!([{"id": id, "display_name": "Quick Partner"}]));
});

both!(web_search_read_and_web_read, |app| {
    let admin = app.as_user("admin").await;
    let us = app.xmlid("base.us").await;
    let mut ids = vec![];
    for name in ["W1", "W2", "W3"] {
        ids.push(
            admin
                .create(
                    "res.partner",
                    json!({"name": name, "city": "Webtown", "country_id": us}),
                )
                .await,
        );
    }
    let r = admin
        .call_ok(
            "res.partner",
            "web_search_read",
            json!([]),
            json!({
                "domain": [["city", "=", "Webtown"]],
                "specification": {"name": {}, "country_id": {"fields": {"display_name": {}}}},
                "order": "name desc",
                "limit": 2,
            }),
        )
        .await;
    assert_eq!(r["length"], json!(3));
    assert_eq!(
        r["records"],
        json!([
            {"id": ids[2], "name": "W3", "country_id": {"id": us, "display_name": "United States"}},
            {"id": ids[1], "name": "W2", "country_id": {"id": us, "display_name": "United States"}},
        ])
    );
    let web_read = |specification: serde_json::Value| {
        admin.call_ok(
            "res.partner",
            "web_read",
            json!([[ids[0]]]),
            json!({ "specification": specification }),
        )
    };
    let r = web_read(json!({"name": {}, "country_id": {}})).await;
    assert_eq!(r, json!([{"id": ids[0], "name": "W1", "country_id": us}]));
    // x2many with sub-fields.
    admin
        .write(
            "res.partner",
            &[ids[1], ids[2]],
            json!({"parent_id": ids[0]}),
        )
        .await;
    let r = web_read(json!({"child_ids": {"fields": {"name": {}}}})).await;
    // `order` and `limit` on an x2many: sorted, only the first ones read.
    let r2 =
        web_read(json!({"child_ids": {"fields": {"name": {}}, "order": "name desc", "limit": 1}}))
            .await;
    assert_eq!(
        r2[0]["child_ids"],
        json!([{"id": ids[2], "name": "W3"}, {"id": ids[1]}])
    );
    let mut children = r[0]["child_ids"].as_array().unwrap().clone();
    children.sort_by_key(|c| c["id"].as_i64());
    assert_eq!(
        children,
        vec![
            json!({"id": ids[1], "name": "W2"}),
            json!({"id": ids[2], "name": "W3"})
        ]
    );
});

// search_read joins the display names of many2one values whose comodel names records
// by a column; the answer must be read's, whatever the comodel, archived targets,
// empty values and a many2one order included.
both!(search_read_answers_as_read_does, |app| {
    let admin = app.as_user("admin").await;
    let be = app.xmlid("base.be").await;
    let parent = admin
        .create(
            "res.partner",
            json!({"name": "Archived Parent", "active": false}),
        )
        .await;
    let mut ids = vec![];
    for (name, country) in [("Joined A", json!(be)), ("Joined B", json!(false))] {
        ids.push(
            admin
                .create(
                    "res.partner",
                    json!({"name": name, "country_id": country, "parent_id": parent, "city": "Jointown"}),
                )
                .await,
        );
    }
    let fields = [
        "name",
        "country_id",
        "parent_id",
        "company_id",
        "display_name",
    ];
    let found = admin
        .call_ok(
            "res.partner",
            "search_read",
            json!([[["city", "=", "Jointown"]]]),
            json!({"fields": fields, "order": "country_id, id"}),
        )
        .await;
    let by_read = admin
        .call_ok(
            "res.partner",
            "read",
            json!([[ids[0], ids[1]], fields]),
            json!({}),
        )
        .await;
    let by_id = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].as_i64().unwrap(), r.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (found, by_read) = (by_id(&found), by_id(&by_read));
    assert_eq!(found, by_read, "search_read and read differ");
    assert_eq!(found[&ids[0]]["country_id"], json!([be, "Belgium"]));
    assert_eq!(
        found[&ids[0]]["parent_id"],
        json!([parent, "Archived Parent"])
    );
    assert_eq!(found[&ids[1]]["country_id"], json!(false));
    // A comodel with display names of its own (account.account: code and name).
    let journals = admin
        .call_ok(
            "account.journal",
            "search_read",
            json!([[["default_account_id", "!=", false]]]),
            json!({"fields": ["default_account_id", "company_id"]}),
        )
        .await;
    let journal_ids: Vec<i64> = journals
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_i64().unwrap())
        .collect();
    assert!(
        !journal_ids.is_empty(),
        "the demo has journals with accounts"
    );
    let read = admin
        .call_ok(
            "account.journal",
            "read",
            json!([journal_ids, ["default_account_id", "company_id"]]),
            json!({}),
        )
        .await;
    assert_eq!(journals, read);
    let account = &journals[0]["default_account_id"];
    let code = admin
        .call_ok(
            "account.account",
            "read",
            json!([[account[0]], ["code", "name"]]),
            json!({}),
        )
        .await;
    assert_eq!(
        account[1],
        json!(format!(
            "{} {}",
            code[0]["code"].as_str().unwrap(),
            code[0]["name"].as_str().unwrap()
        ))
    );
});

// Search statements are built once per shape and kept (orm::statements): the same
// call again reads the data as it is now, and any difference in the domain, the
// active filter, the order or the window is a different statement.
both!(a_repeated_search_reads_the_data_as_it_is_now, |app| {
    let admin = app.as_user("admin").await;
    let a = admin
        .create(
            "res.partner",
            json!({"name": "Probe A", "city": "Cachetown"}),
        )
        .await;
    let b = admin
        .create(
            "res.partner",
            json!({"name": "Probe B", "city": "Cachetown"}),
        )
        .await;
    let d = json!([["city", "=", "Cachetown"]]);
    let ids = |rows: Value| -> Vec<i64> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let read = |kwargs: Value| admin.call_ok("res.partner", "search_read", json!([]), kwargs);
    let by_name = json!({"domain": d, "fields": ["name"], "order": "name"});
    assert_eq!(ids(read(by_name.clone()).await), vec![a, b]);
    assert_eq!(ids(read(by_name.clone()).await), vec![a, b]);
    let desc = json!({"domain": d, "fields": ["name"], "order": "name desc"});
    assert_eq!(ids(read(desc).await), vec![b, a]);
    let first = json!({"domain": d, "fields": ["name"], "order": "name", "limit": 1});
    assert_eq!(ids(read(first).await), vec![a]);
    let second = json!({"domain": d, "fields": ["name"], "order": "name", "limit": 1, "offset": 1});
    assert_eq!(ids(read(second).await), vec![b]);
    // Archived: the active filter leaves it out, unless the context turns it off.
    admin
        .write("res.partner", &[a], json!({"active": false}))
        .await;
    assert_eq!(ids(read(by_name.clone()).await), vec![b]);
    let all = json!({"domain": d, "fields": ["name"], "order": "name",
        "context": {"active_test": false}});
    assert_eq!(ids(read(all.clone()).await), vec![a, b]);
    assert_eq!(ids(read(all).await), vec![a, b]);
    // The same shape with another value is another statement's values.
    admin
        .write("res.partner", &[b], json!({"city": "Elsewhere"}))
        .await;
    assert_eq!(ids(read(by_name).await), Vec::<i64>::new());
    let elsewhere =
        json!({"domain": [["city", "=", "Elsewhere"]], "fields": ["name"], "order": "name"});
    assert_eq!(ids(read(elsewhere).await), vec![b]);
});
