//! `check`'s settings: the connection as ask makes it, the recordings and how to compare.

use crate::{check::CheckConfig, cli::CheckArgs, net::CallSetup, token::Token};

use super::connect_config;

pub fn check(args: &CheckArgs) -> anyhow::Result<CheckConfig> {
    let token = Token::load(args.connect.token_file.as_deref())?;
    Ok(CheckConfig {
        recordings: args.recordings.clone(),
        connect: connect_config(&args.connect, 1, token.as_ref())?,
        call: CallSetup {
            timeout: None,
            headers: args.connect.headers.clone(),
            token,
            max_message_size: args.limits.max_message_size,
            compress: None,
            trace: None,
        },
        ignore: args.match_ignore.clone(),
        check_metadata: args.check_metadata,
        junit: args.junit.clone(),
        update: args.update,
        wait: args.wait,
    })
}
