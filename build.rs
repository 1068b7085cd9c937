//! Generates the C header with cbindgen into OUT_DIR. The committed
//! `include/wxface.h` must equal it: `tests/header.rs` fails when it drifts,
//! and `WXFACE_WRITE_HEADER=1 cargo build` (`make header`) rewrites it.

use std::path::PathBuf;

fn main() {
    let dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("wxface.h");
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
         #define WXFACE_VERSION_MINOR {minor}\n#define WXFACE_VERSION_PATCH {patch}\n"
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
    let bindings = cbindgen::Builder::new()
        .with_src(dir.join("src").join("ffi").join("mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen can read src/ffi");
    bindings.write_to_file(&out);
    println!("cargo:rustc-env=WXFACE_GENERATED_HEADER={}", out.display());
    if std::env::var_os("WXFACE_WRITE_HEADER").is_some() {
        bindings.write_to_file(dir.join("include").join("wxface.h"));
    }
}
