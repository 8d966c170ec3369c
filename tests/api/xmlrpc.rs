//! `/xmlrpc/2/common|object|db`: Odoo's XML-RPC external API, with its fault codes.

use crate::both;
use crate::helpers::*;

fn call(method: &str, params: &[&str]) -> String {
    let params: String = params
        .iter()
        .map(|p| format!("<param><value>{p}</value></param>"))
        .collect();
    format!("<?xml version='1.0'?><methodCall><methodName>{method}</methodName><params>{params}</params></methodCall>")
}

fn s(text: &str) -> String {
    format!("<string>{text}</string>")
}

fn fault_code(xml: &str) -> Option<i64> {
    let at = xml.find("<name>faultCode</name>")?;
    let rest = &xml[at..];
    let start = rest.find("<int>")? + 5;
    let end = rest.find("</int>")?;
    rest[start..end].parse().ok()
}

impl TestApp {
    async fn xmlrpc(&self, service: &str, body: String) -> String {
        let raw = self
            .post_raw(&format!("/xmlrpc/2/{service}"), "text/xml", body, None)
            .await;
        assert_eq!(raw.status, 200, "{}", raw.text);
        assert!(raw.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml"));
        raw.text
    }
}

both!(common_and_db_services, |app| {
    let version = app.xmlrpc("common", call("version", &[])).await;
    assert!(
        version.contains("<name>server_version</name>\n<value><string>18.0</string>"),
        "{version}"
    );
    let uid = app
        .xmlrpc(
            "common",
            call("login", &[&s("odoo"), &s("admin"), &s("admin")]),
        )
        .await;
    assert!(
        uid.contains("<params>\n<param>\n<value><int>2</int></value>"),
        "{uid}"
    );
    let refused = app
        .xmlrpc(
            "common",
            call(
                "authenticate",
                &[&s("odoo"), &s("admin"), &s("nope"), "<struct/>"],
            ),
        )
        .await;
    assert!(
        refused.contains("<value><boolean>0</boolean></value>"),
        "{refused}"
    );
    let dbs = app.xmlrpc("db", call("list", &[])).await;
    assert!(
        dbs.contains("<array><data>\n<value><string>odoo</string></value>"),
        "{dbs}"
    );
});

both!(object_execute_kw_reads_and_writes, |app| {
    let body = call(
        "execute_kw",
        &[
            &s("odoo"),
            "<int>2</int>",
            &s("admin"),
            &s("pos.payment.method"),
            &s("search_read"),
            "<array><data><value><array><data><value><array><data><value><string>use_payment_terminal</string></value><value><string>=</string></value><value><string>stripe</string></value></data></array></value></data></array></value></data></array>",
            "<struct><member><name>fields</name><value><array><data><value><string>name</string></value><value><string>journal_id</string></value></data></array></value></member></struct>",
        ],
    );
    let xml = app.xmlrpc("object", body).await;
    assert!(
        xml.contains("<name>name</name>\n<value><string>Stripe</string></value>"),
        "{xml}"
    );
    // many2one as [id, "name"].
    assert!(
        xml.contains("<name>journal_id</name>\n<value><array><data>\n<value><int>"),
        "{xml}"
    );

    // Amounts arrive exactly as written; writes answer True.
    let write = call(
        "execute_kw",
        &[
            &s("odoo"),
            "<int>2</int>",
            &s("admin"),
            &s("res.currency"),
            &s("search_count"),
            "<array><data><value><array><data><value><array><data><value><string>rounding</string></value><value><string>=</string></value><value><double>0.01</double></value></data></array></value></data></array></value></data></array>",
        ],
    );
    let xml = app.xmlrpc("object", write).await;
    assert!(
        xml.contains("<value><int>4</int></value>"),
        "USD, EUR, AUD, CAD: {xml}"
    );
});

both!(faults_carry_odoo_codes, |app| {
    let exec = |password: &str, model: &str, method: &str, args: &str| {
        call(
            "execute_kw",
            &[
                &s("odoo"),
                "<int>3</int>",
                &s(password),
                &s(model),
                &s(method),
                args,
            ],
        )
    };
    // 3: AccessDenied (wrong password).
    let xml = app
        .xmlrpc(
            "object",
            exec(
                "bad",
                "pos.config",
                "search",
                "<array><data><value><array><data/></array></value></data></array>",
            ),
        )
        .await;
    assert_eq!(fault_code(&xml), Some(3), "{xml}");
    assert!(xml.contains("<string>Access Denied</string>"));
    // 4: AccessError (the cashier, uid 3, cannot read the provider's secret key).
    let xml = app
        .xmlrpc(
            "object",
            call(
                "execute_kw",
                &[&s("odoo"), "<int>3</int>", &s("cashier"), &s("payment.provider"), &s("search_read"),
                  "<array><data><value><array><data/></array></value></data></array>",
                  "<struct><member><name>fields</name><value><array><data><value><string>stripe_secret_key</string></value></data></array></value></member></struct>"],
            ),
        )
        .await;
    assert_eq!(fault_code(&xml), Some(4), "{xml}");
    // 2: UserError family (a method without a name, as admin).
    let xml = app
        .xmlrpc(
            "object",
            call(
                "execute_kw",
                &[&s("odoo"), "<int>2</int>", &s("admin"), &s("pos.payment.method"), &s("create"),
                  "<array><data><value><struct><member><name>name</name><value><boolean>0</boolean></value></member><member><name>journal_id</name><value><int>3</int></value></member></struct></value></data></array>"],
            ),
        )
        .await;
    assert_eq!(fault_code(&xml), Some(2), "{xml}");
    assert!(xml.contains("a mandatory field is not set"), "{xml}");
    // 1: anything else, with a traceback-like text.
    let xml = app
        .xmlrpc(
            "object",
            exec(
                "cashier",
                "res.partner",
                "no_such_method",
                "<array><data/></array>",
            ),
        )
        .await;
    assert_eq!(fault_code(&xml), Some(1), "{xml}");
    assert!(xml.contains("builtins.AttributeError"), "{xml}");
    // An unknown model is Odoo's UserError: code 2.
    let xml = app
        .xmlrpc(
            "object",
            exec(
                "cashier",
                "no.such.model",
                "search",
                "<array><data/></array>",
            ),
        )
        .await;
    assert_eq!(fault_code(&xml), Some(2), "{xml}");
    assert!(xml.contains("Object no.such.model doesn't exist"), "{xml}");
    // A None result cannot be marshalled, as in Odoo.
    let created = app
        .xmlrpc(
            "object",
            call(
                "execute_kw",
                &[
                    &s("odoo"),
                    "<int>2</int>",
                    &s("admin"),
                    &s("res.config.settings"),
                    &s("create"),
                    "<array><data><value><struct/></value></data></array>",
                ],
            ),
        )
        .await;
    let start = created.find("<int>").expect(&created) + 5;
    let settings: i64 = created[start..created.find("</int>").unwrap()]
        .parse()
        .unwrap();
    let xml = app
        .xmlrpc(
            "object",
            call(
                "execute_kw",
                &[
                    &s("odoo"),
                    "<int>2</int>",
                    &s("admin"),
                    &s("res.config.settings"),
                    &s("set_values"),
                    &format!("<array><data><value><array><data><value><int>{settings}</int></value></data></array></value></data></array>"),
                ],
            ),
        )
        .await;
    assert_eq!(fault_code(&xml), Some(1), "{xml}");
    assert!(xml.contains("cannot marshal None"), "{xml}");
    // Malformed XML: a fault, HTTP 200, nothing run.
    let xml = app
        .xmlrpc("object", "<methodCall><methodName>execute_kw".into())
        .await;
    assert_eq!(fault_code(&xml), Some(1), "{xml}");
    let raw = app
        .post_raw("/xmlrpc/2/nothing", "text/xml", call("version", &[]), None)
        .await;
    assert_eq!(raw.status, 404);
});
