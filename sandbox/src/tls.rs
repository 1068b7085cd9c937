//! The optional HTTPS listener (`--tls-cert`, `--tls-key`), so clients can
//! be tested against a certificate they trust only through `ca_file`.

use std::net::TcpStream;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::server::Stream;

#[derive(Clone)]
pub struct Tls {
    config: Arc<ServerConfig>,
}

impl Tls {
    /// Loads a PEM certificate chain and its PEM private key.
    pub fn load(cert_path: &str, key_path: &str) -> Result<Tls, String> {
        let chain = CertificateDer::pem_file_iter(cert_path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("cannot read certificates from {cert_path}: {e}"))?;
        if chain.is_empty() {
            return Err(format!("{cert_path} holds no certificate"));
        }
        let key = PrivateKeyDer::from_pem_file(key_path)
            .map_err(|e| format!("cannot read a private key from {key_path}: {e}"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
            .map_err(|e| format!("unusable certificate or key: {e}"))?;
        Ok(Tls {
            config: Arc::new(config),
        })
    }

    /// Wraps an accepted socket; the handshake runs on first read.
    pub fn accept(
        &self,
        tcp: TcpStream,
    ) -> Result<StreamOwned<ServerConnection, TcpStream>, String> {
        let conn = ServerConnection::new(Arc::clone(&self.config)).map_err(|e| e.to_string())?;
        Ok(StreamOwned::new(conn, tcp))
    }
}

impl Stream for StreamOwned<ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }
}
