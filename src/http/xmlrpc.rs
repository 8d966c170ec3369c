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

use super::xml_tree::{self, Node};
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

/// The deepest `<array>`/`<struct>` nesting decoded, the same bound as JSON bodies
/// (serde_json's recursion limit): every layer below walks values recursively, so
/// this is what keeps them within the stack. Python's `xmlrpc.client` has no limit of
/// its own; a deeper value is answered with CPython's `RecursionError`, as a fault.
pub const MAX_DEPTH: usize = 128;

/// Why a `methodCall` could not be decoded.
#[derive(Debug, PartialEq)]
pub enum Malformed {
    /// Not XML-RPC: answered with an `ExpatError`-like fault.
    Syntax(String),
    /// Nested beyond [`MAX_DEPTH`].
    TooDeep,
}

impl From<String> for Malformed {
    fn from(text: String) -> Malformed {
        Malformed::Syntax(text)
    }
}

impl From<&str> for Malformed {
    fn from(text: &str) -> Malformed {
        Malformed::Syntax(text.to_string())
    }
}

/// Decodes a `methodCall` into its method name and parameters. The XML tree is built
/// and the values are decoded with explicit stacks: no nesting depth reaches the
/// thread's stack. DTDs (hence declared entities) are refused.
pub fn parse_call(body: &[u8]) -> Result<(String, Vec<Value>), Malformed> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the body is not UTF-8: {e}"))?;
    let doc = xml_tree::parse(text)?;
    let root = doc.root();
    if root.name() != "methodCall" {
        return Err(format!("expected a methodCall, found <{}>", root.name()).into());
    }
    let method = root
        .child("methodName")
        .map(|n| n.text().trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or("the methodCall has no methodName")?;
    let mut params = Vec::new();
    if let Some(list) = root.child("params") {
        for param in list.children() {
            if param.name() != "param" {
                return Err(format!("unexpected <{}> in params", param.name()).into());
            }
            let value = param.child("value").ok_or("a param without a value")?;
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
pub fn parse_fault(problem: &Malformed) -> String {
    match problem {
        Malformed::Syntax(text) => fault(
            1,
            &format!("Traceback (most recent call last):\nxml.parsers.expat.ExpatError: {text}"),
        ),
        Malformed::TooDeep => error_fault(&OdooError::too_deep()),
    }
}

fn fault(code: i64, text: &str) -> String {
    format!(
        "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>{code}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>{}</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n",
        escape(text)
    )
}

/// A scalar `<value>`, or the start of an array or struct whose items follow.
enum Decoded<'a> {
    Scalar(Value),
    Array(Vec<Node<'a>>),
    Struct(Vec<(String, Node<'a>)>),
}

fn decode_one<'a>(value: Node<'a>) -> Result<Decoded<'a>, Malformed> {
    let Some(typed) = value.children().next() else {
        // A value without a type element is a string.
        return Ok(Decoded::Scalar(Value::String(value.text().to_string())));
    };
    let text = typed.text().to_string();
    let number = |t: &str| -> Result<Value, String> {
        t.trim()
            .parse::<Number>()
            .map(Value::Number)
            .map_err(|_| format!("'{}' is not a number", t.trim()))
    };
    let scalar = match typed.name() {
        "int" | "i4" | "i8" => {
            let n: i64 = text
                .trim()
                .parse()
                .map_err(|_| format!("'{}' is not an integer", text.trim()))?;
            Value::from(n)
        }
        // Kept as written: an amount like 12.50 stays exactly 12.50.
        "double" => number(&text)?,
        "boolean" => match text.trim() {
            "1" => Value::Bool(true),
            "0" => Value::Bool(false),
            other => return Err(format!("'{other}' is not a boolean").into()),
        },
        "string" => Value::String(text),
        "nil" => Value::Null,
        "dateTime.iso8601" => Value::String(text.trim().to_string()),
        "base64" => {
            let compact: String = text.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact.as_bytes())
                .map_err(|e| format!("bad base64: {e}"))?;
            Value::String(compact)
        }
        "array" => {
            let data = typed.child("data").ok_or("an array without data")?;
            return Ok(Decoded::Array(data.children().collect()));
        }
        "struct" => {
            let mut members = Vec::new();
            for member in typed.children() {
                let name = member
                    .child("name")
                    .map(|n| n.text().to_string())
                    .ok_or("a struct member without a name")?;
                let value = member
                    .child("value")
                    .ok_or("a struct member without a value")?;
                members.push((name, value));
            }
            return Ok(Decoded::Struct(members));
        }
        other => return Err(format!("unknown value type <{other}>").into()),
    };
    Ok(Decoded::Scalar(scalar))
}

/// A container being filled, with the items still to decode.
enum Open<'a> {
    Array(Vec<Value>, std::vec::IntoIter<Node<'a>>),
    Struct(
        Map<String, Value>,
        std::vec::IntoIter<(String, Node<'a>)>,
        Option<String>,
    ),
}

/// Decodes a `<value>` with an explicit stack of open containers, refusing nesting
/// beyond [`MAX_DEPTH`].
fn decode_value(value: Node<'_>) -> Result<Value, Malformed> {
    let mut stack: Vec<Open> = Vec::new();
    let mut next = Some(value);
    loop {
        // Decode the next node, or finish the innermost container.
        let done = match next.take() {
            Some(node) => match decode_one(node)? {
                Decoded::Scalar(v) => v,
                Decoded::Array(items) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(Malformed::TooDeep);
                    }
                    stack.push(Open::Array(
                        Vec::with_capacity(items.len()),
                        items.into_iter(),
                    ));
                    continue_with(&mut stack, &mut next);
                    continue;
                }
                Decoded::Struct(members) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(Malformed::TooDeep);
                    }
                    stack.push(Open::Struct(Map::new(), members.into_iter(), None));
                    continue_with(&mut stack, &mut next);
                    continue;
                }
            },
            None => match stack.pop() {
                Some(Open::Array(items, _)) => Value::Array(items),
                Some(Open::Struct(map, _, _)) => Value::Object(map),
                None => return Err("an empty value".into()),
            },
        };
        // Hand the finished value to its container, or return it.
        match stack.last_mut() {
            None => return Ok(done),
            Some(Open::Array(items, _)) => items.push(done),
            Some(Open::Struct(map, _, name)) => {
                if let Some(name) = name.take() {
                    map.insert(name, done);
                }
            }
        }
        continue_with(&mut stack, &mut next);
    }
}

