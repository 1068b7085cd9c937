//! The committed C header is what cbindgen generates from the sources now.
//! Fix a failure with `make header` and commit the result.

#[test]
fn committed_header_matches_cbindgen_output() {
    let generated = include_str!(env!("WXFACE_GENERATED_HEADER"));
    let committed = include_str!("../include/wxface.h");
    assert!(
        generated == committed,
        "include/wxface.h differs from what cbindgen generates: run `make header` and commit it"
    );
}

#[test]
fn header_version_is_the_crate_version() {
    let committed = include_str!("../include/wxface.h");
    let line = format!("#define WXFACE_VERSION \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(committed.contains(&line), "missing `{line}`");
    assert_eq!(wxface::VERSION, env!("CARGO_PKG_VERSION"));
}

#[test]
fn readme_documents_every_code_with_its_value() {
    let readme = include_str!("../README.md");
    for code in wxface::Code::ALL {
        let row = format!("| {} | `{}` |", code as i32, code.name());
        assert!(readme.contains(&row), "README.md lacks the row `{row}`");
    }
}

#[test]
fn readme_documents_every_configuration_key() {
    let readme = include_str!("../README.md");
    for key in wxface::config::KEYS {
        assert!(
            readme.contains(&format!("`{key}`")),
            "README.md does not mention `{key}`"
        );
    }
}

/// A prototype without the macro would be cdecl to a 32-bit Windows
/// compiler while the library is stdcall: a crash on the first call.
#[test]
fn every_function_and_callback_in_the_header_carries_wxface_call() {
    let committed = include_str!("../include/wxface.h");
    let mut prototypes = 0;
    for line in committed.lines() {
        let is_prototype = line.starts_with(|c: char| c.is_ascii_alphabetic())
            && line.contains("wxface_")
            && line.contains('(')
            && !line.starts_with("typedef struct");
        if is_prototype {
            prototypes += 1;
            assert!(
                line.contains("WXFACE_CALL wxface_") || line.contains("(WXFACE_CALL *wxface_"),
                "no WXFACE_CALL in `{line}`"
            );
        }
    }
    assert!(prototypes >= 30, "only {prototypes} prototypes found");
    assert!(committed.contains("#define WXFACE_CALL __stdcall"));
}

/// The header's functions, compared with the committed list of exported
/// names, so that removing or renaming an export cannot pass unnoticed.
#[test]
fn the_header_exports_exactly_the_committed_list_of_names() {
    let committed = include_str!("../include/wxface.h");
    let mut in_header: Vec<&str> = committed
        .lines()
        .filter_map(|line| line.split_once("WXFACE_CALL wxface_"))
        .filter_map(|(_, rest)| rest.split_once('('))
        .map(|(name, _)| name)
        .collect();
    in_header.sort_unstable();
    let listed: Vec<&str> = include_str!("../include/wxface.exports")
        .lines()
        .map(|l| l.trim_start_matches("wxface_"))
        .collect();
    let missing: Vec<_> = listed.iter().filter(|n| !in_header.contains(n)).collect();
    let new: Vec<_> = in_header.iter().filter(|n| !listed.contains(n)).collect();
    assert!(
        missing.is_empty() && new.is_empty(),
        "the header and include/wxface.exports differ: listed but gone from the header \
         (a removal or rename breaks every program linked against an earlier release; \
         see ABI.md and record it in CHANGELOG.md) {missing:?}; new in the header {new:?}. \
         When you add an export, add its name to include/wxface.exports (sorted) and a \
         line under Added in CHANGELOG.md."
    );
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(listed, sorted, "keep include/wxface.exports sorted");
}

/// The header is the manual: every key `wxface_config_set` accepts is
/// documented in its comment, as `- \`key\``.
#[test]
fn every_configuration_key_is_documented_in_wxface_config_set() {
    let header = include_str!("../include/wxface.h");
    let end = header
        .find("wxface_config_set(")
        .expect("wxface_config_set in the header");
    let start = header[..end].rfind("/*").expect("its comment");
    let comment = &header[start..end];
    for key in wxface::config::KEYS {
        assert!(
            comment.contains(&format!("`{key}`")),
            "`{key}` is not documented in wxface_config_set's comment (src/ffi/config.rs): \
             add it with its default"
        );
    }
}
