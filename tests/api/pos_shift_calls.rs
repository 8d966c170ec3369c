//! The other calls the Odoo 18 POS client makes during a shift (issue 9, item 4), sent
//! as recorded in `tests/data/odoo18/other_reads.json`: the barcode nomenclature and
//! its rules, the search for product variants, and `pos.config`'s
//! `read_config_open_orders` and `notify_synchronisation` (the bus engine's, its
//! delivery tested in `web_pages`).

use serde_json::{json, Value};

use crate::both;
use crate::helpers::{Client, TestApp};

const OTHER: &str = include_str!("../data/odoo18/other_reads.json");

/// The recorded call named `rpc`: its params and its result.
fn recorded(rpc: &str) -> (Value, Value) {
    let other: Value = serde_json::from_str(OTHER).unwrap();
    let call = other["rpc_calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rpc"] == json!(rpc))
        .unwrap_or_else(|| panic!("{rpc} not recorded"))
        .clone();
    (
        call["request"]["params"].clone(),
        call["response"]["result"].clone(),
    )
}

/// Sends recorded params (model, method, args, kwargs) as they were, but for `args`.
async fn send(who: &Client, params: &Value, args: Value) -> Result<Value, Value> {
    let model = params["model"].as_str().unwrap();
    let method = params["method"].as_str().unwrap();
    let mut kwargs = params["kwargs"].clone();
    kwargs["context"]["uid"] = json!(who.uid);
    who.call(model, method, args, kwargs).await
}

fn without_ids(rows: &Value) -> Vec<Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.as_object_mut().unwrap().shift_remove("id");
            r
        })
        .collect()
}

async fn open_shop(app: &TestApp, cashier: &Client) -> (i64, i64) {
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    cashier
        .rpc(
            "/web/dataset/call_button",
            json!({"model": "pos.config", "method": "open_ui", "args": [[shop]], "kwargs": {}}),
        )
        .await;
    let session = cashier
        .search("pos.session", json!([["config_id", "=", shop]]))
        .await[0];
    (shop, session)
}

both!(barcode_reads_answer_as_recorded, |app| {
    let cashier = app.as_user("cashier").await;
    let nomenclature = app.xmlid("barcodes.default_barcode_nomenclature").await;
    let (params, expected) = recorded("barcode.nomenclature.read");
    let mut args = params["args"].clone();
    args[0] = json!([nomenclature]);
    let ours = send(&cashier, &params, args).await.unwrap();
    assert_eq!(
        without_ids(&ours)[0]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        without_ids(&expected)[0]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>()
    );
    let mut ours_plain = without_ids(&ours)[0].clone();
    let mut expected_plain = without_ids(&expected)[0].clone();
    let rule_ids = ours_plain["rule_ids"].take();
    expected_plain["rule_ids"].take();
    assert_eq!(ours_plain, expected_plain);
    assert_eq!(rule_ids.as_array().unwrap().len(), 9);

    let (params, expected) = recorded("barcode.rule.search_read");
    let mut kwargs_domain = params.clone();
    kwargs_domain["kwargs"]["domain"] = json!([["barcode_nomenclature_id", "=", nomenclature]]);
    let rules = send(&cashier, &kwargs_domain, json!([])).await.unwrap();
    assert_eq!(
        without_ids(&rules),
        without_ids(&expected),
        "rules in sequence order"
    );
    // The nomenclature lists its rules in the same order.
    let ids: Vec<Value> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(rule_ids, json!(ids));
});

