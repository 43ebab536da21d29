//! Field paths as users write them (`text`, `meta.note`), resolved against a message, and the
//! rule for the field a line fills or an answer comes from when none is named.

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};

use crate::error::Usage;

/// A resolved dotted path: every field but the last is a singular message field.
#[derive(Clone, Debug)]
pub struct FieldPath {
    pub fields: Vec<FieldDescriptor>,
    /// As the user wrote it, for messages.
    pub shown: String,
}

impl FieldPath {
    /// Resolves `path` in `message`; `flag` names where it came from in errors.
    pub fn resolve(
        message: &MessageDescriptor,
        path: &str,
        flag: &str,
    ) -> Result<FieldPath, Usage> {
        let mut fields = Vec::new();
        let mut current = message.clone();
        let parts: Vec<&str> = path.split('.').collect();
        for (i, name) in parts.iter().enumerate() {
            let field = current.get_field_by_name(name).ok_or_else(|| {
                let known: Vec<_> = current.fields().map(|f| f.name().to_owned()).collect();
                Usage(format!(
                    "{flag} {path}: {} has no field '{name}' (its fields: {})",
                    current.full_name(),
                    known.join(", ")
                ))
            })?;
            if i + 1 < parts.len() {
                current = match field.kind() {
                    Kind::Message(inner) if !field.is_list() && !field.is_map() => inner,
                    _ => {
                        return Err(Usage(format!(
                            "{flag} {path}: '{name}' is not a singular message field, so it has no \
                             fields to name"
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

    /// Whether the path ends in a singular string field, the kind a line can fill as it is.
    pub fn is_string(&self) -> bool {
        is_candidate(self.last())
    }
}

/// A top-level, singular string field: one that a line can fill, or an answer print, as it is.
/// Members of a oneof count; wrappers such as `google.protobuf.StringValue` do not.
fn is_candidate(field: &FieldDescriptor) -> bool {
    matches!(field.kind(), Kind::String) && !field.is_list() && !field.is_map()
}

/// The message's only candidate string field, or why there is not exactly one.
pub fn only_candidate(message: &MessageDescriptor) -> Result<FieldPath, Vec<String>> {
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
    /// The flag that names the field.
    pub field: &'static str,
    /// The flag and value that pass whole messages instead.
    pub whole: &'static str,
    /// What the field is to a line, as in "choose the one {line}".
    pub line: &'static str,
}

impl Flags {
    pub const ASK: Flags = Flags {
        field: "--field",
        whole: "--input json",
        line: "each line fills",
    };
    pub const SERVE_REQUESTS: Flags = Flags {
        field: "--field",
        whole: "--process-format json",
        line: "the process reads as a line",
    };
    pub const SERVE_RESPONSES: Flags = Flags {
        field: "--answer-field",
        whole: "--process-format json",
        line: "each line of the process fills",
    };
}

impl Default for Flags {
    fn default() -> Flags {
        Flags::ASK
    }
}

/// The field a line stands for: the one named by `flags.field`, or the only candidate.
pub fn request_field(
    message: &MessageDescriptor,
    field: Option<&str>,
    flags: Flags,
) -> Result<FieldPath, Usage> {
    let flag = flags.field;
    if let Some(path) = field {
        let path = FieldPath::resolve(message, path, flag)?;
        let field = path.last();
        if field.is_map() || matches!(field.kind(), Kind::Message(_)) {
            return Err(Usage(format!(
                "{flag} {}: a line fills a field of a scalar type (a string, bytes, a number, a \
                 bool or an enum), and this one is {}",
                path.shown,
                match field.is_map() {
                    true => "a map".to_owned(),
                    false => format!(
                        "a message, {}: name a field inside it",
                        field
                            .kind()
                            .as_message()
                            .map(|m| m.full_name().to_owned())
                            .unwrap_or_default()
                    ),
                }
            )));
        }
        return Ok(path);
    }
    only_candidate(message).map_err(|candidates| {
        let name = message.full_name();
        Usage(match candidates.as_slice() {
            [] => format!(
                "{name} has no string field for a line to fill: name one inside it with {flag}, \
                 or pass whole messages in JSON with {}",
                flags.whole
            ),
            several => format!(
                "{name} has several string fields ({}): choose the one {} with {flag}",
                several.join(", "),
                flags.line
            ),
        })
    })
}
