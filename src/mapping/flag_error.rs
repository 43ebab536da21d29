//! A mapping flag's value that cannot be used: the flag as the side that reads it names it
//! (serve's `--answer-field` fills what ask's `--field` fills), the value, and why.

use crate::error::Usage;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{flag} {value}: {why}")]
pub struct FlagError {
    pub flag: &'static str,
    pub value: String,
    pub why: String,
}

impl FlagError {
    pub fn new(flag: &'static str, value: &str, why: impl Into<String>) -> FlagError {
        FlagError {
            flag,
            value: value.to_owned(),
            why: why.into(),
        }
    }
}

impl From<FlagError> for Usage {
    fn from(err: FlagError) -> Usage {
        Usage(err.to_string())
    }
}