/// Sets `next` to the innermost open container's next item (`None` when it is
/// complete, so the loop closes it).
fn continue_with<'a>(stack: &mut [Open<'a>], next: &mut Option<Node<'a>>) {
    *next = match stack.last_mut() {
        Some(Open::Array(_, rest)) => rest.next(),
        Some(Open::Struct(_, rest, name)) => rest.next().map(|(n, node)| {
            *name = Some(n);
            node
        }),
        None => None,
    };
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

/// Escapes text for XML, leaving out the characters XML 1.0 cannot carry (control
/// characters), as Odoo's marshaller does (`dump_unicode`).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c < ' ' && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
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

    fn nested(depth: usize) -> String {
        format!(
            "<methodCall><methodName>version</methodName><params><param>{}<value><int>1</int></value>{}</param></params></methodCall>",
            "<value><array><data>".repeat(depth),
            "</data></array></value>".repeat(depth)
        )
    }

    #[test]
    fn deep_values_are_refused_without_recursion() {
        // The issue's crash: 1,030 nested arrays. And far deeper, on a small stack:
        // neither the XML parser nor the decoder recurses per level.
        let ok = nested(MAX_DEPTH);
        let (_, params) = parse_call(ok.as_bytes()).unwrap();
        let mut v = &params[0];
        for _ in 0..MAX_DEPTH {
            v = &v[0];
        }
        assert_eq!(v, &json!(1));
        for depth in [MAX_DEPTH + 1, 1030, 100_000] {
            let body = nested(depth);
            let result = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || parse_call(body.as_bytes()).err())
                .unwrap()
                .join()
                .unwrap();
            assert_eq!(result, Some(Malformed::TooDeep), "{depth}");
        }
        let fault = parse_fault(&Malformed::TooDeep);
        assert!(fault.contains("<int>1</int>") && fault.contains("RecursionError"));
    }

    #[test]
    fn entities_and_dtds_are_refused() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><methodCall><methodName>&lol2;</methodName></methodCall>"#;
        assert!(matches!(
            parse_call(laughs.as_bytes()),
            Err(Malformed::Syntax(_))
        ));
        let external = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><methodCall><methodName>&e;</methodName></methodCall>"#;
        assert!(matches!(
            parse_call(external.as_bytes()),
            Err(Malformed::Syntax(_))
        ));
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
        let control = response(Some(&json!("a\u{0}b\u{1}c\td")));
        assert!(control.contains("<string>abc\td</string>"), "{control}");
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
