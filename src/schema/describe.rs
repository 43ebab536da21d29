//! `describe`: a service, method, message or enum in proto syntax, as grpcurl's `describe`
//! prints it (types by their full names, with a leading dot), with the comments the descriptors
//! carry (a .proto read at run time keeps them, and so does a server's reflection when its
//! descriptors were compiled with them).

use std::fmt::Write as _;

use prost_reflect::{
    EnumDescriptor, FieldDescriptor, Kind, MessageDescriptor, MethodDescriptor, ServiceDescriptor,
};
use prost_types::FileDescriptorProto;

use super::Schema;
use crate::error::Usage;

/// What `symbol` is, and its definition.
pub fn describe(schema: &Schema, symbol: &str) -> Result<String, Usage> {
    let pool = schema.pool();
    let symbol = symbol.trim_start_matches('.');
    if let Some(service) = pool.get_service_by_name(symbol) {
        return Ok(format!(
            "{symbol} is a service:\n{}{}",
            comments(service.parent_file_descriptor_proto(), service.path(), ""),
            service_text(&service)
        ));
    }
    if let Some(message) = pool.get_message_by_name(symbol) {
        return Ok(format!(
            "{symbol} is a message:\n{}",
            message_text(&message, "")
        ));
    }
    if let Some(values) = pool.get_enum_by_name(symbol) {
        return Ok(format!("{symbol} is an enum:\n{}", enum_text(&values, "")));
    }
    describe_method(schema, symbol)
}

/// `pkg.Service.Method` or `pkg.Service/Method`, as `ask --method` takes it.
fn describe_method(schema: &Schema, symbol: &str) -> Result<String, Usage> {
    let pool = schema.pool();
    let method = symbol
        .rsplit_once(['.', '/'])
        .and_then(|(service, method)| {
            pool.get_service_by_name(service)?
                .methods()
                .find(|m| m.name() == method)
        });
    match method {
        Some(method) => Ok(method_text(symbol, &method)),
        None => Err(Usage(format!(
            "no service, method, message or enum named {symbol}; the services are: {}",
            schema.services().join(", ")
        ))),
    }
}

/// The method, then the messages it takes and answers with, so that one call shows what a line
/// must fill and what an answer carries.
fn method_text(symbol: &str, method: &MethodDescriptor) -> String {
    let file = method.parent_service().parent_file_descriptor_proto();
    let mut text = format!(
        "{symbol} is a method:\n{}{}\n",
        comments(file, method.path(), ""),
        rpc_text(method)
    );
    let (input, output) = (method.input(), method.output());
    let answer = (output != input).then_some(output);
    for message in std::iter::once(input).chain(answer) {
        let _ = write!(
            text,
            "\n{} is a message:\n{}",
            message.full_name(),
            message_text(&message, "")
        );
    }
    text
}

/// The comment above the element at `path` of `file`, as written (its lines' `//` gone).
pub(crate) fn leading_comment<'a>(file: &'a FileDescriptorProto, path: &[i32]) -> Option<&'a str> {
    let info = file.source_code_info.as_ref()?;
    let location = info
        .location
        .iter()
        .find(|location| location.path == path)?;
    location.leading_comments.as_deref()
}

/// The comments above the element at `path` of `file`, as `//` lines at `indent`.
fn comments(file: &FileDescriptorProto, path: &[i32], indent: &str) -> String {
    let Some(text) = leading_comment(file, path) else {
        return String::new();
    };
    text.trim_end()
        .lines()
        .map(|line| {
            let line = line.strip_prefix(' ').unwrap_or(line).trim_end();
            match line {
                "" => format!("{indent}//\n"),
                line => format!("{indent}// {line}\n"),
            }
        })
        .collect()
}

fn service_text(service: &ServiceDescriptor) -> String {
    let file = service.parent_file_descriptor_proto();
    let mut text = format!("service {} {{\n", service.name());
    for method in service.methods() {
        text += &comments(file, method.path(), "  ");
        let _ = writeln!(text, "  {}", rpc_text(&method));
    }
    text + "}\n"
}

fn rpc_text(method: &MethodDescriptor) -> String {
    let stream = |streams: bool| if streams { "stream " } else { "" };
    format!(
        "rpc {} ( {}.{} ) returns ( {}.{} );",
        method.name(),
        stream(method.is_client_streaming()),
        method.input().full_name(),
        stream(method.is_server_streaming()),
        method.output().full_name()
    )
}

