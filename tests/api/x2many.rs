//! x2many commands on the wire (`[0,0,vals]` ... `[6,0,ids]`, plain id lists, `false`)
//! on a one2many (`res.partner.child_ids`) and many2manys (`pos.config.payment_method_ids`
//! with its inverse `pos.payment.method.config_ids`, `res.users.groups_id`).

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

/// Whether record `id` of `model` still exists, archived or not.
async fn exists(who: &Client, model: &str, id: i64) -> bool {
    let r = who
        .with_context(json!({"active_test": false}))
        .call_ok(model, "exists", json!([[id]]), json!({}))
        .await;
    r == json!([id])
}

/// The payment methods of a POS config, sorted.
async fn methods(who: &Client, config: i64) -> Vec<i64> {
    sorted(
        &who.read_field("pos.config", config, "payment_method_ids")
            .await,
    )
}

fn sorted(v: &Value) -> Vec<i64> {
    let mut ids = ids_of(v);
    ids.sort();
    ids
}

both!(one2many_commands, |app| {
    let admin = app.as_user("admin").await;
    let model = "res.partner";
    // 0: create and link, on create.
    let parent = admin.create(model, json!({"name": "Parent", "child_ids": [[0, 0, {"name": "c1"}], [0, 0, {"name": "c2"}]]})).await;
    let children = sorted(&admin.read_field(model, parent, "child_ids").await);
    assert_eq!(children.len(), 2);
    let (c1, c2) = (children[0], children[1]);
    assert_eq!(
        admin.read_field(model, c1, "parent_id").await,
        json!([parent, "Parent"])
    );
    assert_eq!(admin.read_field(model, c1, "name").await, json!("c1"));
    // 0 on write, 1: update.
    admin
        .write(
            model,
            &[parent],
            json!({"child_ids": [[1, c1, {"name": "c1 renamed"}], [0, 0, {"name": "c3"}]]}),
        )
        .await;
    assert_eq!(
        admin.read_field(model, c1, "name").await,
        json!("c1 renamed")
    );
    let children = sorted(&admin.read_field(model, parent, "child_ids").await);
    assert_eq!(children.len(), 3);
    let c3 = *children.iter().find(|i| ![c1, c2].contains(i)).unwrap();
    // 2: delete the record itself.
    admin
        .write(model, &[parent], json!({"child_ids": [[2, c2, 0]]}))
        .await;
    assert!(!exists(&admin, model, c2).await);
    assert_eq!(
        sorted(&admin.read_field(model, parent, "child_ids").await),
        vec![c1, c3]
    );
    // 3: unlink only — the record stays, without parent.
    admin
        .write(model, &[parent], json!({"child_ids": [[3, c3, 0]]}))
        .await;
    assert!(exists(&admin, model, c3).await);
    assert_eq!(admin.read_field(model, c3, "parent_id").await, json!(false));
    assert_eq!(
        sorted(&admin.read_field(model, parent, "child_ids").await),
        vec![c1]
    );
    // 4: link an existing record.
    admin
        .write(model, &[parent], json!({"child_ids": [[4, c3, 0]]}))
        .await;
    assert_eq!(
        sorted(&admin.read_field(model, parent, "child_ids").await),
        vec![c1, c3]
    );
    // 5: clear — the records stay.
    admin
        .write(model, &[parent], json!({"child_ids": [[5, 0, 0]]}))
        .await;
    assert_eq!(
        admin.read_field(model, parent, "child_ids").await,
        json!([])
    );
    assert!(exists(&admin, model, c1).await && exists(&admin, model, c3).await);
    // 6: replace.
    admin
        .write(model, &[parent], json!({"child_ids": [[6, 0, [c1, c3]]]}))
        .await;
    assert_eq!(
        sorted(&admin.read_field(model, parent, "child_ids").await),
        vec![c1, c3]
    );
    admin
        .write(model, &[parent], json!({"child_ids": [[6, 0, [c3]]]}))
        .await;
    assert_eq!(
        sorted(&admin.read_field(model, parent, "child_ids").await),
        vec![c3]
    );
    assert_eq!(admin.read_field(model, c1, "parent_id").await, json!(false));
    // A plain list of ids means [6, 0, ids]; false means clear.
    admin
        .write(model, &[parent], json!({"child_ids": [c1]}))
        .await;
    assert_eq!(
        sorted(&admin.read_field(model, parent, "child_ids").await),
        vec![c1]
    );
    admin
        .write(model, &[parent], json!({"child_ids": false}))
        .await;
    assert_eq!(
        admin.read_field(model, parent, "child_ids").await,
        json!([])
    );
    // Archived records are left out of an x2many unless active_test is off.
    admin
        .write(model, &[parent], json!({"child_ids": [[6, 0, [c1, c3]]]}))
        .await;
    admin.write(model, &[c1], json!({"active": false})).await;
    assert_eq!(
        sorted(&admin.read_field(model, parent, "child_ids").await),
        vec![c3]
    );
    let r = admin
        .with_context(json!({"active_test": false}))
        .read(model, &[parent], &["child_ids"])
        .await;
    assert_eq!(sorted(&r[0]["child_ids"]), vec![c1, c3]);
    admin.write(model, &[c1], json!({"active": true})).await;
    admin
        .write(model, &[parent], json!({"child_ids": [[5, 0, 0]]}))
        .await;
    // Several commands in one write apply in order.
    admin
        .write(
            model,
            &[parent],
            json!({"child_ids": [[4, c1, 0], [4, c3, 0], [3, c1, 0]]}),
        )
        .await;
    assert_eq!(
        sorted(&admin.read_field(model, parent, "child_ids").await),
        vec![c3]
    );
});

