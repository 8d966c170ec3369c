//! The contract checker itself.

use super::*;

#[tokio::test]
async fn the_contract_accepts_nulls_where_nullable_and_rejects_broken_objects() {
    let harness = Harness::new();
    let pi = harness.create_intent(ODOO_CREATE).await;
    let contract = contract::shared();
    let check = |value: &Value| contract.validate("payment_intent", value);
    check(&pi).unwrap();
    assert_eq!(
        pi["latest_charge"],
        Value::Null,
        "nullable fields accept null"
    );

    let mut wrong_type = pi.clone();
    wrong_type["amount"] = json!("1250");
    let errors = check(&wrong_type).unwrap_err();
    assert!(
        errors.iter().any(|error| error.starts_with("/amount:")),
        "{errors:?}"
    );

    let mut bad_enum = pi.clone();
    bad_enum["status"] = json!("pending");
    assert!(check(&bad_enum).is_err());

    let mut not_nullable = pi.clone();
    not_nullable["capture_method"] = Value::Null;
    assert!(check(&not_nullable).is_err());

    let mut missing = pi.clone();
    missing.as_object_mut().unwrap().remove("object");
    assert!(check(&missing).is_err());

    // Operation targets, with template or concrete paths and query strings.
    let id = pi["id"].as_str().unwrap();
    contract
        .validate("POST /v1/payment_intents/{intent}/cancel 200", &pi)
        .unwrap();
    contract
        .validate_response(
            "GET",
            &format!("/v1/payment_intents/{id}?expand[]=latest_charge"),
            200,
            &pi,
        )
        .unwrap();
    assert!(contract
        .validate(&format!("GET /v1/payment_intents/{id} 404"), &pi)
        .is_err());
    assert!(contract.validate("no_such_schema", &pi).is_err());
    harness.finish();
}
