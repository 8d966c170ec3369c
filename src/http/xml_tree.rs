//! A small element tree for XML-RPC requests, built from quick-xml's pull parser with
//! an explicit stack of open elements and stored in an arena: neither building nor
//! dropping it recurses, however deep the document (a tree-building parser that
//! recurses once per element overflows the thread's stack on a 44 KB request).
//!
//! Only what `methodCall`s use is kept: element names, their direct text (entities
//! and character references resolved) and children. A DTD is refused, so no entity
//! can be declared (no "billion laughs", no external entity); control characters are
//! refused as Python's expat refuses them ("not well-formed (invalid token)").

use quick_xml::events::Event;

/// The most elements a request may hold (about 100 bytes each once parsed): a 10 MB
/// body of empty elements would otherwise cost far more memory than its size.
pub const MAX_ELEMENTS: usize = 1_000_000;

struct Element {
    name: String,
    text: String,
    children: Vec<usize>,
}

/// A parsed document; its root element is `root()`.
pub struct XmlTree {
    elements: Vec<Element>,
}

/// An element of a tree.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    tree: &'t XmlTree,
    index: usize,
}

impl<'t> Node<'t> {
    pub fn name(&self) -> &'t str {
        &self.tree.elements[self.index].name
    }

    /// The element's own text (not its children's).
    pub fn text(&self) -> &'t str {
        &self.tree.elements[self.index].text
    }

    pub fn children(&self) -> impl Iterator<Item = Node<'t>> + 't {
        let tree = self.tree;
        tree.elements[self.index]
            .children
            .iter()
            .map(move |&index| Node { tree, index })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<Node<'t>> {
        self.children().find(|c| c.name() == name)
    }
}

impl XmlTree {
    pub fn root(&self) -> Node<'_> {
        Node {
            tree: self,
            index: 0,
        }
    }
}

/// Where the first character XML 1.0 forbids is, as expat reports it.
fn invalid_char(text: &str) -> Option<(usize, usize)> {
    let (mut line, mut column) = (1, 0);
    for c in text.chars() {
        if (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}') {
            return Some((line, column));
        }
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
    }
    None
}

/// Parses `text` into a tree; `Err` says why it is not a well-formed document.
pub fn parse(text: &str) -> Result<XmlTree, String> {
    if let Some((line, column)) = invalid_char(text) {
        return Err(format!(
            "not well-formed (invalid token): line {line}, column {column}"
        ));
    }
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed: {e}"))?;
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                if open.is_empty() && !elements.is_empty() {
                    return Err("junk after document element".into());
                }
                if elements.len() >= MAX_ELEMENTS {
                    return Err(format!("more than {MAX_ELEMENTS} elements"));
                }
                let index = elements.len();
                elements.push(Element {
                    name: tag.name().as_ref().to_string(),
                    text: String::new(),
                    children: Vec::new(),
                });
                if let Some(&parent) = open.last() {
                    elements[parent].children.push(index);
                }
                if matches!(event, Event::Start(_)) {
                    open.push(index);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                match open.last() {
                    Some(&i) => elements[i].text.push_str(&t),
                    None if t.trim().is_empty() => {}
                    None => return Err("text outside the document element".into()),
                }
            }
            Event::CData(t) => {
                let t = t.xml10_content();
                if let Some(&i) = open.last() {
                    elements[i].text.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) if c < ' ' && !matches!(c, '\t' | '\n' | '\r') => {
                        return Err("reference to invalid character number".into())
                    }
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r.into_inner())
                        .ok_or("undefined entity")?
                        .to_string(),
                };
                match open.last() {
                    Some(&i) => elements[i].text.push_str(&resolved),
                    None => return Err("reference outside the document element".into()),
                }
            }
            Event::DocType(_) => return Err("a DTD is not accepted".into()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !open.is_empty() || elements.is_empty() {
        return Err("no element found".into());
    }
    Ok(XmlTree { elements })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_elements_and_text() {
        let tree =
            parse("<?xml version='1.0'?><a>x &amp; &#65;<b/><c>y<![CDATA[<z>]]></c></a>").unwrap();
        let root = tree.root();
        assert_eq!(root.name(), "a");
        assert_eq!(root.text(), "x & A");
        let names: Vec<&str> = root.children().map(|c| c.name()).collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(root.child("c").unwrap().text(), "y<z>");
    }

    #[test]
    fn refuses_what_expat_refuses() {
        for bad in [
            "<a>\u{0}</a>",
            "<a>&#1;</a>",
            "<a>&foo;</a>",
            "<a></b>",
            "<a>",
            "<a/><b/>",
            "",
            "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn depth_costs_no_stack() {
        let depth = 200_000;
        let doc = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let count = std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || {
                let tree = parse(&doc).unwrap();
                let mut n = tree.root();
                let mut count = 1;
                while let Some(c) = n.children().next() {
                    n = c;
                    count += 1;
                }
                count
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(count, depth);
    }
}