both!(many2many_commands, |app| {
    let admin = app.as_user("admin").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let cash = app.xmlid("ops_demo.payment_method_cash").await;
    let card = app.xmlid("ops_demo.payment_method_card").await;
    let stripe = app.xmlid("ops_demo.payment_method_stripe").await;
    let (cfg, pm) = ("pos.config", "pos.payment.method");
    // 6: set.
    admin
        .write(
            cfg,
            &[shop],
            json!({"payment_method_ids": [[6, 0, [cash]]]}),
        )
        .await;
    assert_eq!(methods(&admin, shop).await, vec![cash]);
    // The inverse many2many sees the same relation.
    assert_eq!(
        sorted(&admin.read_field(pm, cash, "config_ids").await),
        vec![shop]
    );
    assert_eq!(admin.read_field(pm, card, "config_ids").await, json!([]));
    // 4: link (twice is still once).
    admin
        .write(
            cfg,
            &[shop],
            json!({"payment_method_ids": [[4, card, 0], [4, card, 0]]}),
        )
        .await;
    assert_eq!(methods(&admin, shop).await, vec![cash, card]);
    // 3: unlink the relation only.
    admin
        .write(cfg, &[shop], json!({"payment_method_ids": [[3, card, 0]]}))
        .await;
    assert_eq!(methods(&admin, shop).await, vec![cash]);
    assert!(exists(&admin, pm, card).await);
    // 0: create and link.
    admin
        .write(
            cfg,
            &[shop],
            json!({"payment_method_ids": [[0, 0, {"name": "Voucher"}]]}),
        )
        .await;
    let now = methods(&admin, shop).await;
    assert_eq!(now.len(), 2, "{now:?}");
    let voucher = *now.iter().find(|i| **i != cash).unwrap();
    assert_eq!(
        admin.read_field(pm, voucher, "name").await,
        json!("Voucher")
    );
    // 1: update a linked record.
    admin
        .write(
            cfg,
            &[shop],
            json!({"payment_method_ids": [[1, voucher, {"name": "Gift Voucher"}]]}),
        )
        .await;
    assert_eq!(
        admin.read_field(pm, voucher, "name").await,
        json!("Gift Voucher")
    );
    // 2: delete the record itself.
    admin
        .write(
            cfg,
            &[shop],
            json!({"payment_method_ids": [[2, voucher, 0]]}),
        )
        .await;
    assert!(!exists(&admin, pm, voucher).await);
    assert_eq!(methods(&admin, shop).await, vec![cash]);
    // 5: clear; the records stay.
    admin
        .write(cfg, &[shop], json!({"payment_method_ids": [[5, 0, 0]]}))
        .await;
    assert_eq!(methods(&admin, shop).await, Vec::<i64>::new());
    assert!(exists(&admin, pm, cash).await);
    // Plain list of ids, then false.
    admin
        .write(cfg, &[shop], json!({"payment_method_ids": [card, stripe]}))
        .await;
    assert_eq!(methods(&admin, shop).await, vec![card, stripe]);
    admin
        .write(cfg, &[shop], json!({"payment_method_ids": false}))
        .await;
    assert_eq!(methods(&admin, shop).await, Vec::<i64>::new());
    // Writing from the inverse side.
    admin
        .write(pm, &[stripe], json!({"config_ids": [[4, shop, 0]]}))
        .await;
    assert_eq!(methods(&admin, shop).await, vec![stripe]);
    // On create, [6, 0, ids] and a plain list.
    let new_cfg = admin
        .create(
            cfg,
            json!({"name": "Kiosk", "payment_method_ids": [[6, 0, [cash, card]]]}),
        )
        .await;
    assert_eq!(
        sorted(&admin.read_field(cfg, new_cfg, "payment_method_ids").await),
        vec![cash, card]
    );
    // Linking a record that does not exist is refused, and the call leaves nothing.
    let err = admin
        .expect_error(
            cfg,
            "write",
            json!([[shop], {"payment_method_ids": [[5, 0, 0], [4, 999_999, 0]]}]),
            json!({}),
        )
        .await;
    assert_error(
        &err,
        "odoo.exceptions.MissingError",
        "Record does not exist",
    );
    assert_eq!(methods(&admin, shop).await, vec![stripe]);
    // Malformed commands.
    for bad in [json!([[9, 0, 0]]), json!([["x"]]), json!("cash")] {
        let err = admin
            .expect_error(
                cfg,
                "write",
                json!([[shop], {"payment_method_ids": bad}]),
                json!({}),
            )
            .await;
        assert_error(
            &err,
            "builtins.ValueError",
            "Wrong value for pos.config.payment_method_ids",
        );
    }
});

