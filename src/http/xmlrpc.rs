//! Odoo's XML-RPC endpoints, `/xmlrpc/2/common|object|db`: the external API of Odoo's
//! documentation and of scripts built on Python's `xmlrpc.client`. A `methodCall` is
//! decoded into the same call as `/jsonrpc` (`{service, method, args}`), dispatched the
//! same way, and the result or error is encoded as a `methodResponse` or a `fault`.
//!
//! Faults follow Odoo's `/xmlrpc/2/` rules: code 2 for the UserError family (UserError,
//! ValidationError, MissingError), 3 for AccessDenied, 4 for AccessError, and 1 with a
//! traceback-like text for everything else. A `None` result cannot be marshalled: Odoo
//! answers a fault, and so do we.

use base64::Engine as _;
use serde_json::{Map, Number, Value};

use crate::errors::OdooError;

/// The services under `/xmlrpc/2/`.
pub fn service_of(path: &str) -> Option<&'static str> {
    match path.strip_prefix("/xmlrpc/2/")? {
        "common" => Some("common"),
        "object" => Some("object"),
        "db" => Some("db"),
        _ => None,
    }
}

/// Decodes a `methodCall` into its method name and parameters.
pub fn parse_call(body: &[u8]) -> Result<(String, Vec<Value>), String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the body is not UTF-8: {e}"))?;
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not well-formed: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "methodCall" {
        return Err(format!(
            "expected a methodCall, found <{}>",
            root.tag_name().name()
        ));
    }
    let method = child(root, "methodName")
        .and_then(|n| n.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or("the methodCall has no methodName")?;
    let mut params = Vec::new();
    if let Some(list) = child(root, "params") {
        for param in elements(list) {
            if param.tag_name().name() != "param" {
                return Err(format!(
                    "unexpected <{}> in params",
                    param.tag_name().name()
                ));
            }
            let value = child(param, "value").ok_or("a param without a value")?;
            params.push(decode_value(value)?);
        }
    }
    Ok((method, params))
}

/// A `methodResponse` carrying `result`, or a fault when it cannot be marshalled.
pub fn response(result: Option<&Value>) -> String {
    let mut out = String::new();
    match result.map(|v| encode_value(v, &mut out)) {
        Some(Ok(())) => format!(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n{out}</param>\n</params>\n</methodResponse>\n"
        ),
        _ => fault(
            1,
            "Traceback (most recent call last):\nTypeError: cannot marshal None unless allow_none is enabled",
        ),
    }
}

/// The fault for `err`, with Odoo's `/xmlrpc/2/` code.
pub fn error_fault(err: &OdooError) -> String {
    let text = err.client_message();
    match err {
        OdooError::UserError(_) | OdooError::ValidationError(_) | OdooError::MissingError(_) => {
            fault(2, &text)
        }
        OdooError::AccessDenied(_) => fault(3, &text),
        OdooError::AccessError(_) => fault(4, &text),
        other => fault(1, &super::envelope::traceback(other)),
    }
}

/// A fault for a request that could not be decoded.
pub fn parse_fault(problem: &str) -> String {
    fault(
        1,
        &format!("Traceback (most recent call last):\nxml.parsers.expat.ExpatError: {problem}"),
    )
}

fn fault(code: i64, text: &str) -> String {
    format!(
        "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>{code}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>{}</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n",
        escape(text)
    )
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn elements<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children().filter(|c| c.is_element())
}

fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}

fn decode_value(value: roxmltree::Node<'_, '_>) -> Result<Value, String> {
    let Some(typed) = elements(value).next() else {
        // A value without a type element is a string.
        return Ok(Value::String(text_of(value)));
    };
    let text = text_of(typed);
    let number = |t: &str| -> Result<Value, String> {
        t.trim()
            .parse::<Number>()
            .map(Value::Number)
            .map_err(|_| format!("'{}' is not a number", t.trim()))
    };
    match typed.tag_name().name() {
        "int" | "i4" | "i8" => {
            let n: i64 = text
                .trim()
                .parse()
                .map_err(|_| format!("'{}' is not an integer", text.trim()))?;
            Ok(Value::from(n))
        }
        // Kept as written: an amount like 12.50 stays exactly 12.50.
        "double" => number(&text),
        "boolean" => match text.trim() {
            "1" => Ok(Value::Bool(true)),
            "0" => Ok(Value::Bool(false)),
            other => Err(format!("'{other}' is not a boolean")),
        },
        "string" => Ok(Value::String(text)),
        "nil" => Ok(Value::Null),
        "dateTime.iso8601" => Ok(Value::String(text.trim().to_string())),
        "base64" => {
            let compact: String = text.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .map_err(|e| format!("bad base64: {e}"))?;
            Ok(Value::String(compact))
        }
        "array" => {
            let data = child(typed, "data").ok_or("an array without data")?;
            elements(data)
                .map(decode_value)
                .collect::<Result<_, _>>()
                .map(Value::Array)
        }
        "struct" => {
            let mut map = Map::new();
            for member in elements(typed) {
                let name = child(member, "name")
                    .map(text_of)
                    .ok_or("a struct member without a name")?;
                let value = child(member, "value").ok_or("a struct member without a value")?;
                map.insert(name, decode_value(value)?);
            }
            Ok(Value::Object(map))
        }
        other => Err(format!("unknown value type <{other}>")),
    }
}

