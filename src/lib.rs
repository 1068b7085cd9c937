//! wxface: WeChat face verification (微信人脸核身) with the checks WeChat asks
//! integrators to make, behind a stable C ABI.
//!
//! The safe core (every module but `ffi`) knows nothing of C. `ffi` converts
//! C arguments, calls the core and fills `wxface_error`, nothing else.

pub mod audit;
mod call;
pub mod client;
mod client_push;
pub mod config;
pub mod digest;
mod direct;
pub mod errcode;
pub mod error;
pub mod id_card;
mod lives;
pub mod log;
pub mod mask;
pub mod name;
pub mod out_seq_no;
pub mod proxy;
pub mod push;
mod replay;
mod resolver;
pub mod response;
pub mod stats;
pub mod store;
pub mod text;
pub mod token;
pub mod transport;
pub mod v1;
pub mod v2;
pub mod wait;

pub mod ffi;

pub use client::Client;
pub use config::Config;
pub use error::{Code, Error, Result};
pub use response::{Response, Value};
pub use v1::Expected;

/// `MAJOR.MINOR.PATCH`, from Cargo.toml: the one source of the version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
