//! The rules of ARCHITECTURE.md, checked on the source (as rust-analyzer's tidy tests
//! do): which layer may import which, no import circle between modules, no file of
//! `src/` over 800 lines. Edges are the `crate::...`, `super::...` and child-module
//! paths each file names outside comments and strings.
//!
//! `cargo test --test architecture -- --nocapture` prints the import graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom up, with the top-level modules each may import. A module not
/// listed here may not be added without a line (and a place in ARCHITECTURE.md).
const LAYERS: &[(&str, &[&str])] = &[
    ("errors", &[]),
    ("money", &[]),
    ("settings", &[]),
    ("telemetry", &[]),
    ("wake", &[]),
    ("db", &["errors"]),
    ("stripe", &["wake"]),
    ("stripe_sim", &[]),
    ("orm", &["errors", "money"]),
    ("auth", &["orm", "errors"]),
    (
        "services",
        &["orm", "auth", "db", "settings", "stripe", "stripe_sim"],
    ),
    (
        "addons",
        &["orm", "auth", "services", "stripe", "money", "errors"],
    ),
    ("rpc", &["orm", "auth", "services", "errors", "money"]),
    ("http", &["rpc", "services", "errors"]),
    ("metadata", &["orm"]),
    ("fixtures", &["orm", "services", "errors"]),
    (
        "startup",
        &[
            "addons",
            "db",
            "fixtures",
            "http",
            "metadata",
            "services",
            "settings",
            "stripe",
            "stripe_sim",
        ],
    ),
    (
        "cli",
        &[
            "auth",
            "fixtures",
            "orm",
            "services",
            "settings",
            "startup",
            "stripe_sim",
            "telemetry",
        ],
    ),
];

/// Files whose types name each other by design and so count as one node of the
/// graph: the environment holds the registry, the registry holds the behaviours, and
/// a behaviour's hooks take the environment.
const UNITS: &[(&str, &[&str])] = &[(
    "orm::{env,registry,behaviour}",
    &["orm::env", "orm::registry", "orm::behaviour"],
)];

const MAX_LINES: usize = 800;

struct Source {
    module: String,
    path: PathBuf,
    text: String,
}

fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .map(|p| p == "mod" || p == "lib" || p == "main")
        == Some(true)
    {
        parts.pop();
    }
    if parts.is_empty() {
        "crate".into()
    } else {
        parts.join("::")
    }
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(Source {
                    module: module_of(&src, &path),
                    text: std::fs::read_to_string(&path).unwrap(),
                    path,
                });
            }
        }
    }
    out.sort_by(|a, b| a.module.cmp(&b.module));
    out
}

/// The text without comments, string and char literals, and `#[cfg(test)]` modules
/// written inline (test code may reach anywhere).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Module paths named in `code`, resolved against `module` and the known modules.
fn imports(module: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut resolve = |mut base: Vec<String>, rest: &str| {
        for segment in rest.split("::") {
            let segment: String = segment
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if segment.is_empty() {
                break;
            }
            base.push(segment);
        }
        // The longest prefix that is a module.
        while !base.is_empty() {
            let candidate = base.join("::");
            if known.contains(&candidate) {
                out.insert(candidate);
                return;
            }
            base.pop();
        }
    };
    let own: Vec<String> = if module == "crate" {
        vec![]
    } else {
        module.split("::").map(str::to_string).collect()
    };
    let bytes = code.as_bytes();
    let word_start =
        |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    for (i, _) in code.match_indices("crate::") {
        if word_start(i) {
            resolve(vec![], &code[i + 7..]);
        }
    }
    for (i, _) in code.match_indices("super::") {
        if !word_start(i) || code[..i].ends_with("super::") {
            continue;
        }
        let mut base = own.clone();
        let mut rest = &code[i..];
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        resolve(base, rest);
    }
    // `use child::...` and `child::item` in a parent module.
    for child in known.iter().filter(|k| {
        k.rsplit_once("::").map(|(p, _)| p) == Some(module)
            || (module == "crate" && !k.contains("::"))
    }) {
        let name = child.rsplit("::").next().unwrap();
        let needle = format!("{name}::");
        if code
            .match_indices(&needle)
            .any(|(i, _)| word_start(i) && !code[..i].ends_with("::"))
        {
            out.insert(child.clone());
        }
    }
    out.remove(module);
    out
}

fn unit_of(module: &str) -> String {
    for (unit, members) in UNITS {
        if members.contains(&module) {
            return unit.to_string();
        }
    }
    module.to_string()
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap()
}

/// The file-level graph: unit → units it imports (descendants excluded: a module
/// owns its children).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let sources = sources();
    let known: BTreeSet<String> = sources.iter().map(|s| s.module.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in &sources {
        let from = unit_of(&s.module);
        let entry = graph.entry(from.clone()).or_default();
        for to in imports(&s.module, &code_of(&s.text), &known) {
            if to.starts_with(&format!("{}::", s.module)) {
                continue;
            }
            let to = unit_of(&to);
            if to != from {
                entry.insert(to);
            }
        }
    }
    graph
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            if let Some(c) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_import_circle_between_modules() {
    let graph = graph();
    println!("import graph (module -> modules it imports):");
    for (from, to) in &graph {
        println!(
            "  {from} -> {}",
            to.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import circle: {}", cycle.join(" -> "));
    }
}

#[test]
fn layers_import_only_what_they_may() {
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut problems = Vec::new();
    for s in sources() {
        let layer = top(&s.module);
        if layer == "crate" || layer == "main" {
            continue;
        }
        let Some(may) = allowed.get(layer) else {
            problems.push(format!(
                "{}: layer {layer} is not in LAYERS",
                s.path.display()
            ));
            continue;
        };
        let known: BTreeSet<String> = sources().iter().map(|s| s.module.clone()).collect();
        for to in imports(&s.module, &code_of(&s.text), &known) {
            let target = top(&to);
            if target != layer && target != "crate" && !may.contains(&target) {
                problems.push(format!("{} ({}) imports {to}", s.path.display(), s.module));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layer rules broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.text.lines().count() > MAX_LINES)
        .map(|s| format!("{} ({} lines)", s.path.display(), s.text.lines().count()))
        .collect();
    assert!(long.is_empty(), "split these files:\n{}", long.join("\n"));
}

#[test]
fn the_rules_see_real_edges() {
    // The checker itself: a circle and a forbidden edge are found.
    let known: BTreeSet<String> = ["orm", "orm::env", "addons", "rpc"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let edges = imports(
        "orm::env",
        &code_of("use crate::addons::x; // crate::rpc\nlet s = \"crate::rpc\";"),
        &known,
    );
    assert_eq!(
        edges.into_iter().collect::<Vec<_>>(),
        vec!["addons".to_string()]
    );
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert!(find_cycle(&g).is_some());
}
