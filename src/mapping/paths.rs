//! Field paths as users write them (`text`, `meta.note`, `events.kv.key`), resolved against a
//! message, and the rule for the field a line fills or an answer comes from when none is named.

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};

use super::flag_error::FlagError;
use crate::error::Usage;

/// A resolved dotted path. Every field but the last is a message field: singular in a path
/// that fills a message, possibly repeated in one that reads it (one line per element).
#[derive(Clone, Debug)]
pub struct FieldPath {
    pub fields: Vec<FieldDescriptor>,
    /// As the user wrote it, for messages.
    pub shown: String,
}

/// What a path may cross on its way to its last field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Through {
    /// Singular message fields only: the path is written into.
    Singular,
    /// Repeated message fields too: the path is read, an element at a time.
    Repeated,
}

impl FieldPath {
    /// Resolves `path` in `message`; `flag` names where it came from in errors.
    pub fn resolve(
        message: &MessageDescriptor,
        path: &str,
        flag: &'static str,
        through: Through,
    ) -> Result<FieldPath, FlagError> {
        let refuse = |why: String| FlagError::new(flag, path, why);
        let mut fields = Vec::new();
        let mut current = message.clone();
        let parts: Vec<&str> = path.split('.').collect();
        for (i, name) in parts.iter().enumerate() {
            let field = current.get_field_by_name(name).ok_or_else(|| {
                let known: Vec<_> = current.fields().map(|f| f.name().to_owned()).collect();
                refuse(format!(
                    "{} has no field '{name}' (its fields: {})",
                    current.full_name(),
                    known.join(", ")
                ))
            })?;
            if i + 1 < parts.len() {
                let crossable =
                    !field.is_map() && (through == Through::Repeated || !field.is_list());
                current = match field.kind() {
                    Kind::Message(inner) if crossable => inner,
                    _ if field.is_list() && matches!(field.kind(), Kind::Message(_)) => {
                        return Err(refuse(format!(
                            "'{name}' is a repeated field: a fixed value cannot name a field \
                             inside its elements"
                        )));
                    }
                    _ => {
                        return Err(refuse(format!(
                            "'{name}' is not a message field, so it has no fields to name"
                        )));
                    }
                };
            }
            fields.push(field);
        }
        Ok(FieldPath {
            fields,
            shown: path.to_owned(),
        })
    }

    pub fn last(&self) -> &FieldDescriptor {
        self.fields.last().expect("a path has at least one field")
    }

    /// The positions of the repeated fields the path crosses before its last field.
    pub fn crossings(&self) -> Vec<usize> {
        let before_last = &self.fields[..self.fields.len() - 1];
        (before_last.iter().enumerate())
            .filter(|(_, field)| field.is_list())
            .map(|(at, _)| at)
            .collect()
    }

    /// Whether the path ends in a singular string field, the kind a line can fill as it is.
    pub fn is_string(&self) -> bool {
        is_candidate(self.last())
    }

    /// Whether the path ends in a singular string or bytes field, whose value is a line's bytes.
    pub fn is_text(&self) -> bool {
        let last = self.last();
        matches!(last.kind(), Kind::String | Kind::Bytes) && !last.is_list()
    }

    /// The numbers of the fields along the path.
    pub fn numbers(&self) -> Vec<u32> {
        self.fields.iter().map(|field| field.number()).collect()
    }

    /// Whether two paths name the same field.
    pub fn same_as(&self, other: &FieldPath) -> bool {
        (self.fields.iter().map(|f| f.full_name())).eq(other.fields.iter().map(|f| f.full_name()))
    }
}

/// A top-level, singular string field: one that a line can fill, or an answer print, as it is.
/// Members of a oneof count; wrappers such as `google.protobuf.StringValue` do not.
fn is_candidate(field: &FieldDescriptor) -> bool {
    matches!(field.kind(), Kind::String) && !field.is_list() && !field.is_map()
}

/// The message's only candidate string field, or why there is not exactly one.
pub(super) fn only_candidate(message: &MessageDescriptor) -> Result<FieldPath, Vec<String>> {
    let candidates: Vec<FieldDescriptor> = message.fields().filter(is_candidate).collect();
    match candidates.as_slice() {
        [only] => Ok(FieldPath {
            fields: vec![only.clone()],
            shown: only.name().to_owned(),
        }),
        several => Err(several.iter().map(|f| f.name().to_owned()).collect()),
    }
}

/// The flags a mapping's complaints name, which differ by side: ask fills requests from its
/// input's lines (`--field`, `--input json`); serve fills requests into the lines its process
/// reads and responses from the lines it writes (`--field` and `--answer-field`, and
/// `--process-format json` for both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    /// The flag that names the fields a line fills.
    pub field: &'static str,
    /// The flag that names the fields a line is read from.
    pub read: &'static str,
    /// The flag and value that pass whole messages in instead.
    pub whole: &'static str,
    /// The flag and value that print whole messages instead.
    pub whole_out: &'static str,
    /// What the field is to a line, as in "choose the one {line}".
    pub line: &'static str,
}

