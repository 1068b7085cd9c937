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
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows")
        && std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
    {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--kill-at");
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
    let header =
        mark_calling_convention(&String::from_utf8(generated).expect("cbindgen writes UTF-8"));
    fs::write(&out, &header).expect("write the generated header");
    println!("cargo:rustc-env=WXFACE_GENERATED_HEADER={}", out.display());
    if std::env::var_os("WXFACE_WRITE_HEADER").is_some() {
        fs::write(dir.join("include").join("wxface.h"), &header).expect("write include/wxface.h");
    }
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