both!(the_variant_search_answers_the_fields_asked, |app| {
    let cashier = app.as_user("cashier").await;
    let admin = app.as_user("admin").await;
    let cabinet = app.xmlid("ops_demo.product_cabinet").await;
    let template = admin
        .read_field("product.product", cabinet, "product_tmpl_id")
        .await[0]
        .clone();
    let (params, expected) = recorded("product.product.search_read");
    assert_eq!(expected, json!([]));
    let mut p = params.clone();
    p["kwargs"]["domain"] = json!([
        "&",
        ["id", "not in", [cabinet]],
        ["product_tmpl_id", "in", [template]]
    ]);
    assert_eq!(send(&cashier, &p, json!([])).await.unwrap(), json!([]));
    // A second variant of the template is found, with the fields asked, load=False.
    let variant = admin
        .create(
            "product.product",
            json!({"product_tmpl_id": template, "default_code": "E-COM11-B"}),
        )
        .await;
    let found = send(&cashier, &p, json!([])).await.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let row = &found[0];
    assert_eq!(row["id"], json!(variant));
    assert_eq!(row["product_tmpl_id"], template, "many2one as a bare id");
    for field in p["kwargs"]["fields"].as_array().unwrap() {
        assert!(
            row.get(field.as_str().unwrap()).is_some(),
            "{field} missing in {row}"
        );
    }
});

both!(open_orders_and_synchronisation_as_odoo, |app| {
    let cashier = app.as_user("cashier").await;
    let admin = app.as_user("admin").await;
    let (shop, session) = open_shop(&app, &cashier).await;
    let company = admin.read_field("pos.session", session, "company_id").await[0].clone();
    let draft = admin
        .create(
            "pos.order",
            // Odoo relates config_id to the session's; set as sync_from_ui sets it.
            json!({"session_id": session, "config_id": shop, "company_id": company, "amount_tax": 0,
                   "amount_total": 5, "amount_paid": 0, "amount_return": 0}),
        )
        .await;
    let answer = cashier
        .call_ok(
            "pos.config",
            "read_config_open_orders",
            json!([[shop], [["state", "=", "draft"], ["config_id", "in", [shop]]],
                   {"pos.order": [draft, 999999], "pos.payment": [999998]}]),
            json!({}),
        )
        .await;
    let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["dynamic_records", "deleted_record_ids"]);
    let dynamic = &answer["dynamic_records"];
    let models: Vec<&String> = dynamic.as_object().unwrap().keys().collect();
    assert_eq!(
        models,
        [
            "pos.order",
            "pos.session",
            "pos.payment",
            "pos.order.line",
            "pos.pack.operation.lot",
            "product.attribute.custom.value"
        ]
    );
    assert_eq!(dynamic["pos.order"][0]["id"], json!(draft));
    assert_eq!(dynamic["pos.order"][0]["session_id"], json!(session));
    assert_eq!(
        answer["deleted_record_ids"],
        json!({"pos.order": [999999], "pos.payment": [999998]})
    );

    let none = cashier
        .call_ok(
            "pos.config",
            "notify_synchronisation",
            json!([[shop], session, 1, {"pos.order": [draft]}]),
            json!({}),
        )
        .await;
    assert_eq!(none, Value::Null);
});

both!(prices_of_products_loaded_later, |app| {
    let cashier = app.as_user("cashier").await;
    let (shop, session) = open_shop(&app, &cashier).await;
    let chair = app
        .xmlid("ops_demo.product_template_conference_chair")
        .await;
    let sofa = app.xmlid("ops_demo.product_template_sofa").await;
    let item = app.xmlid("ops_demo.pricelist_item_conference_chairs").await;
    let pricelist = app.xmlid("product.list0").await;
    let answer = cashier
        .call_ok(
            "pos.session",
            "get_pos_ui_product_pricelist_item_by_product",
            json!([[session], [chair, sofa], [], shop]),
            json!({}),
        )
        .await;
    let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["product.pricelist.item", "product.pricelist"]);
    let items = answer["product.pricelist.item"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{answer}");
    assert_eq!(items[0]["id"], json!(item));
    assert_eq!(items[0]["pricelist_id"], json!(pricelist), "load=False");
    assert_eq!(answer["product.pricelist"][0]["id"], json!(pricelist));
    // Not the chair: nothing.
    let none = cashier
        .call_ok(
            "pos.session",
            "get_pos_ui_product_pricelist_item_by_product",
            json!([[session], [sofa], [], shop]),
            json!({}),
        )
        .await;
    assert_eq!(
        none,
        json!({"product.pricelist.item": [], "product.pricelist": []})
    );
});
