//! Generates the C header with cbindgen into OUT_DIR. The committed
//! `include/wxface.h` must equal it: `tests/header.rs` fails when it drifts,
//! and `WXFACE_WRITE_HEADER=1 cargo build` (`make header`) rewrites it.

use std::fs;
use std::path::{Path, PathBuf};

/// Put between the return type and the name of every function, and inside
/// the parentheses of every callback typedef (as the Windows API's WINAPI
/// and CALLBACK are).
const CALL: &str = "WXFACE_CALL";

fn main() {
    let dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let out = out_dir.join("wxface.h");
    // Only the C layer is parsed: it is the whole public surface, and the
    // core's generic types are nothing cbindgen should see.
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=WXFACE_WRITE_HEADER");

    let mut config =
        cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let mut parts = version
        .split('.')
        .map(|p| p.split('-').next().unwrap_or("0").to_owned());
    let (major, minor, patch) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    config.after_includes = Some(format!(
        "\n/* The version of this header; wxface_version() gives the library's. */\n\
         #define WXFACE_VERSION \"{version}\"\n#define WXFACE_VERSION_MAJOR {major}\n\
         #define WXFACE_VERSION_MINOR {minor}\n#define WXFACE_VERSION_PATCH {patch}\n\
         \n\
         /*\n \
         The calling convention of every wxface function and callback: __stdcall\n \
         on 32-bit Windows, as the Windows API (what PowerBuilder, VB6, Delphi and\n \
         .NET P/Invoke expect by default), and the platform's C convention\n \
         everywhere else. Declare your callbacks with it:\n \
         int32_t {CALL} my_token_callback(void *user_data, ...).\n \
         */\n\
         #if defined(_WIN32) && !defined(_WIN64)\n\
         #define {CALL} __stdcall\n\
         #else\n\
         #define {CALL}\n\
         #endif\n"
    ));
    // A SONAME with the ABI's major version, so that C programs linked today
    // refuse a future incompatible library instead of misbehaving. Before
    // 1.0 the MINOR number plays that role (see ABI.md).
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let abi = if major == "0" {
            format!("0.{minor}")
        } else {
            major.clone()
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwxface.so.{abi}");
    }
    // On 32-bit Windows the stdcall exports would carry their decoration
    // (`wxface_v1_verify@8`); PowerBuilder, VB6, Delphi and GetProcAddress
    // look functions up by their plain name, as Windows' own DLLs export
    // them. `--kill-at` drops the decoration from the export table.
    // rustc's list of exports names them undecorated, which ld matches to
    // the decorated symbols (`_wxface_v1_verify@32`) by its stdcall fixup:
    // intended, so ld is told so instead of warning once per export.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows")
        && std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
    {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--kill-at");
        println!("cargo:rustc-cdylib-link-arg=-Wl,--enable-stdcall-fixup");
    }
    let view = out_dir.join("cbindgen-view");
    let _ = fs::remove_dir_all(&view);
    copy_as_c_abi(&dir.join("src").join("ffi"), &view);
    let bindings = cbindgen::Builder::new()
        .with_src(view.join("mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen can read src/ffi");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let header = arrange(&mark_calling_convention(
        &String::from_utf8(generated).expect("cbindgen writes UTF-8"),
    ));
    fs::write(&out, &header).expect("write the generated header");
    println!("cargo:rustc-env=WXFACE_GENERATED_HEADER={}", out.display());
    if std::env::var_os("WXFACE_WRITE_HEADER").is_some() {
        fs::write(dir.join("include").join("wxface.h"), &header).expect("write include/wxface.h");
    }
}

/// The header's sections, in the order a user meets things; each lists its
/// declarations by name (`*` ends a prefix), in order. cbindgen writes all
/// constants, then all types, then all functions; [`arrange`] regroups its
/// output by these sections. A declaration no section names fails the
/// build: place a new export where a reader looks for it.
const SECTIONS: &[(&str, &str, &[&str])] = &[
    ("Version", "Compare the library's with the header's.", &["wxface_version"]),
    (
        "Result codes",
        "Every fallible function returns one of these (WXFACE_OK is 0). Codes are grouped by kind and never renumbered; treat an unknown code as a failure.",
        &["WXFACE_OK", "WXFACE_ERR_*", "wxface_code_name", "wxface_code_description"],
    ),
    (
        "Error details",
        "What went wrong, in a struct the caller owns.",
        &["wxface_error"],
    ),
    (
        "Objects",
        "Opaque handles, made by wxface and freed with their _free function (NULL is fine).",
        &["wxface_config", "wxface_client", "wxface_response", "wxface_cancel"],
    ),
    (
        "Configuration and its keys",
        "Set keys by name, or load them from a file, then make clients from it.",
        &["wxface_config_new", "wxface_config_set", "wxface_config_load_file", "wxface_config_free"],
    ),
    (
        "Client",
        "Made from a configuration; shared by every thread.",
        &["wxface_client_new", "wxface_client_with_timeout", "wxface_client_stats", "wxface_client_free"],
    ),
    (
        "Offline helpers",
        "No client, no network, never block.",
        &[
            "wxface_id_card_normalize",
            "wxface_md5_id_card_number",
            "wxface_md5_name",
            "wxface_cert_hash",
            "WXFACE_OUT_SEQ_NO_SIZE",
            "wxface_out_seq_no_new",
        ],
    ),
    (
        "Face verification 1.0",
        "getuseridkey, then the mini program, then the verdict on its verify_result.",
        &["wxface_v1_*"],
    ),
    (
        "Face verification 2.0",
        "getverifyid, then wx.requestFacialVerify, then the verdict from queryverifyinfo.",
        &["wxface_v2_get_verify_id", "wxface_v2_query", "wxface_v2_wait", "wxface_cancel_*"],
    ),
    (
        "Message push",
        "What WeChat POSTs to your server, and the URL handshake.",
        &["wxface_push_*"],
    ),
    (
        "Responses",
        "The fields of an answer or a push, under WeChat's names. Read-only: any number of threads may read one response at once.",
        &["wxface_response_*"],
    ),
    (
        "Callbacks",
        "Your code, called by wxface: access tokens, log lines, the replay guard, the audit trail. Declare them with WXFACE_CALL.",
        &[
            "WXFACE_TOKEN_MAX",
            "wxface_token_callback",
            "wxface_config_set_token_callback",
            "wxface_log_callback",
            "wxface_config_set_log_callback",
            "WXFACE_REPLAY_*",
            "wxface_replay_callback",
            "wxface_config_set_replay_callback",
            "wxface_audit_callback",
            "wxface_config_set_audit_callback",
        ],
    ),
    (
        "Log levels",
        "The `level` of a wxface_log_callback; the `log_level` key takes their names.",
        &["WXFACE_LOG_*"],
    ),
];

/// One declaration of cbindgen's output with the comment before it.
struct Declaration {
    name: String,
    text: String,
}

/// Regroups cbindgen's output by [`SECTIONS`]: everything after the macros
/// of `after_includes` is cut into declarations, and written back section
/// by section inside the `extern "C"` block (macros and typedefs mean the
/// same there for C++).
fn arrange(header: &str) -> String {
    const END_OF_PREAMBLE: &str = "#define WXFACE_CALL\n#endif\n";
    const OPEN: &str = "#ifdef __cplusplus\nextern \"C\" {\n#endif // __cplusplus\n";
    const CLOSE: &str = "#ifdef __cplusplus\n}  // extern \"C\"\n#endif  // __cplusplus\n";
    const GUARD_END: &str = "#endif  /* WXFACE_H */\n";
    let split =
        header.find(END_OF_PREAMBLE).expect("the WXFACE_CALL macro") + END_OF_PREAMBLE.len();
    let (preamble, body) = header.split_at(split);
    let body = body
        .replacen(OPEN, "", 1)
        .replacen(CLOSE, "", 1)
        .replacen(GUARD_END, "", 1);
    let mut declarations = declarations(&body);
    let mut out = String::from(preamble);
    out.push('\n');
    out.push_str(OPEN);
    for (title, intro, names) in SECTIONS {
        out.push_str(&format!(
            "\n/* ---------------------------------------------------------------------\n * {title}\n *\n{} * ------------------------------------------------------------------ */\n",
            wrap_comment(intro)
        ));
        for pattern in *names {
            let matches = |name: &str| match pattern.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == *pattern,
            };
            let mut i = 0;
            while i < declarations.len() {
                if matches(&declarations[i].name) {
                    out.push('\n');
                    out.push_str(&declarations.remove(i).text);
                } else {
                    i += 1;
                }
            }
        }
    }
    let unplaced: Vec<&str> = declarations.iter().map(|d| d.name.as_str()).collect();
    assert!(
        unplaced.is_empty(),
        "build.rs: give {unplaced:?} a place in SECTIONS (the header's order)"
    );
    out.push('\n');
    out.push_str(CLOSE);
    out.push('\n');
    out.push_str(GUARD_END);
    out
}