both!(user_groups_many2many, |app| {
    let admin = app.as_user("admin").await;
    let internal = app.xmlid("base.group_user").await;
    let pos_user = app.xmlid("point_of_sale.group_pos_user").await;
    let uid = admin.create("res.users", json!({"name": "Temp Cashier", "login": "temp", "password": "temp-pass-1", "groups_id": [[6, 0, [internal]]]})).await;
    let temp = app.login("temp", "temp-pass-1").await;
    assert_eq!(temp.uid, uid);
    let err = temp
        .expect_error("pos.config", "search", json!([[]]), json!({}))
        .await;
    assert_error(&err, "odoo.exceptions.AccessError", "pos.config");
    admin
        .write(
            "res.users",
            &[uid],
            json!({"groups_id": [[4, pos_user, 0]]}),
        )
        .await;
    assert!(sorted(&admin.read_field("res.users", uid, "groups_id").await).contains(&pos_user));
    temp.call_ok("pos.config", "search", json!([[]]), json!({}))
        .await;
    admin
        .write(
            "res.users",
            &[uid],
            json!({"groups_id": [[3, pos_user, 0]]}),
        )
        .await;
    let err = temp
        .expect_error("pos.config", "search", json!([[]]), json!({}))
        .await;
    assert_error(&err, "odoo.exceptions.AccessError", "pos.config");
});