impl Flags {
    pub const ASK: Flags = Flags {
        field: "--field",
        read: "--answer-field",
        whole: "--input json",
        whole_out: "-o json",
        line: "each line fills",
    };
    /// web's API names the same things by the keys of its first message.
    pub const WEB: Flags = Flags {
        field: "\"field\"",
        read: "\"answer_field\"",
        whole: "\"input\": \"json\"",
        whole_out: "\"output\": \"json\"",
        line: "each line fills",
    };
    /// serve reads requests into lines and fills responses from lines: the flags trade places.
    pub const SERVE: Flags = Flags {
        field: "--answer-field",
        read: "--field",
        whole: "--process-format json",
        whole_out: "--process-format json",
        line: "each line of the process fills",
    };
}

impl Flags {
    /// serve's choice of the request field its process reads, when none is named.
    pub const SERVE_READS: Flags = Flags {
        field: "--field",
        line: "the process reads as a line",
        ..Flags::SERVE
    };
}

impl Default for Flags {
    fn default() -> Flags {
        Flags::ASK
    }
}

/// The fields a line stands for: the ones named by `flags.field`, or the only candidate.
pub(super) fn line_fields(
    message: &MessageDescriptor,
    named: &[String],
    flags: Flags,
) -> Result<Vec<FieldPath>, Usage> {
    if named.is_empty() {
        return only_candidate(message)
            .map(|only| vec![only])
            .map_err(|candidates| choose(message, &candidates, flags.field, flags));
    }
    let mut paths: Vec<FieldPath> = Vec::new();
    for path in named {
        let path = FieldPath::resolve(message, path, flags.field, Through::Repeated)?;
        let field = path.last();
        if field.is_map() || matches!(field.kind(), Kind::Message(_)) {
            let what = match field.kind().as_message() {
                _ if field.is_map() => "a map".to_owned(),
                Some(inner) => format!("a message, {}: name a field inside it", inner.full_name()),
                None => "not a scalar".to_owned(),
            };
            let why = format!(
                "a line fills a field of a scalar type (a string, bytes, a number, a bool or an \
                 enum), and this one is {what}"
            );
            return Err(FlagError::new(flags.field, &path.shown, why).into());
        }
        if let Some(earlier) = paths.iter().find(|earlier| clash(earlier, &path).is_some()) {
            let why = format!(
                "{} {}{}",
                flags.field,
                earlier.shown,
                clash(earlier, &path).unwrap_or_default()
            );
            return Err(FlagError::new(
                flags.field,
                &path.shown,
                format!("already filled by {why}"),
            )
            .into());
        }
        paths.push(path);
    }
    Ok(paths)
}

/// Whether filling both paths would lose one of them: the same singular field, or two members
/// of one oneof in the same message. A repeated field takes both.
pub(super) fn clash(a: &FieldPath, b: &FieldPath) -> Option<&'static str> {
    if a.same_as(b) {
        return (!b.last().is_list()).then_some("");
    }
    let parents = |path: &FieldPath| {
        (path.fields[..path.fields.len() - 1].iter())
            .map(|f| f.full_name().to_owned())
            .collect::<Vec<_>>()
    };
    let oneof =
        |path: &FieldPath| (path.last().containing_oneof()).map(|o| o.full_name().to_owned());
    let rival = parents(a) == parents(b) && oneof(a).is_some() && oneof(a) == oneof(b);
    rival.then_some(", a member of the same oneof")
}

/// The name of the message's only string field, or why there is not exactly one.
pub fn only_field(message: &MessageDescriptor, flags: Flags) -> Result<String, Usage> {
    (only_candidate(message).map(|path| path.shown))
        .map_err(|candidates| choose(message, &candidates, flags.field, flags))
}

/// The message's fields with their types, as `key (bytes), lease (int64)`.
fn typed_fields(message: &MessageDescriptor) -> String {
    let fields: Vec<String> = (message.fields())
        .map(|field| {
            let kind = match field.kind() {
                prost_reflect::Kind::Message(m) => m.name().to_owned(),
                prost_reflect::Kind::Enum(e) => e.name().to_owned(),
                kind => format!("{kind:?}").to_ascii_lowercase(),
            };
            let list = if field.is_list() { "repeated " } else { "" };
            format!("{} ({list}{kind})", field.name())
        })
        .collect();
    fields.join(", ")
}

/// Why no field was named and none could be chosen for the user.
fn choose(message: &MessageDescriptor, candidates: &[String], flag: &str, flags: Flags) -> Usage {
    let name = message.full_name();
    Usage(match candidates {
        [] => format!(
            "{name} has no string field for a line to fill: name one inside it with {flag} (its \
             fields: {}), or pass whole messages in JSON with {}",
            typed_fields(message),
            flags.whole
        ),
        several => format!(
            "{name} has several string fields ({}): choose the one {} with {flag}",
            several.join(", "),
            flags.line
        ),
    })
}
