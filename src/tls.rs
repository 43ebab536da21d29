//! TLS with rustls, for both sides. PEM files named on the command line are read and checked at
//! startup, so that a missing, unreadable or malformed file, or a key that does not belong to
//! its certificate, is one clear line naming the file (exit 2) rather than a failed handshake
//! later.

use std::{path::Path, time::Duration};

use rustls_pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};
use tonic::transport::{Certificate, ClientTlsConfig, Identity, ServerTlsConfig};

use crate::exit::Usage;

/// A client that connects and never finishes its handshake holds a connection only this long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What serve was given: `--tls-cert`, `--tls-key`, and `--client-ca` for mutual TLS.
pub struct ServerFiles<'a> {
    pub cert: &'a Path,
    pub key: &'a Path,
    pub client_ca: Option<&'a Path>,
}

pub fn server_config(files: &ServerFiles) -> Result<ServerTlsConfig, Usage> {
    let cert = read_certificates("--tls-cert", files.cert)?;
    let key = read_key("--tls-key", files.key)?;
    check_key_matches(&cert, &key, files)?;
    let mut config = ServerTlsConfig::new()
        .identity(Identity::from_pem(cert.pem, key.pem))
        .timeout(HANDSHAKE_TIMEOUT);
    if let Some(path) = files.client_ca {
        let ca = read_certificates("--client-ca", path)?;
        config = config.client_ca_root(Certificate::from_pem(ca.pem));
    }
    Ok(config)
}

/// What ask was given: `--tls`, `--ca-cert`, `--tls-server-name`, `--cert` and `--key`.
pub struct ClientFiles<'a> {
    pub ca_cert: Option<&'a Path>,
    pub server_name: Option<&'a str>,
    pub cert: Option<&'a Path>,
    pub key: Option<&'a Path>,
}

pub fn client_config(files: &ClientFiles) -> Result<ClientTlsConfig, Usage> {
    let mut config = ClientTlsConfig::new();
    config = match files.ca_cert {
        // Only the CA named: as grpcurl's -cacert, not the system roots as well.
        Some(path) => config.ca_certificate(Certificate::from_pem(
            read_certificates("--ca-cert", path)?.pem,
        )),
        None => config.with_native_roots(),
    };
    if let Some(name) = files.server_name {
        config = config.domain_name(name);
    }
    if let (Some(cert_path), Some(key_path)) = (files.cert, files.key) {
        let cert = read_certificates("--cert", cert_path)?;
        let key = read_key("--key", key_path)?;
        config = config.identity(Identity::from_pem(cert.pem, key.pem));
        // tonic checks the client's own certificate when the connection is set up: ask now,
        // while the files can still be named.
        tonic::transport::Endpoint::from_static("https://localhost")
            .tls_config(config.clone())
            .map_err(|err| {
                Usage(format!(
                    "--cert {} with --key {}: {}",
                    cert_path.display(),
                    key_path.display(),
                    crate::client::innermost(&err)
                ))
            })?;
    }
    Ok(config.timeout(HANDSHAKE_TIMEOUT))
}

struct Pem<T> {
    pem: Vec<u8>,
    parsed: T,
}

fn read(flag: &str, path: &Path) -> Result<Vec<u8>, Usage> {
    std::fs::read(path)
        .map_err(|err| Usage(format!("{flag} {}: cannot read it: {err}", path.display())))
}

fn read_certificates(flag: &str, path: &Path) -> Result<Pem<Vec<CertificateDer<'static>>>, Usage> {
    let pem = read(flag, path)?;
    let malformed = |why: String| Usage(format!("{flag} {}: {why}", path.display()));
    let parsed = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| malformed(format!("not a valid PEM file: {err}")))?;
    if parsed.is_empty() {
        return Err(malformed(
            "no PEM certificate (BEGIN CERTIFICATE) in it".into(),
        ));
    }
    Ok(Pem { pem, parsed })
}

fn read_key(flag: &str, path: &Path) -> Result<Pem<PrivateKeyDer<'static>>, Usage> {
    let pem = read(flag, path)?;
    let parsed = PrivateKeyDer::from_pem_slice(&pem).map_err(|err| {
        Usage(format!(
            "{flag} {}: no PEM private key in it ({err})",
            path.display()
        ))
    })?;
    Ok(Pem { pem, parsed })
}

/// rustls refuses a key that is not the certificate's: ask it now, by building the very
/// configuration the server will build, and say which files disagree.
fn check_key_matches(
    cert: &Pem<Vec<CertificateDer<'static>>>,
    key: &Pem<PrivateKeyDer<'static>>,
    files: &ServerFiles,
) -> Result<(), Usage> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| Usage(format!("TLS is not available: {err}")))?
        .with_no_client_auth()
        .with_single_cert(cert.parsed.clone(), key.parsed.clone_key())
        .map(drop)
        .map_err(|err| {
            let why = match err {
                rustls::Error::InconsistentKeys(_) => {
                    "the key does not belong to the certificate".to_owned()
                }
                other => other.to_string(),
            };
            Usage(format!(
                "--tls-key {} with --tls-cert {}: {why}",
                files.key.display(),
                files.cert.display()
            ))
        })
}
