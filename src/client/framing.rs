//! How records are framed on ask's stdin and stdout: `--input` and `--output` say whether each is
//! protobuf JSON, and `-0` says what ends a record, the same way in both directions.

/// The framing of one direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Framing {
    /// Each record is the message in protobuf JSON (`{"question":"..."}`, `{"answer":"..."}`)
    /// rather than its text, so that text holding newlines stays one record.
    pub json: bool,
    /// What ends a record: `\n` (on input a `\r` before it goes too) or NUL (`-0`, for
    /// `find -print0` and `xargs -0`). A last input record without one counts.
    pub separator: u8,
}

impl Default for Framing {
    fn default() -> Self {
        Framing {
            json: false,
            separator: b'\n',
        }
    }
}
