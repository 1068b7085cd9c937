//! wxface-sandbox: WeChat's face verification API on loopback, with a
//! control API that plays the user's phone, counts requests and injects
//! faults. See sandbox/README.md.

mod cli;
mod control;
mod faults;
mod http;
mod ids;
mod push;
mod secrets_log;
mod server;
mod sessions;
mod state;
mod tls;
mod tokens;
mod wechat;

use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::Options;
use crate::state::{Config, Sandbox};
use crate::tls::Tls;

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let tls = match &options.tls {
        Some((cert, key)) => match Tls::load(cert, key) {
            Ok(tls) => Some(tls),
            Err(message) => {
                eprintln!("wxface-sandbox: {message}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let listener = match TcpListener::bind(&options.listen) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("wxface-sandbox: cannot listen on {}: {e}", options.listen);
            return ExitCode::from(1);
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(e) => {
            eprintln!("wxface-sandbox: no local address: {e}");
            return ExitCode::from(1);
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    // Tests and the demo parse this line to find the port.
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "wxface-sandbox listening on {scheme}://{address}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    let sandbox = Arc::new(Sandbox::new(Config {
        appid: options.appid,
        secret: options.secret,
        token_ttl: options.token_ttl,
    }));
    server::serve(listener, sandbox, tls);
    ExitCode::SUCCESS
}
