//! The demo catalogue a POS shift needs, read as the cashier reads it: products
//! available in the POS with prices, barcodes, units and taxes (excluded, included,
//! fixed), the shop's categories, pricelist, operation type and sequences, coins and
//! bills, notes, and the barcode nomenclature.

use serde_json::{json, Value};

use crate::both;
use crate::helpers::*;

async fn search_read(s: &Client, model: &str, domain: Value, fields: Value) -> Vec<Value> {
    s.call(model, "search_read", json!([domain, fields]), json!({}))
        .await
        .unwrap_or_else(|e| panic!("search_read {model}: {e}"))
        .as_array()
        .unwrap()
        .clone()
}

both!(demo_catalogue_is_a_shop_a_cashier_can_sell_from, |app| {
    let cashier = app.login("cashier", "cashier").await;
    let shop = app.xmlid("ops_demo.pos_config_shop").await;
    let config = &cashier
        .call(
            "pos.config",
            "read",
            json!([
                [shop],
                [
                    "iface_available_categ_ids",
                    "limit_categories",
                    "pricelist_id",
                    "available_pricelist_ids",
                    "picking_type_id",
                    "sequence_id",
                    "sequence_line_id",
                    "tip_product_id",
                    "currency_id"
                ]
            ]),
            json!({"load": false}),
        )
        .await
        .unwrap()[0];
    let categories = config["iface_available_categ_ids"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(categories.len(), 3, "{config}");
    assert_eq!(config["limit_categories"], json!(true));
    let pricelist = app.xmlid("product.list0").await;
    assert_eq!(config["pricelist_id"], json!(pricelist));
    assert_eq!(config["available_pricelist_ids"], json!([pricelist]));
    assert_eq!(
        config["picking_type_id"],
        json!(app.xmlid("ops_demo.picking_type_pos").await)
    );
    assert_eq!(config["currency_id"], json!(app.xmlid("base.USD").await));
    let tip = app.xmlid("point_of_sale.product_product_tip").await;
    assert_eq!(config["tip_product_id"], json!(tip));
    let sequence = &search_read(
        &cashier,
        "ir.sequence",
        json!([["id", "=", config["sequence_id"]]]),
        json!(["code", "prefix", "padding"]),
    )
    .await[0];
    assert_eq!(sequence["code"], json!("pos.order"));
    assert_eq!(sequence["prefix"], json!("Shop/"));
    assert_eq!(sequence["padding"], json!(4));

    // A dozen products in the shop's categories, each with a price and a barcode.
    let products = search_read(
        &cashier,
        "product.product",
        json!([["id", "!=", tip]]),
        json!([
            "name",
            "list_price",
            "barcode",
            "pos_categ_ids",
            "taxes_id",
            "uom_id",
            "available_in_pos"
        ]),
    )
    .await;
    assert_eq!(products.len(), 12, "{products:?}");
    let mut barcodes = Vec::new();
    for p in &products {
        assert_eq!(p["available_in_pos"], json!(true), "{p}");
        assert!(p["list_price"].as_f64().unwrap() > 0.0, "{p}");
        let cat = p["pos_categ_ids"][0].clone();
        assert!(
            categories.contains(&cat),
            "{p} is in a category of the shop"
        );
        barcodes.push(p["barcode"].as_str().unwrap().to_string());
    }
    barcodes.sort();
    barcodes.dedup();
    assert_eq!(barcodes.len(), 12, "barcodes are unique");

    // Taxes: 15% excluded on most, one product with 15% included, one with a fixed fee.
    let excluded = app.xmlid("ops_demo.tax_sale_15").await;
    let included = app.xmlid("ops_demo.tax_sale_15_incl").await;
    let fixed = app.xmlid("ops_demo.tax_eco_fee").await;
    let with = |t: i64| {
        products
            .iter()
            .filter(|p| p["taxes_id"].as_array().unwrap().contains(&json!(t)))
            .count()
    };
    assert!(with(excluded) >= 8);
    assert_eq!(with(included), 1);
    assert_eq!(with(fixed), 1);
    let taxes = search_read(
        &cashier,
        "account.tax",
        json!([["id", "in", [excluded, included, fixed]]]),
        json!([
            "amount_type",
            "amount",
            "price_include_override",
            "tax_group_id"
        ]),
    )
    .await;
    let by_id = |id: i64| taxes.iter().find(|t| t["id"] == json!(id)).unwrap().clone();
    assert_eq!(
        by_id(excluded)["price_include_override"],
        json!("tax_excluded")
    );
    assert_eq!(
        by_id(included)["price_include_override"],
        json!("tax_included")
    );
    assert_eq!(by_id(fixed)["amount_type"], json!("fixed"));
    assert_eq!(by_id(excluded)["amount"], by_id(included)["amount"]);

    // Units, coins and bills, notes, the barcode rules and the language the POS loads.
    let dozen = app.xmlid("uom.product_uom_dozen").await;
    assert!(products.iter().any(|p| p["uom_id"][0] == json!(dozen)));
    let bills = search_read(&cashier, "pos.bill", json!([]), json!(["value"])).await;
    assert_eq!(bills.len(), 13);
    let notes = search_read(&cashier, "pos.note", json!([]), json!(["name"])).await;
    assert_eq!(notes.len(), 4);
    let rules = search_read(
        &cashier,
        "barcode.rule",
        json!([[
            "barcode_nomenclature_id",
            "=",
            app.xmlid("barcodes.default_barcode_nomenclature").await
        ]]),
        json!(["type", "pattern"]),
    )
    .await;
    assert!(rules
        .iter()
        .any(|r| r["type"] == json!("product") && r["pattern"] == json!(".*")));
    let langs = search_read(&cashier, "res.lang", json!([]), json!(["code"])).await;
    assert_eq!(langs, vec![json!({"id": langs[0]["id"], "code": "en_US"})]);
    let precisions = search_read(
        &cashier,
        "decimal.precision",
        json!([["name", "=", "Product Price"]]),
        json!(["digits"]),
    )
    .await;
    assert_eq!(precisions[0]["digits"], json!(2));
});