fn wrap_comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.len() + word.len() + 1 > 70 {
            out.push_str(&format!(" * {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&format!(" * {line}\n"));
    out
}

/// Cuts cbindgen's declarations apart: a comment, then a `#define` line, a
/// `typedef struct ... { ... } name;`, or lines up to one ending in `;`.
fn declarations(body: &str) -> Vec<Declaration> {
    let mut found = Vec::new();
    let mut lines = body.lines().peekable();
    while let Some(first) = lines.next() {
        if first.trim().is_empty() {
            continue;
        }
        let mut text = String::new();
        let mut line = first;
        if line.starts_with("/*") {
            loop {
                text.push_str(line);
                text.push('\n');
                if line.contains("*/") {
                    break;
                }
                line = lines.next().expect("a comment ends");
            }
            line = lines.next().expect("a declaration follows its comment");
        }
        let braced = line.starts_with("typedef struct") && line.ends_with('{');
        loop {
            text.push_str(line);
            text.push('\n');
            let done = if braced {
                line.starts_with('}')
            } else {
                line.starts_with("#define") || line.ends_with(';')
            };
            if done {
                break;
            }
            line = lines.next().expect("a declaration ends");
        }
        found.push(Declaration {
            name: declared_name(&text),
            text,
        });
    }
    found
}

/// The name a declaration's text declares.
fn declared_name(text: &str) -> String {
    let code: Vec<&str> = text
        .lines()
        .skip_while(|l| !(l.starts_with('#') || l.starts_with(|c: char| c.is_ascii_alphabetic())))
        .collect();
    let first = code.first().copied().unwrap_or_default();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    if let Some(rest) = first.strip_prefix("#define ") {
        return ident(rest);
    }
    if let Some(rest) = first.strip_prefix("typedef struct ") {
        return ident(rest);
    }
    if let Some((_, rest)) = first.split_once("(WXFACE_CALL *") {
        return ident(rest);
    }
    if let Some((_, rest)) = first.split_once("WXFACE_CALL ") {
        return ident(rest);
    }
    panic!("build.rs: cannot tell what `{first}` declares");
}

/// cbindgen reads only `extern "C"` functions (mozilla/cbindgen#55), so it
/// is shown a copy of the C layer in which the exports' `extern "system"`
/// reads `extern "C"`; [`mark_calling_convention`] puts the convention back
/// into its output.
fn copy_as_c_abi(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create the cbindgen view");
    for entry in fs::read_dir(from).expect("read src/ffi") {
        let path = entry.expect("src/ffi entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_as_c_abi(&path, &target);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = fs::read_to_string(&path).expect("read an ffi source");
            fs::write(target, source.replace("extern \"system\"", "extern \"C\""))
                .expect("write the cbindgen view");
        }
    }
}

/// Adds `WXFACE_CALL` to every function declaration and callback typedef
/// of cbindgen's output. Declarations start at column 0 (comments, macros
/// and continuation lines do not); a declaration's continuation lines are
/// shifted so that its parameters stay aligned.
fn mark_calling_convention(header: &str) -> String {
    let mut out = String::with_capacity(header.len() + 4096);
    let mut shift = 0;
    for line in header.lines() {
        let starts_code = line.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        let marked = if line.starts_with("typedef ") && line.contains("(*") {
            shift = if line.ends_with(';') {
                0
            } else {
                CALL.len() + 1
            };
            line.replacen("(*", &format!("({CALL} *"), 1)
        } else if starts_code && !line.starts_with("typedef ") && line.contains('(') {
            let open = line.find('(').expect("checked above");
            let name_start = line[..open]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            shift = if line.ends_with(';') {
                0
            } else {
                CALL.len() + 1
            };
            format!("{}{CALL} {}", &line[..name_start], &line[name_start..])
        } else if shift > 0 && line.starts_with(' ') {
            let continued = format!("{}{line}", " ".repeat(shift));
            if line.ends_with(';') {
                shift = 0;
            }
            continued
        } else {
            shift = 0;
            line.to_owned()
        };
        out.push_str(&marked);
        out.push('\n');
    }
    out
}
