//! Lines to messages and messages to lines, for any method: which fields a line's parts fill
//! (`--field`, cut at `--separator`), which fields are fixed (`--set`), which fields a line
//! prints (`--answer-field`), or JSON for the whole message. One mapping, whichever side writes
//! and whichever reads: ask and bench fill requests and print responses, serve's bridge prints
//! requests for its process and fills responses from what it writes.

mod fill;
mod flag_error;
mod paths;
mod print;
mod set;
mod short;
mod split;
mod value;

use prost_reflect::{DynamicMessage, Kind, MessageDescriptor};

use crate::error::Usage;
pub use fill::{Encoded, Outgoing, ToMessage};
pub use flag_error::FlagError;
pub use paths::{FieldPath, Flags, only_field};
use paths::{Through, clash, line_fields, only_candidate};
pub use print::{Lines, ToLine};
pub use short::LineBytes;
pub use split::Separator;
pub use value::BytesAs;

/// What the user said about the mapping of one direction.
#[derive(Clone, Debug, Default)]
pub struct MappingArgs {
    /// `--field PATH`, in order: the fields a line's parts fill.
    pub fields: Vec<String>,
    /// `--set PATH=VALUE`, in order.
    pub set: Vec<String>,
    /// `--answer-field PATH`, in order: the fields a line prints.
    pub answer_fields: Vec<String>,
    /// `--input json`: each line is a whole message.
    pub json_in: bool,
    /// `-o json`: each line printed is a whole message.
    pub json_out: bool,
    /// `--proto-names`: JSON keeps the field names of the .proto.
    pub proto_names: bool,
    /// `--separator`: between the fields of a line.
    pub separator: Separator,
    /// `--bytes`: how bytes fields are written in lines.
    pub bytes: BytesAs,
    /// The flags the side that reads these arguments calls them by, for its complaints.
    pub flags: Flags,
}

/// Messages of type `message` from lines.
pub fn to_message(message: &MessageDescriptor, args: &MappingArgs) -> Result<ToMessage, Usage> {
    let flags = args.flags;
    if args.json_in {
        let named = [
            (!args.fields.is_empty()).then_some(flags.field),
            (!args.set.is_empty()).then_some("--set"),
        ];
        if let Some(flag) = named.into_iter().flatten().next() {
            return Err(Usage(format!(
                "{flag} goes with text lines, not with {}, where each line is a whole message",
                flags.whole
            )));
        }
        return Ok(ToMessage::Json(message.clone()));
    }
    let paths = line_fields(message, &args.fields, flags)?;
    let mut base = DynamicMessage::new(message.clone());
    for assignment in &args.set {
        let set = set::apply(&mut base, assignment, args.bytes)?;
        if let Some(path) = paths.iter().find(|path| clash(&set, path).is_some()) {
            let why = format!(
                "{} {} ({} {}){}",
                flags.line,
                path.shown,
                flags.field,
                path.shown,
                clash(&set, path).unwrap_or_default()
            );
            return Err(FlagError::new("--set", assignment, why).into());
        }
    }
    let prefix = prost::Message::encode_to_vec(&base).into();
    if let [only] = paths.as_slice()
        && only.is_text()
        && only.crossings().is_empty()
        && (only.is_string() || args.bytes == BytesAs::Raw)
    {
        return Ok(ToMessage::Text {
            prefix,
            numbers: only.numbers(),
            utf8: only.is_string(),
        });
    }
    let crosses = paths.iter().any(|path| !path.crossings().is_empty());
    Ok(ToMessage::Parts(Box::new(fill::Parts {
        prefix,
        built: crosses.then_some(base),
        fields: paths.into_iter().map(fill::Slot::new).collect(),
        separator: args.separator.clone(),
        bytes: args.bytes,
        flag: flags.field,
    })))
}

/// Lines from messages of type `message`.
pub fn to_line(message: &MessageDescriptor, args: &MappingArgs) -> Result<ToLine, Usage> {
    let flag = args.flags.read;
    if args.json_out {
        if !args.answer_fields.is_empty() {
            return Err(Usage(format!(
                "{flag} picks fields to print; {} prints whole messages",
                args.flags.whole_out
            )));
        }
        return Ok(json(message, args.proto_names));
    }
    if args.answer_fields.is_empty() {
        // Only a message that is that one field prints as its text: one string among other
        // fields (an `error` beside an ID and a TTL) would hide the rest.
        let sole = message.fields().len() == 1;
        return Ok(match only_candidate(message) {
            Ok(path) if sole => text(message, &path),
            _ => json(message, args.proto_names),
        });
    }
    let paths = (args.answer_fields.iter())
        .map(|path| FieldPath::resolve(message, path, flag, Through::Repeated))
        .collect::<Result<Vec<_>, _>>()?;
    check_crossings(&paths, flag)?;
    if let [only] = paths.as_slice()
        && only.is_text()
        && only.crossings().is_empty()
        && (only.is_string() || args.bytes == BytesAs::Raw)
    {
        return Ok(text(message, only));
    }
    let printing = value::Printing {
        bytes: args.bytes,
        proto_names: args.proto_names,
    };
    let columns = print::Columns::new(message, paths, args.separator.clone(), printing);
    Ok(ToLine::Columns(Box::new(columns)))
}

/// Paths read together must cross the same repeated fields, or some of them: one line per
/// element of the deepest, each path's value from the element that holds it.
fn check_crossings(paths: &[FieldPath], flag: &'static str) -> Result<(), FlagError> {
    let crossed: Vec<Vec<String>> = (paths.iter())
        .map(|path| match path.crossings().last() {
            Some(&last) => (path.fields[..=last].iter())
                .map(|f| f.full_name().to_owned())
                .collect(),
            None => Vec::new(),
        })
        .collect();
    // The first of the deepest, so that the complaint names the paths in the order given.
    let Some(deepest) = (0..paths.len()).rev().max_by_key(|&at| crossed[at].len()) else {
        return Ok(());
    };
    match (0..paths.len()).find(|&at| !crossed[deepest].starts_with(&crossed[at])) {
        Some(at) => Err(FlagError::new(
            flag,
            &paths[at].shown,
            format!(
                "it crosses other repeated fields than {flag} {} does: fields printed together \
                 are read an element of the same repeated field at a time",
                paths[deepest].shown
            ),
        )),
        None => Ok(()),
    }
}

fn text(message: &MessageDescriptor, path: &FieldPath) -> ToLine {
    ToLine::Text {
        message: message.clone(),
        numbers: path.numbers(),
        utf8: matches!(path.last().kind(), Kind::String),
    }
}

fn json(message: &MessageDescriptor, proto_names: bool) -> ToLine {
    ToLine::Json {
        message: message.clone(),
        proto_names,
    }
}

#[cfg(test)]
mod tests;
