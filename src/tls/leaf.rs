//! What clients will hold against a server's certificate, found when serve starts rather than in
//! every client's failed handshake: a CA's certificate used as the server's own (what `openssl req
//! -x509` makes unless told otherwise), one past its date, one with no subjectAltName (modern
//! clients verify names only there).

use x509_parser::prelude::{FromDer, X509Certificate};

/// The complaints about a server's own (first) certificate, each a sentence with the fix.
pub(super) fn complaints(der: &[u8]) -> Vec<String> {
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        // rustls has accepted it: whatever x509-parser cannot read is not ours to judge.
        return Vec::new();
    };
    let mut complaints = Vec::new();
    if let Ok(Some(constraints)) = cert.basic_constraints()
        && constraints.value.ca
    {
        complaints.push(
            "it is a CA's certificate (CA:TRUE), which clients refuse as a server's own: make \
             it with -addext basicConstraints=critical,CA:FALSE, or sign a server certificate \
             with it and give clients the CA"
                .to_owned(),
        );
    }
    let validity = cert.validity();
    if validity.time_to_expiration().is_none() {
        complaints.push(format!(
            "it is not valid now (valid from {} to {}): clients refuse it",
            validity.not_before, validity.not_after
        ));
    }
    if !matches!(cert.subject_alternative_name(), Ok(Some(_))) {
        complaints.push(
            "it has no subjectAltName, where clients look for the server's name: add -addext \
             subjectAltName=DNS:localhost,IP:127.0.0.1 (the names clients connect to)"
                .to_owned(),
        );
    }
    complaints
}
