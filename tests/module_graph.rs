//! The library's modules form a hierarchy: no two of them use each other
//! (config and transport once did, over the proxy rules). Read from the
//! sources, test code aside, so a new cycle fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use syn::visit::Visit;

/// The top-level modules each module's non-test code names as `crate::x`.
#[derive(Default)]
struct Uses(BTreeSet<String>);

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && quote::ToTokens::to_token_stream(a)
                .to_string()
                .contains("test")
    })
}

impl<'ast> Visit<'ast> for Uses {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let mut segments = p.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next()) {
            if first.ident == "crate" {
                self.0.insert(second.ident.to_string());
            }
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_use_path(&mut self, u: &'ast syn::UsePath) {
        if u.ident == "crate" {
            let mut firsts = Vec::new();
            match u.tree.as_ref() {
                syn::UseTree::Group(g) => firsts.extend(g.items.iter()),
                tree => firsts.push(tree),
            }
            for tree in firsts {
                match tree {
                    syn::UseTree::Path(p) => self.0.insert(p.ident.to_string()),
                    syn::UseTree::Name(n) => self.0.insert(n.ident.to_string()),
                    syn::UseTree::Rename(r) => self.0.insert(r.ident.to_string()),
                    _ => false,
                };
            }
        }
        syn::visit::visit_use_path(self, u);
    }
}

fn sources(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// Module name -> the modules it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in files {
        let relative = path.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap();
        let module = Path::new(first.as_os_str())
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if module == "lib" {
            continue;
        }
        let file = syn::parse_file(&fs::read_to_string(&path).unwrap()).unwrap();
        let mut uses = Uses::default();
        uses.visit_file(&file);
        uses.0.remove(&module);
        graph.entry(module).or_default().extend(uses.0);
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|m| modules.contains(m));
    }
    graph
}

#[test]
fn no_two_library_modules_use_each_other() {
    let graph = graph();
    assert!(graph.len() > 20, "only {} modules found", graph.len());
    let mut pairs = Vec::new();
    for (a, uses) in &graph {
        for b in uses.iter().filter(|b| a < *b) {
            if graph[b].contains(a) {
                pairs.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(pairs.is_empty(), "modules that use each other: {pairs:?}");
    assert!(graph["config"].contains("proxy") && graph["transport"].contains("proxy"));
}
