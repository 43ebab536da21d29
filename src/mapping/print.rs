//! Messages to lines: answers for ask, requests for serve's process. A lone string or bytes
//! field is read straight off the bytes, skipping the other fields by their wire type; anything
//! else is decoded into a dynamic message first, and its fields printed joined by the
//! separator, one line per element where a path crosses a repeated field (as jq's
//! `.kvs[].value`). With `-o json`, or when the message has no single string field, the line is
//! the whole message in compact protobuf JSON.

use prost::encoding::{WireType, decode_key, decode_varint};
use prost_reflect::{DynamicMessage, FieldDescriptor, MessageDescriptor, Value};

use super::{
    paths::FieldPath,
    split::Separator,
    value::{self, Printing},
};

/// How a message becomes lines.
#[derive(Clone, Debug)]
pub enum ToLine {
    /// One string (`utf8`) or bytes field read straight off the bytes, skipping the rest: the
    /// numbers of its path.
    Text {
        message: MessageDescriptor,
        numbers: Vec<u32>,
        utf8: bool,
    },
    /// Any fields, joined by the separator, a line per element of what they cross.
    Columns(Box<Columns>),
    /// The whole message in protobuf JSON, every field written.
    Json {
        message: MessageDescriptor,
        proto_names: bool,
    },
    /// Nothing: bench counts answers without reading them, as a load generator should cost
    /// the least it can beside the server it measures.
    Unread,
}

#[derive(Clone, Debug)]
pub struct Columns {
    message: MessageDescriptor,
    columns: Vec<Column>,
    /// The column whose path crosses the most repeated fields: the others cross a prefix of
    /// those (checked where the paths are chosen).
    deepest: usize,
    separator: Separator,
    printing: Printing,
}

#[derive(Clone, Debug)]
struct Column {
    path: FieldPath,
    crossings: Vec<usize>,
}

impl Columns {
    pub(super) fn new(
        message: &MessageDescriptor,
        paths: Vec<FieldPath>,
        separator: Separator,
        printing: Printing,
    ) -> Columns {
        let columns: Vec<Column> = (paths.into_iter())
            .map(|path| Column {
                crossings: path.crossings(),
                path,
            })
            .collect();
        let deepest = (0..columns.len())
            .max_by_key(|&at| columns[at].crossings.len())
            .unwrap_or(0);
        Columns {
            message: message.clone(),
            columns,
            deepest,
            separator,
            printing,
        }
    }
}

/// The lines one message prints: one, unless a path crosses a repeated field, when there is
/// one per element, and none for no elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lines {
    One(Vec<u8>),
    Many(Vec<Vec<u8>>),
}

impl Lines {
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let (one, many) = match self {
            Lines::One(line) => (Some(line.as_slice()), &[][..]),
            Lines::Many(lines) => (None, lines.as_slice()),
        };
        one.into_iter().chain(many.iter().map(Vec::as_slice))
    }

    /// The first line, if any.
    pub fn first(&self) -> Option<&[u8]> {
        self.iter().next()
    }
}

impl ToLine {
    /// The lines for one message, or why the message could not be read.
    pub fn decode(&self, bytes: &[u8]) -> Result<Lines, String> {
        match self {
            ToLine::Text {
                message,
                numbers,
                utf8,
            } => {
                let text = last_string(bytes, numbers)
                    .map_err(|err| malformed(message, err))?
                    .unwrap_or_default();
                if *utf8 && std::str::from_utf8(text).is_err() {
                    return Err(malformed(message, "a string field is not valid UTF-8"));
                }
                Ok(Lines::One(text.to_vec()))
            }
            ToLine::Columns(columns) => columns.decode(bytes),
            ToLine::Json {
                message,
                proto_names,
            } => {
                let decoded = DynamicMessage::decode(message.clone(), bytes)
                    .map_err(|err| malformed(message, err))?;
                let mut line = Vec::new();
                value::json(&decoded, *proto_names, &mut line)
                    .map_err(|why| malformed(message, why))?;
                Ok(Lines::One(line))
            }
            ToLine::Unread => Ok(Lines::One(Vec::new())),
        }
    }
}

fn malformed(message: &MessageDescriptor, err: impl std::fmt::Display) -> String {
    format!("the answer is not a valid {}: {err}", message.full_name())
}

