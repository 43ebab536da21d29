//! Bearer tokens. A token comes from a file or the environment, never from argv (which every user
//! of the machine can read), and is never printed: not in logs, errors or `Debug` output.

use std::{fmt, path::Path};

use subtle::ConstantTimeEq;
use tonic::metadata::AsciiMetadataValue;

use crate::error::Usage;

/// The environment variable that may hold the token, for serve and ask alike.
pub const ENV: &str = "GRPC_CONVO_TOKEN";

#[derive(Clone)]
pub struct Token {
    /// `Bearer <token>`, the whole `authorization` value, so that checking is one comparison.
    header: Vec<u8>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// `--token-file PATH` if given, else `GRPC_CONVO_TOKEN` if set, else none.
    pub fn load(file: Option<&Path>) -> Result<Option<Token>, Usage> {
        if let Some(path) = file {
            return Token::from_file("--token-file", path).map(Some);
        }
        match std::env::var(ENV) {
            Ok(text) => Token::new(&text)
                .map(Some)
                .map_err(|why| Usage(format!("{ENV}: {why}"))),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(Usage(format!("{ENV}: the token must be printable ASCII")))
            }
        }
    }

    /// The token in the file `path`, which `flag` named.
    pub fn from_file(flag: &str, path: &Path) -> Result<Token, Usage> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|err| Usage(format!("{flag} {shown}: cannot read it: {err}")))?;
        Token::new(&text).map_err(|why| Usage(format!("{flag} {shown}: {why}")))
    }

    /// A token as written in a file: surrounding whitespace (a final newline) is not part of it.
    fn new(text: &str) -> Result<Token, &'static str> {
        let token = text.trim();
        if token.is_empty() {
            return Err("the token is empty");
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the token must be printable ASCII without spaces");
        }
        Ok(Token {
            header: format!("Bearer {token}").into_bytes(),
        })
    }

    /// The `authorization` value to send, marked sensitive so that HPACK never indexes it.
    pub fn header_value(&self) -> AsciiMetadataValue {
        let mut value = AsciiMetadataValue::try_from(self.header.as_slice())
            .expect("checked to be printable ASCII when loaded");
        value.set_sensitive(true);
        value
    }

    /// Whether a received `authorization` value carries this token, in time that does not
    /// depend on where the two first differ.
    pub fn admits(&self, authorization: Option<&[u8]>) -> bool {
        authorization.is_some_and(|value| bool::from(value.ct_eq(&self.header)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_file_may_end_with_a_newline() {
        let token = Token::new("s3cret\n").unwrap();
        assert!(token.admits(Some(b"Bearer s3cret")));
        assert!(!token.admits(Some(b"Bearer s3cre")));
        assert!(!token.admits(Some(b"Bearer s3cret2")));
        assert!(!token.admits(Some(b"bearer s3cret")));
        assert!(!token.admits(None));
        assert_eq!(token.header_value(), "Bearer s3cret");
    }

    #[test]
    fn empty_or_unprintable_tokens_are_refused() {
        assert!(Token::new(" \n").is_err());
        assert!(Token::new("two words").is_err());
        assert!(Token::new("caf\u{e9}").is_err());
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let token = Token::new("s3cret").unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
    }
}
