//! Whether two messages are the same: decoded and compared field by field when their type is
//! known (two encoders may order or pack the same message differently), byte for byte when not;
//! the fields of `--match-ignore` (ids, timestamps) left out either way they can be.

use std::{fmt, str::FromStr};

use prost_reflect::{DynamicMessage, MessageDescriptor, ReflectMessage, Value};

/// A field by its names from the message down, `meta.request_id`; through a repeated or map
/// field it names the field in each element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath(Vec<String>);

impl FromStr for FieldPath {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let names: Vec<String> = text.split('.').map(str::to_owned).collect();
        let valid = |name: &String| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        match names.iter().all(valid) {
            true => Ok(FieldPath(names)),
            false => Err(format!(
                "'{text}' is not a field path: write field names joined by dots, as meta.request_id"
            )),
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

impl FieldPath {
    /// Whether it names a field of `message`.
    pub fn names_a_field_of(&self, message: &MessageDescriptor) -> bool {
        let mut message = message.clone();
        for (index, name) in self.0.iter().enumerate() {
            let Some(field) = message.get_field_by_name(name) else {
                return false;
            };
            if index + 1 == self.0.len() {
                return true;
            }
            let inner = match field.kind() {
                prost_reflect::Kind::Message(inner) if field.is_map() => {
                    inner.map_entry_value_field().kind().as_message().cloned()
                }
                prost_reflect::Kind::Message(inner) => Some(inner),
                _ => None,
            };
            let Some(inner) = inner else { return false };
            message = inner;
        }
        false
    }

    fn clear(&self, message: &mut DynamicMessage) {
        clear_in(message, &self.0);
    }
}

fn clear_in(message: &mut DynamicMessage, names: &[String]) {
    let Some((first, rest)) = names.split_first() else {
        return;
    };
    let Some(field) = message.descriptor().get_field_by_name(first) else {
        return;
    };
    if rest.is_empty() {
        message.clear_field(&field);
        return;
    }
    if !message.has_field(&field) {
        return;
    }
    match message.get_field_mut(&field) {
        Value::Message(inner) => clear_in(inner, rest),
        Value::List(items) => (items.iter_mut()).for_each(|item| clear_value(item, rest)),
        Value::Map(entries) => (entries.values_mut()).for_each(|item| clear_value(item, rest)),
        _ => {}
    }
}

fn clear_value(value: &mut Value, names: &[String]) {
    if let Value::Message(inner) = value {
        clear_in(inner, names);
    }
}

/// How messages are matched: exactly, or with some fields left out.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    pub ignore: Vec<FieldPath>,
}

impl Matcher {
    /// Whether `a` and `b` are the same `message` (or the same bytes, its type unknown).
    pub fn same(&self, a: &[u8], b: &[u8], message: Option<&MessageDescriptor>) -> bool {
        if a == b {
            return true;
        }
        let Some(message) = message else {
            return false;
        };
        match (self.decoded(a, message), self.decoded(b, message)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }

    fn decoded(&self, bytes: &[u8], message: &MessageDescriptor) -> Option<DynamicMessage> {
        let mut decoded = DynamicMessage::decode(message.clone(), bytes).ok()?;
        self.ignore.iter().for_each(|path| path.clear(&mut decoded));
        Some(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;
    use prost_reflect::DescriptorPool;

    fn message(name: &str) -> MessageDescriptor {
        let set = protox::compile(["kv.proto"], ["examples"]).unwrap();
        let pool = DescriptorPool::from_file_descriptor_set(set).unwrap();
        pool.get_message_by_name(name).unwrap()
    }

    fn encoded(message: &MessageDescriptor, json: &str) -> Vec<u8> {
        let mut de = serde_json::Deserializer::from_str(json);
        DynamicMessage::deserialize(message.clone(), &mut de)
            .unwrap()
            .encode_to_vec()
    }

    #[test]
    fn ignored_fields_are_left_out_nested_and_in_each_element() {
        let message = message("store.RangeResponse");
        let a = encoded(
            &message,
            r#"{"header": {"revision": "1"}, "kvs": [{"key": "YQ==", "mod_revision": "1"}]}"#,
        );
        let b = encoded(
            &message,
            r#"{"header": {"revision": "2"}, "kvs": [{"key": "YQ==", "mod_revision": "9"}]}"#,
        );
        assert!(!Matcher::default().same(&a, &b, Some(&message)));
        let ignore = vec![
            "header.revision".parse().unwrap(),
            "kvs.mod_revision".parse().unwrap(),
        ];
        assert!(Matcher { ignore }.same(&a, &b, Some(&message)));
        let ignore = vec!["header.revision".parse().unwrap()];
        assert!(!Matcher { ignore }.same(&a, &b, Some(&message)));
    }

    #[test]
    fn paths_are_checked_against_the_types() {
        let message = message("store.RangeResponse");
        let path = |text: &str| text.parse::<FieldPath>().unwrap();
        assert!(path("header.revision").names_a_field_of(&message));
        assert!(path("kvs.key").names_a_field_of(&message));
        assert!(!path("header.nope").names_a_field_of(&message));
        assert!(!path("kvs.key.deeper").names_a_field_of(&message));
        assert!("a..b".parse::<FieldPath>().is_err());
    }
}