impl Columns {
    fn decode(&self, bytes: &[u8]) -> Result<Lines, String> {
        let message = &self.message;
        let decoded = DynamicMessage::decode(message.clone(), bytes)
            .map_err(|err| malformed(message, err))?;
        let mut rows = Vec::new();
        let mut cells = vec![Vec::new(); self.columns.len()];
        self.walk(&decoded, 0, &mut cells, &mut rows)
            .map_err(|why| malformed(message, why))?;
        Ok(match rows.len() {
            1 => Lines::One(rows.pop().unwrap_or_default()),
            _ => Lines::Many(rows),
        })
    }

    /// The rows under `holder`, an element of the `level`-th repeated field crossed (the
    /// message itself at level 0): the cells of the paths that cross no deeper are printed
    /// here, then each element of the next repeated field makes its own rows.
    fn walk(
        &self,
        holder: &DynamicMessage,
        level: usize,
        cells: &mut [Vec<u8>],
        rows: &mut Vec<Vec<u8>>,
    ) -> Result<(), String> {
        for (column, cell) in self.columns.iter().zip(cells.iter_mut()) {
            if column.crossings.len() == level {
                let start = column.crossings.last().map_or(0, |&at| at + 1);
                let (last, outer) = (column.path.fields[start..].split_last())
                    .expect("a path has at least one field");
                cell.clear();
                at_end(holder, outer, &mut |message| {
                    value::print(message, last, self.printing, cell)
                })?;
            }
        }
        let chain = &self.columns[self.deepest];
        let Some(&next) = chain.crossings.get(level) else {
            rows.push(cells.join(self.separator.bytes()));
            return Ok(());
        };
        let start = level
            .checked_sub(1)
            .map_or(0, |before| chain.crossings[before] + 1);
        let list = &chain.path.fields[next];
        at_end(holder, &chain.path.fields[start..next], &mut |message| {
            let elements = message.get_field(list);
            for element in elements.as_list().unwrap_or_default() {
                if let Value::Message(element) = element {
                    self.walk(element, level + 1, cells, rows)?;
                }
            }
            Ok(())
        })
    }
}

/// Calls `then` with the message at the end of `fields` (singular message fields all) from
/// `holder`; an unset one is its empty message, as protobuf reads it.
fn at_end<R>(
    holder: &DynamicMessage,
    fields: &[FieldDescriptor],
    then: &mut dyn FnMut(&DynamicMessage) -> R,
) -> R {
    let Some((first, rest)) = fields.split_first() else {
        return then(holder);
    };
    match holder.get_field(first).as_ref() {
        Value::Message(inner) => at_end(inner, rest, then),
        _ => unreachable!("a resolved path crosses message fields only"),
    }
}

/// The last value of the string at the end of the path of field `numbers` (protobuf keeps the
/// last of a singular field, and merges a message field that comes more than once).
fn last_string<'a>(mut bytes: &'a [u8], numbers: &[u32]) -> Result<Option<&'a [u8]>, String> {
    let Some((&number, deeper)) = numbers.split_first() else {
        return Ok(None);
    };
    let mut found = None;
    while !bytes.is_empty() {
        let (field, wire_type) = decode_key(&mut bytes).map_err(|err| err.to_string())?;
        if field != number || wire_type != WireType::LengthDelimited {
            prost::encoding::skip_field(wire_type, field, &mut bytes, Default::default())
                .map_err(|err| err.to_string())?;
            continue;
        }
        let len = decode_varint(&mut bytes).map_err(|err| err.to_string())? as usize;
        if len > bytes.len() {
            return Err(format!("field {number} is cut short"));
        }
        let (value, rest) = bytes.split_at(len);
        bytes = rest;
        found = match deeper {
            [] => Some(value),
            _ => last_string(value, deeper)?.or(found),
        };
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_occurrence_wins_at_every_level_and_other_fields_are_skipped() {
        // field 1 varint, field 2 { field 1: "a" }, field 3 fixed32, field 2 { field 1: "b" }
        let bytes = [
            0x08, 0x96, 0x01, 0x12, 0x03, 0x0a, 0x01, b'a', 0x1d, 1, 2, 3, 4, 0x12, 0x03, 0x0a,
            0x01, b'b',
        ];
        assert_eq!(last_string(&bytes, &[2, 1]).unwrap(), Some(&b"b"[..]));
        assert_eq!(last_string(&bytes, &[5]).unwrap(), None);
        assert!(last_string(&[0x12, 0x09, 0x0a], &[2, 1]).is_err());
    }
}
