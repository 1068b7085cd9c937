//! `--prometheus PATH`: the counters of the run's client (the library's
//! `Client::stats` in the Prometheus text exposition format), for a
//! scheduled check whose result node_exporter's textfile collector (or any
//! scraper of `.prom` files) picks up. The counters of a HIS's own clients
//! live in the HIS: it serves them from `wxface_client_stats` itself.

use std::io::Write;
use std::path::Path;

use wxface::Client;

/// Writes `client`'s counters (none if the configuration never made one)
/// and `extra` to `path`, or to standard output for `-`. A file is written
/// beside `path` and renamed over it, so a scrape never reads half of it.
pub fn write(path: &Path, client: Option<&Client>, extra: &str) -> Result<(), String> {
    let mut text = client.map(|c| c.stats().prometheus()).unwrap_or_default();
    text.push_str(extra);
    if path == Path::new("-") {
        print!("{text}");
        return std::io::stdout().flush().map_err(|e| e.to_string());
    }
    let name = path
        .file_name()
        .ok_or_else(|| format!("--prometheus {}: not a file name", path.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let written = std::fs::write(&tmp, text.as_bytes()).and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("--prometheus {}: {e}", path.display())
    })
}

/// A gauge family with one sample per labelled value.
pub fn gauge(name: &str, help: &str, samples: &[(String, f64)]) -> String {
    let mut out = format!("# HELP {name} {help}\n# TYPE {name} gauge\n");
    for (labels, value) in samples {
        out.push_str(&format!("{name}{labels} {value}\n"));
    }
    out
}