/// Encodes `v`; `Err` when it holds a `null`, which XML-RPC cannot carry.
fn encode_value(v: &Value, out: &mut String) -> Result<(), ()> {
    match v {
        Value::Null => return Err(()),
        Value::Bool(b) => {
            out.push_str(if *b {
                "<value><boolean>1</boolean></value>\n"
            } else {
                "<value><boolean>0</boolean></value>\n"
            });
        }
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                out.push_str(&format!("<value><int>{n}</int></value>\n"));
            } else {
                out.push_str(&format!("<value><double>{n}</double></value>\n"));
            }
        }
        Value::String(s) => {
            out.push_str("<value><string>");
            out.push_str(&escape(s));
            out.push_str("</string></value>\n");
        }
        Value::Array(items) => {
            out.push_str("<value><array><data>\n");
            for item in items {
                encode_value(item, out)?;
            }
            out.push_str("</data></array></value>\n");
        }
        Value::Object(map) => {
            out.push_str("<value><struct>\n");
            for (k, item) in map {
                out.push_str("<member>\n<name>");
                out.push_str(&escape(k));
                out.push_str("</name>\n");
                encode_value(item, out)?;
                out.push_str("</member>\n");
            }
            out.push_str("</struct></value>\n");
        }
    }
    Ok(())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_every_value_type() {
        let body = r#"<?xml version="1.0"?>
<methodCall><methodName>execute_kw</methodName><params>
<param><value><string>odoo</string></value></param>
<param><value><int>2</int></value></param>
<param><value>plain &amp; simple</value></param>
<param><value><array><data><value><i4>1</i4></value><value><boolean>1</boolean></value><value><double>12.50</double></value></data></array></value></param>
<param><value><struct><member><name>fields</name><value><array><data/></array></value></member><member><name>x</name><value><nil/></value></member></struct></value></param>
</params></methodCall>"#;
        let (method, params) = parse_call(body.as_bytes()).unwrap();
        assert_eq!(method, "execute_kw");
        let expected: Value = serde_json::from_str(
            r#"["odoo", 2, "plain & simple", [1, true, 12.50], {"fields": [], "x": null}]"#,
        )
        .unwrap();
        assert_eq!(Value::Array(params.clone()), expected);
        // The amount is kept as written.
        assert_eq!(params[3][2].to_string(), "12.50");
    }

    #[test]
    fn refuses_malformed_calls() {
        for body in [
            "<methodCall>",
            "<notACall/>",
            "<methodCall><params/></methodCall>",
            "<methodCall><methodName>x</methodName><params><param><value><int>one</int></value></param></params></methodCall>",
            "<methodCall><methodName>x</methodName><params><param><value><blob/></value></param></params></methodCall>",
        ] {
            assert!(parse_call(body.as_bytes()).is_err(), "{body}");
        }
    }

    #[test]
    fn encodes_results_and_refuses_none() {
        let xml = response(Some(&json!([{"id": 1, "name": "A <b> & c", "ok": false}])));
        assert!(
            xml.contains("<name>name</name>\n<value><string>A &lt;b&gt; &amp; c</string></value>")
        );
        assert!(xml.contains("<value><boolean>0</boolean></value>"));
        assert!(xml.contains("<value><int>1</int></value>"));
        let none = response(None);
        assert!(none.contains("<int>1</int>") && none.contains("cannot marshal None"));
        let nested = response(Some(&json!({"a": null})));
        assert!(nested.contains("<fault>"));
    }

    #[test]
    fn fault_codes_follow_odoo() {
        let code = |e: OdooError| {
            let xml = error_fault(&e);
            let start = xml.find("<int>").unwrap() + 5;
            xml[start..start + 1].to_string()
        };
        assert_eq!(code(OdooError::UserError("x".into())), "2");
        assert_eq!(code(OdooError::ValidationError("x".into())), "2");
        assert_eq!(code(OdooError::MissingError("x".into())), "2");
        assert_eq!(code(OdooError::access_denied()), "3");
        assert_eq!(code(OdooError::AccessError("x".into())), "4");
        assert_eq!(code(OdooError::ValueError("x".into())), "1");
    }
}
