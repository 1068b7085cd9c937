//! No panic crosses the C boundary (ABI.md): every exported function's body
//! is one call of a guard from `src/ffi/boundary.rs`, and every export and
//! callback type uses the `system` ABI that `WXFACE_CALL` announces in the
//! header. Read from the sources, so a new export that forgets either fails
//! here rather than in a user's JVM.

use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

const BOUNDARY_FILE: &str = "src/ffi/boundary.rs";

/// One thing wrong with one function or type, with where it is.
type Finding = String;

/// The functions of the boundary file that catch panics: those calling
/// `catch_unwind`, and those calling one of them.
fn guards(boundary_source: &str) -> Vec<String> {
    let file = syn::parse_file(boundary_source).expect("boundary.rs parses");
    let bodies: Vec<(String, String)> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) => Some((f.sig.ident.to_string(), tokens(&f.block))),
            _ => None,
        })
        .collect();
    let mut found: Vec<String> = bodies
        .iter()
        .filter(|(_, body)| body.contains("catch_unwind"))
        .map(|(name, _)| name.clone())
        .collect();
    loop {
        let more: Vec<String> = bodies
            .iter()
            .filter(|(name, body)| !found.contains(name) && found.iter().any(|g| calls(body, g)))
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

fn tokens(block: &syn::Block) -> String {
    quote::ToTokens::to_token_stream(block).to_string()
}

fn calls(body: &str, function: &str) -> bool {
    body.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == function)
}

/// Everything in one source file that breaks the rules; `in_ffi` says
/// whether the file is part of the C layer.
fn check_file(path: &str, source: &str, in_ffi: bool, guards: &[String]) -> Vec<Finding> {
    let file = match syn::parse_file(source) {
        Ok(file) => file,
        Err(e) => return vec![format!("{path}: does not parse: {e}")],
    };
    let mut checker = Checker {
        path,
        in_ffi,
        guards,
        findings: Vec::new(),
    };
    checker.visit_file(&file);
    checker.findings
}

struct Checker<'a> {
    path: &'a str,
    in_ffi: bool,
    guards: &'a [String],
    findings: Vec<Finding>,
}

impl Checker<'_> {
    fn check_function(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        body: &syn::Block,
    ) {
        let exported = attrs.iter().any(|a| {
            let text = quote::ToTokens::to_token_stream(a).to_string();
            text.contains("no_mangle") || text.contains("export_name")
        });
        if !exported && sig.abi.is_none() {
            return;
        }
        let name = sig.ident.to_string();
        let at = format!("{}: fn {name}", self.path);
        if !self.in_ffi {
            self.findings
                .push(format!("{at}: exported or extern outside src/ffi/"));
        }
        if !exported {
            self.findings
                .push(format!("{at}: extern but not exported (no #[no_mangle])"));
        }
        match sig.abi.as_ref().and_then(|abi| abi.name.as_ref()) {
            Some(abi) if abi.value() == "system" => {}
            _ => self.findings.push(format!(
                "{at}: must be `extern \"system\"` (WXFACE_CALL in the header)"
            )),
        }
        if !self.is_one_guard_call(body) {
            self.findings.push(format!(
                "{at}: the body must be one call of a guard from {BOUNDARY_FILE} ({})",
                self.guards.join(", ")
            ));
        }
    }

    fn is_one_guard_call(&self, body: &syn::Block) -> bool {
        let [syn::Stmt::Expr(syn::Expr::Call(call), None)] = body.stmts.as_slice() else {
            return false;
        };
        let syn::Expr::Path(callee) = call.func.as_ref() else {
            return false;
        };
        callee
            .path
            .segments
            .last()
            .is_some_and(|s| self.guards.iter().any(|g| s.ident == g))
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.check_function(&f.attrs, &f.sig, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.check_function(&f.attrs, &f.sig, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }

    /// Callback types: C calls them with the header's convention.
    fn visit_type_bare_fn(&mut self, t: &'ast syn::TypeBareFn) {
        let abi = t.abi.as_ref().and_then(|abi| abi.name.as_ref());
        if t.abi.is_some() && abi.is_none_or(|abi| abi.value() != "system") {
            self.findings.push(format!(
                "{}: a callback type must be `extern \"system\"` (WXFACE_CALL in the header)",
                self.path
            ));
        }
        syn::visit::visit_type_bare_fn(self, t);
    }

    fn visit_item_foreign_mod(&mut self, m: &'ast syn::ItemForeignMod) {
        self.findings.push(format!(
            "{}: an `extern` block: the library calls no foreign code directly",
            self.path
        ));
        syn::visit::visit_item_foreign_mod(self, m);
    }
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

#[test]
fn every_export_goes_through_the_panic_boundary_with_the_system_abi() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guards = guards(&fs::read_to_string(root.join(BOUNDARY_FILE)).expect("boundary.rs"));
    assert!(
        guards.iter().any(|g| g == "guard") && guards.iter().any(|g| g == "guard_value"),
        "the guards were not found in {BOUNDARY_FILE}: {guards:?}"
    );
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut exports = 0;
    let mut findings = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let source = fs::read_to_string(path).expect("read source");
        exports += source.matches("#[no_mangle]").count();
        let in_ffi = relative.starts_with("src/ffi/");
        findings.extend(check_file(&relative, &source, in_ffi, &guards));
    }
    assert!(exports >= 30, "only {exports} exports found: is src/ read?");
    assert!(findings.is_empty(), "\n{}\n", findings.join("\n"));
}

