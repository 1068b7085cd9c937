//! wxface: WeChat face verification (微信人脸核身) with the checks WeChat asks
//! integrators to make, behind a stable C ABI.
//!
//! The safe core (every module but `ffi`) knows nothing of C. `ffi` converts
//! C arguments, calls the core and fills `wxface_error`, nothing else.

pub mod digest;
pub mod error;
pub mod id_card;
pub mod mask;
pub mod push;
pub mod response;

pub use error::{Code, Error, Result};
pub use response::{Response, Value};
