//! x2many commands on the wire (`[0,0,vals]` ... `[6,0,ids]`, plain id lists, `false`)
//! on a one2many (`res.partner.child_ids`) and many2manys (`pos.config.payment_method_ids`
//! with its inverse `pos.payment.method.config_ids`, `res.users.groups_id`).

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

async fn read_field(app: &TestApp, s: &Client, model: &str, id: i64, field: &str) -> Value {
    let r = app
        .call_kw(s, model, "read", json!([[id], [field]]), json!({}))
        .await
        .unwrap_or_else(|e| panic!("read {model}.{field}: {e}"));
    r[0][field].clone()
}

async fn write(app: &TestApp, s: &Client, model: &str, id: i64, vals: Value) {
    let r = app
        .call_kw(s, model, "write", json!([[id], vals.clone()]), json!({}))
        .await
        .unwrap_or_else(|e| panic!("write {model} {vals}: {e}"));
    assert_eq!(r, json!(true));
}

async fn exists(app: &TestApp, s: &Client, model: &str, id: i64) -> bool {
    let r = app
        .call_kw(
            s,
            model,
            "exists",
            json!([[id]]),
            json!({"context": {"active_test": false}}),
        )
        .await
        .unwrap();
    r == json!([id])
}

async fn methods(app: &TestApp, s: &Client, config: i64) -> Vec<i64> {
    sorted(&read_field(app, s, "pos.config", config, "payment_method_ids").await)
}

fn sorted(v: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|i| i.as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

both!(one2many_commands, |app| {
    let admin = app.login("admin", "admin").await;
    let model = "res.partner";
    // 0: create and link, on create.
    let parent = app
        .call_kw(
            &admin,
            model,
            "create",
            json!([{"name": "Parent", "child_ids": [[0, 0, {"name": "c1"}], [0, 0, {"name": "c2"}]]}]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let children = sorted(&read_field(&app, &admin, model, parent, "child_ids").await);
    assert_eq!(children.len(), 2);
    let (c1, c2) = (children[0], children[1]);
    assert_eq!(
        read_field(&app, &admin, model, c1, "parent_id").await,
        json!([parent, "Parent"])
    );
    assert_eq!(
        read_field(&app, &admin, model, c1, "name").await,
        json!("c1")
    );
    // 0 on write, 1: update.
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[1, c1, {"name": "c1 renamed"}], [0, 0, {"name": "c3"}]]}),
    )
    .await;
    assert_eq!(
        read_field(&app, &admin, model, c1, "name").await,
        json!("c1 renamed")
    );
    let children = sorted(&read_field(&app, &admin, model, parent, "child_ids").await);
    assert_eq!(children.len(), 3);
    let c3 = *children.iter().find(|i| ![c1, c2].contains(i)).unwrap();
    // 2: delete the record itself.
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[2, c2, 0]]}),
    )
    .await;
    assert!(!exists(&app, &admin, model, c2).await);
    assert_eq!(
        sorted(&read_field(&app, &admin, model, parent, "child_ids").await),
        vec![c1, c3]
    );
    // 3: unlink only — the record stays, without parent.
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[3, c3, 0]]}),
    )
    .await;
    assert!(exists(&app, &admin, model, c3).await);
    assert_eq!(
        read_field(&app, &admin, model, c3, "parent_id").await,
        json!(false)
    );
    assert_eq!(
        sorted(&read_field(&app, &admin, model, parent, "child_ids").await),
        vec![c1]
    );
    // 4: link an existing record.
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[4, c3, 0]]}),
    )
    .await;
    assert_eq!(
        sorted(&read_field(&app, &admin, model, parent, "child_ids").await),
        vec![c1, c3]
    );
    // 5: clear — the records stay.
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[5, 0, 0]]}),
    )
    .await;
    assert_eq!(
        read_field(&app, &admin, model, parent, "child_ids").await,
        json!([])
    );
    assert!(exists(&app, &admin, model, c1).await && exists(&app, &admin, model, c3).await);
    // 6: replace.
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[6, 0, [c1, c3]]]}),
    )
    .await;
    assert_eq!(
        sorted(&read_field(&app, &admin, model, parent, "child_ids").await),
        vec![c1, c3]
    );
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[6, 0, [c3]]]}),
    )
    .await;
    assert_eq!(
        sorted(&read_field(&app, &admin, model, parent, "child_ids").await),
        vec![c3]
    );
    assert_eq!(
        read_field(&app, &admin, model, c1, "parent_id").await,
        json!(false)
    );
    // A plain list of ids means [6, 0, ids]; false means clear.
    write(&app, &admin, model, parent, json!({"child_ids": [c1]})).await;
    assert_eq!(
        sorted(&read_field(&app, &admin, model, parent, "child_ids").await),
        vec![c1]
    );
    write(&app, &admin, model, parent, json!({"child_ids": false})).await;
    assert_eq!(
        read_field(&app, &admin, model, parent, "child_ids").await,
        json!([])
    );
    // Archived records are left out of an x2many unless active_test is off.
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[6, 0, [c1, c3]]]}),
    )
    .await;
    write(&app, &admin, model, c1, json!({"active": false})).await;
    assert_eq!(
        sorted(&read_field(&app, &admin, model, parent, "child_ids").await),
        vec![c3]
    );
    let r = app
        .call_kw(
            &admin,
            model,
            "read",
            json!([[parent], ["child_ids"]]),
            json!({"context": {"active_test": false}}),
        )
        .await
        .unwrap();
    assert_eq!(sorted(&r[0]["child_ids"]), vec![c1, c3]);
    write(&app, &admin, model, c1, json!({"active": true})).await;
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[5, 0, 0]]}),
    )
    .await;
    // Several commands in one write apply in order.
    write(
        &app,
        &admin,
        model,
        parent,
        json!({"child_ids": [[4, c1, 0], [4, c3, 0], [3, c1, 0]]}),
    )
    .await;
    assert_eq!(
        sorted(&read_field(&app, &admin, model, parent, "child_ids").await),
        vec![c3]
    );
});