// The checker itself, on small sources: each rule can fail.

fn findings_for(source: &str) -> Vec<Finding> {
    let guards = vec!["guard".to_owned(), "guard_value".to_owned()];
    check_file("src/ffi/x.rs", source, true, &guards)
}

#[test]
fn a_guarded_system_export_passes() {
    let ok = r#"
        #[no_mangle]
        pub unsafe extern "system" fn wxface_x(err: *mut E) -> i32 { guard(err, || Ok(())) }
        #[no_mangle]
        pub extern "system" fn wxface_y() -> usize { super::boundary::guard_value(|| 1) }
        pub type cb = Option<unsafe extern "system" fn(i32)>;
    "#;
    assert_eq!(findings_for(ok), Vec::<String>::new());
}

#[test]
fn an_export_doing_work_outside_the_guard_is_found() {
    let bad = r#"
        #[no_mangle]
        pub unsafe extern "system" fn wxface_free(p: *mut T) { drop(Box::from_raw(p)) }
        #[no_mangle]
        pub unsafe extern "system" fn wxface_two(err: *mut E) -> i32 { let a = 1; guard(err, || Ok(())) }
    "#;
    let found = findings_for(bad);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|f| f.contains("one call of a guard")));
}

#[test]
fn a_c_abi_export_or_callback_is_found() {
    let bad = r#"
        #[no_mangle]
        pub extern "C" fn wxface_version() -> *const u8 { guard_value(|| std::ptr::null()) }
        pub type cb = Option<unsafe extern "C" fn(i32)>;
    "#;
    let found = findings_for(bad);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|f| f.contains("extern \"system\"")));
}

#[test]
fn an_export_outside_the_c_layer_is_found() {
    let source = r#"
        #[no_mangle]
        pub extern "system" fn wxface_core() -> usize { guard_value(|| 0) }
    "#;
    let guards = vec!["guard_value".to_owned()];
    let found = check_file("src/core.rs", source, false, &guards);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("outside src/ffi/"));
}

#[test]
fn only_functions_that_catch_panics_count_as_guards() {
    let boundary = r#"
        pub(crate) fn inner(f: impl FnOnce()) { let _ = std::panic::catch_unwind(f); }
        pub(crate) fn outer(f: impl FnOnce()) { inner(f) }
        pub(crate) fn unrelated(f: impl FnOnce()) { f() }
    "#;
    assert_eq!(guards(boundary), ["inner", "outer"]);
}
