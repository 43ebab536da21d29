//! TLS with rustls, for both sides. PEM files named on the command line are read and checked at
//! startup, so that a missing, unreadable or malformed file, or a key that does not belong to
//! its certificate, is one clear line naming the file (exit 2) rather than a failed handshake
//! later.

use std::{path::Path, sync::Arc};

use rustls_pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};

mod insecure;
mod leaf;

use crate::error::Usage;

/// What serve was given: `--tls-cert`, `--tls-key`, and `--client-ca` for mutual TLS.
#[derive(Debug)]
pub struct ServerFiles<'a> {
    pub cert: &'a Path,
    pub key: &'a Path,
    pub client_ca: Option<&'a Path>,
    /// The flags that named the certificate and the key, for complaints.
    pub flags: [&'static str; 2],
    /// What ALPN offers: h2 for serve, http/1.1 for web's page.
    pub alpn: &'static [&'static [u8]],
}

/// The server's rustls configuration, offering HTTP/2 by ALPN; with a client CA, every client
/// must present a certificate it signed, as gRPC servers do for mutual TLS.
pub fn server_config(files: &ServerFiles) -> Result<Arc<rustls::ServerConfig>, Usage> {
    let [cert_flag, key_flag] = files.flags;
    let cert = read_certificates(cert_flag, files.cert)?;
    let key = read_key(key_flag, files.key)?;
    // Served all the same: a client may have been told to trust it as it is (--insecure).
    for complaint in leaf::complaints(&cert[0]) {
        tracing::warn!("{cert_flag} {}: {complaint}", files.cert.display());
    }
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|err| Usage(format!("TLS is not available: {err}")))?;
    let builder = match files.client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => builder.with_client_cert_verifier(client_verifier(path)?),
    };
    let mut config = builder.with_single_cert(cert, key).map_err(|err| {
        Usage(format!(
            "{key_flag} {} with {cert_flag} {}: {}",
            files.key.display(),
            files.cert.display(),
            key_mismatch(err)
        ))
    })?;
    config.alpn_protocols = files.alpn.iter().map(|alpn| alpn.to_vec()).collect();
    Ok(Arc::new(config))
}

fn client_verifier(
    path: &Path,
) -> Result<Arc<dyn rustls::server::danger::ClientCertVerifier>, Usage> {
    let unusable = |err: &dyn std::fmt::Display| {
        Usage(format!(
            "--client-ca {}: not a usable CA: {err}",
            path.display()
        ))
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in read_certificates("--client-ca", path)? {
        roots.add(cert).map_err(|err| unusable(&err))?;
    }
    rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|err| unusable(&err))
}

/// What a client was given: `--tls`, `--ca-cert`, `--tls-server-name`, `--cert`, `--key` and
/// `--insecure`.
#[derive(Debug)]
pub struct ClientFiles<'a> {
    pub ca_cert: Option<&'a Path>,
    pub server_name: Option<&'a str>,
    pub cert: Option<&'a Path>,
    pub key: Option<&'a Path>,
    pub verify: Verify,
}

/// Whether the server's certificate is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    /// Against the trusted CAs, for the name.
    Certificate,
    /// Not at all (`--insecure`): any certificate, any name. The handshake's signatures are
    /// still checked, so the peer holds the key of the certificate it showed.
    Nothing,
}

/// The client's TLS settings, for the handshake the connector does itself.
#[derive(Clone, Debug)]
pub struct ClientTls {
    pub config: Arc<rustls::ClientConfig>,
    /// The name to verify, when it is not the address's host (`--tls-server-name`).
    pub server_name: Option<String>,
    /// Whether the server's certificate is verified: a token may go only where it is.
    pub verifies: bool,
}

pub fn client_config(files: &ClientFiles) -> Result<ClientTls, Usage> {
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|err| Usage(format!("TLS is not available: {err}")))?;
    let builder = match files.verify {
        Verify::Certificate => builder.with_root_certificates(roots(files.ca_cert)?),
        Verify::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(insecure::AnyCertificate(provider()))),
    };
    let mut config = match (files.cert, files.key) {
        (Some(cert_path), Some(key_path)) => {
            let cert = read_certificates("--cert", cert_path)?;
            let key = read_key("--key", key_path)?;
            builder.with_client_auth_cert(cert, key).map_err(|err| {
                Usage(format!(
                    "--cert {} with --key {}: {}",
                    cert_path.display(),
                    key_path.display(),
                    key_mismatch(err)
                ))
            })?
        }
        _ => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(ClientTls {
        config: Arc::new(config),
        server_name: files.server_name.map(str::to_owned),
        verifies: files.verify == Verify::Certificate,
    })
}

/// The CAs a client trusts: `--ca-cert`'s only, or the system's.
fn roots(ca_cert: Option<&Path>) -> Result<rustls::RootCertStore, Usage> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_cert {
        // Only the CA named: as grpcurl's -cacert, not the system roots as well.
        Some(path) => {
            for cert in read_certificates("--ca-cert", path)? {
                roots.add(cert).map_err(|err| {
                    Usage(format!(
                        "--ca-cert {}: not a usable CA: {err}",
                        path.display()
                    ))
                })?;
            }
        }
        // A system root that rustls cannot use is skipped, as browsers skip them.
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
        }
    }
    Ok(roots)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn key_mismatch(err: rustls::Error) -> String {
    match err {
        rustls::Error::InconsistentKeys(_) => "the key does not belong to the certificate".into(),
        other => other.to_string(),
    }
}

fn read(flag: &str, path: &Path) -> Result<Vec<u8>, Usage> {
    std::fs::read(path)
        .map_err(|err| Usage(format!("{flag} {}: cannot read it: {err}", path.display())))
}

fn read_certificates(flag: &str, path: &Path) -> Result<Vec<CertificateDer<'static>>, Usage> {
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
    Ok(parsed)
}

fn read_key(flag: &str, path: &Path) -> Result<PrivateKeyDer<'static>, Usage> {
    let pem = read(flag, path)?;
    let parsed = PrivateKeyDer::from_pem_slice(&pem).map_err(|err| {
        Usage(format!(
            "{flag} {}: no PEM private key in it ({err})",
            path.display()
        ))
    })?;
    Ok(parsed)
}