both!(many2many_commands, |app| {
    let admin = app.login("admin", "admin").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let cash = app.xmlid("ops_demo.payment_method_cash").await;
    let card = app.xmlid("ops_demo.payment_method_card").await;
    let stripe = app.xmlid("ops_demo.payment_method_stripe").await;
    let (cfg, pm) = ("pos.config", "pos.payment.method");
    // 6: set.
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": [[6, 0, [cash]]]}),
    )
    .await;
    assert_eq!(methods(&app, &admin, shop).await, vec![cash]);
    // The inverse many2many sees the same relation.
    assert_eq!(
        sorted(&read_field(&app, &admin, pm, cash, "config_ids").await),
        vec![shop]
    );
    assert_eq!(
        read_field(&app, &admin, pm, card, "config_ids").await,
        json!([])
    );
    // 4: link (twice is still once).
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": [[4, card, 0], [4, card, 0]]}),
    )
    .await;
    assert_eq!(methods(&app, &admin, shop).await, vec![cash, card]);
    // 3: unlink the relation only.
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": [[3, card, 0]]}),
    )
    .await;
    assert_eq!(methods(&app, &admin, shop).await, vec![cash]);
    assert!(exists(&app, &admin, pm, card).await);
    // 0: create and link.
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": [[0, 0, {"name": "Voucher"}]]}),
    )
    .await;
    let now = methods(&app, &admin, shop).await;
    assert_eq!(now.len(), 2, "{now:?}");
    let voucher = *now.iter().find(|i| **i != cash).unwrap();
    assert_eq!(
        read_field(&app, &admin, pm, voucher, "name").await,
        json!("Voucher")
    );
    // 1: update a linked record.
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": [[1, voucher, {"name": "Gift Voucher"}]]}),
    )
    .await;
    assert_eq!(
        read_field(&app, &admin, pm, voucher, "name").await,
        json!("Gift Voucher")
    );
    // 2: delete the record itself.
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": [[2, voucher, 0]]}),
    )
    .await;
    assert!(!exists(&app, &admin, pm, voucher).await);
    assert_eq!(methods(&app, &admin, shop).await, vec![cash]);
    // 5: clear; the records stay.
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": [[5, 0, 0]]}),
    )
    .await;
    assert_eq!(methods(&app, &admin, shop).await, Vec::<i64>::new());
    assert!(exists(&app, &admin, pm, cash).await);
    // Plain list of ids, then false.
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": [card, stripe]}),
    )
    .await;
    assert_eq!(methods(&app, &admin, shop).await, vec![card, stripe]);
    write(
        &app,
        &admin,
        cfg,
        shop,
        json!({"payment_method_ids": false}),
    )
    .await;
    assert_eq!(methods(&app, &admin, shop).await, Vec::<i64>::new());
    // Writing from the inverse side.
    write(
        &app,
        &admin,
        pm,
        stripe,
        json!({"config_ids": [[4, shop, 0]]}),
    )
    .await;
    assert_eq!(methods(&app, &admin, shop).await, vec![stripe]);
    // On create, [6, 0, ids] and a plain list.
    let new_cfg = app
        .call_kw(
            &admin,
            cfg,
            "create",
            json!([{"name": "Kiosk", "payment_method_ids": [[6, 0, [cash, card]]]}]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert_eq!(
        sorted(&read_field(&app, &admin, cfg, new_cfg, "payment_method_ids").await),
        vec![cash, card]
    );
    // Linking a record that does not exist is refused, and the call leaves nothing.
    let err = app
        .call_kw(
            &admin,
            cfg,
            "write",
            json!([[shop], {"payment_method_ids": [[5, 0, 0], [4, 999_999, 0]]}]),
            json!({}),
        )
        .await
        .unwrap_err();
    assert_error(
        &err,
        "odoo.exceptions.MissingError",
        "Record does not exist",
    );
    assert_eq!(methods(&app, &admin, shop).await, vec![stripe]);
    // Malformed commands.
    for bad in [json!([[9, 0, 0]]), json!([["x"]]), json!("cash")] {
        let err = app
            .call_kw(
                &admin,
                cfg,
                "write",
                json!([[shop], {"payment_method_ids": bad}]),
                json!({}),
            )
            .await
            .unwrap_err();
        assert_error(
            &err,
            "builtins.ValueError",
            "Wrong value for pos.config.payment_method_ids",
        );
    }
});

