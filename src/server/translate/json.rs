//! A message between protobuf JSON (Connect's `+json`) and its encoding, by its descriptor.

use prost::Message as _;
use prost_reflect::{DynamicMessage, MessageDescriptor, SerializeOptions};
use tonic::Status;

/// The JSON of a `message`, encoded; INVALID_ARGUMENT naming the type when it is not one.
pub(super) fn to_proto(json: &[u8], message: &MessageDescriptor) -> Result<Vec<u8>, Status> {
    let mut reader = serde_json::Deserializer::from_slice(json);
    let decoded = DynamicMessage::deserialize(message.clone(), &mut reader)
        .and_then(|decoded| reader.end().map(|()| decoded))
        .map_err(|err| {
            Status::invalid_argument(format!("the JSON is not a {}: {err}", message.full_name()))
        })?;
    Ok(decoded.encode_to_vec())
}

/// An encoded `message` as protobuf JSON (lowerCamelCase names, 64-bit integers as strings).
pub(super) fn to_json(bytes: &[u8], message: &MessageDescriptor) -> Result<Vec<u8>, Status> {
    let decoded = DynamicMessage::decode(message.clone(), bytes).map_err(|err| {
        Status::internal(format!(
            "the answer is not a {}: {err}",
            message.full_name()
        ))
    })?;
    let mut out = serde_json::Serializer::new(Vec::new());
    decoded
        .serialize_with_options(&mut out, &SerializeOptions::new())
        .map_err(|err| Status::internal(format!("the answer as JSON: {err}")))?;
    Ok(out.into_inner())
}