fn message_text(message: &MessageDescriptor, indent: &str) -> String {
    let file = message.parent_file_descriptor_proto();
    let mut text = comments(file, message.path(), indent);
    let _ = writeln!(text, "{indent}message {} {{", message.name());
    let inner = format!("{indent}  ");
    for nested in message.child_messages().filter(|m| !m.is_map_entry()) {
        text += &message_text(&nested, &inner);
    }
    for values in message.child_enums() {
        text += &enum_text(&values, &inner);
    }
    let mut oneofs_done = Vec::new();
    for field in message.fields() {
        match field
            .containing_oneof()
            .filter(|oneof| !oneof.is_synthetic())
        {
            None => {
                text += &comments(file, field.path(), &inner);
                let _ = writeln!(text, "{inner}{}", field_text(&field));
            }
            Some(oneof) if !oneofs_done.contains(&oneof.name().to_owned()) => {
                oneofs_done.push(oneof.name().to_owned());
                let _ = writeln!(text, "{inner}oneof {} {{", oneof.name());
                for member in oneof.fields() {
                    text += &comments(file, member.path(), &format!("{inner}  "));
                    let _ = writeln!(text, "{inner}  {}", field_text(&member));
                }
                let _ = writeln!(text, "{inner}}}");
            }
            Some(_) => {}
        }
    }
    text + indent + "}\n"
}

fn field_text(field: &FieldDescriptor) -> String {
    let label = if field.is_list() {
        "repeated "
    } else if field
        .containing_oneof()
        .is_some_and(|oneof| oneof.is_synthetic())
    {
        "optional "
    } else {
        ""
    };
    let kind = match field.kind() {
        Kind::Message(entry) if field.is_map() => {
            let (key, value) = (entry.map_entry_key_field(), entry.map_entry_value_field());
            format!(
                "map<{}, {}>",
                kind_name(&key.kind()),
                kind_name(&value.kind())
            )
        }
        kind => kind_name(&kind),
    };
    format!("{label}{kind} {} = {};", field.name(), field.number())
}

/// A field's type as a .proto writes it: messages and enums by their full names.
fn kind_name(kind: &Kind) -> String {
    let scalar = match kind {
        Kind::Message(message) => return format!(".{}", message.full_name()),
        Kind::Enum(values) => return format!(".{}", values.full_name()),
        Kind::Double => "double",
        Kind::Float => "float",
        Kind::Int32 => "int32",
        Kind::Int64 => "int64",
        Kind::Uint32 => "uint32",
        Kind::Uint64 => "uint64",
        Kind::Sint32 => "sint32",
        Kind::Sint64 => "sint64",
        Kind::Fixed32 => "fixed32",
        Kind::Fixed64 => "fixed64",
        Kind::Sfixed32 => "sfixed32",
        Kind::Sfixed64 => "sfixed64",
        Kind::Bool => "bool",
        Kind::String => "string",
        Kind::Bytes => "bytes",
    };
    scalar.to_owned()
}

fn enum_text(values: &EnumDescriptor, indent: &str) -> String {
    let file = values.parent_file_descriptor_proto();
    let mut text = comments(file, values.path(), indent);
    let _ = writeln!(text, "{indent}enum {} {{", values.name());
    for value in values.values() {
        text += &comments(file, value.path(), &format!("{indent}  "));
        let _ = writeln!(text, "{indent}  {} = {};", value.name(), value.number());
    }
    text + indent + "}\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorial_service_and_messages_read_as_proto() {
        let schema = Schema::builtin();
        assert_eq!(
            describe(&schema, "proto.Stream").unwrap(),
            "proto.Stream is a service:\nservice Stream {\n  rpc Conversations ( stream \
             .proto.StreamRequest ) returns ( stream .proto.StreamResponse );\n}\n"
        );
        assert_eq!(
            describe(&schema, "proto.StreamRequest").unwrap(),
            "proto.StreamRequest is a message:\nmessage StreamRequest {\n  string question = \
             1;\n}\n"
        );
        assert!(
            describe(&schema, "proto.Stream.Conversations")
                .unwrap()
                .contains("is a method")
        );
        assert!(describe(&schema, "proto.Nothing").is_err());
    }
}
