//! `--shard K/N`: one worker's part of a run that N workers make together.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// `K/N`: shard K (from 0) of N.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let parsed = text
            .split_once('/')
            .and_then(|(k, n)| Some((k.parse::<usize>().ok()?, n.parse::<usize>().ok()?)));
        match parsed {
            Some((index, count)) if index < count => Ok(Shard { index, count }),
            Some(_) => Err(format!("'{text}': K runs from 0 to N-1")),
            None => Err(format!("'{text}' is not K/N, as 0/4")),
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_is_k_of_n_with_k_below_n() {
        assert_eq!("1/4".parse(), Ok(Shard { index: 1, count: 4 }));
        assert_eq!(
            "0/1".parse::<Shard>().map(|s| s.to_string()),
            Ok("0/1".into())
        );
        for bad in ["4/4", "1", "a/b", "-1/4", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