both!(user_groups_many2many, |app| {
    let admin = app.login("admin", "admin").await;
    let internal = app.xmlid("base.group_user").await;
    let pos_user = app.xmlid("point_of_sale.group_pos_user").await;
    let uid = app
        .call_kw(
            &admin,
            "res.users",
            "create",
            json!([{"name": "Temp Cashier", "login": "temp", "password": "temp-pass-1", "groups_id": [[6, 0, [internal]]]}]),
            json!({}),
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let temp = app.login("temp", "temp-pass-1").await;
    assert_eq!(temp.uid, uid);
    let err = app
        .call_kw(&temp, "pos.config", "search", json!([[]]), json!({}))
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessError", "pos.config");
    write(
        &app,
        &admin,
        "res.users",
        uid,
        json!({"groups_id": [[4, pos_user, 0]]}),
    )
    .await;
    assert!(
        sorted(&read_field(&app, &admin, "res.users", uid, "groups_id").await).contains(&pos_user)
    );
    app.call_kw(&temp, "pos.config", "search", json!([[]]), json!({}))
        .await
        .expect("a POS user reads pos.config");
    write(
        &app,
        &admin,
        "res.users",
        uid,
        json!({"groups_id": [[3, pos_user, 0]]}),
    )
    .await;
    let err = app
        .call_kw(&temp, "pos.config", "search", json!([[]]), json!({}))
        .await
        .unwrap_err();
    assert_error(&err, "odoo.exceptions.AccessError", "pos.config");
});
