//! What of a call goes into its recording: the metadata that says something about the call
//! (not the HTTP/2 plumbing, nor the status, which has a line of its own; a bearer token
//! redacted), and the files that define its method's types.

use std::collections::HashSet;

use base64::{
    Engine as _, alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use bytes::Bytes;
use prost::Message as _;
use prost_reflect::{FileDescriptor, MethodDescriptor};
use tonic::codegen::http::HeaderMap;

use super::Metadata;

/// Headers every gRPC call has, or that a replay answers for itself (it sends no compressed
/// message), or that the status line already says.
const LEFT_OUT: [&str; 7] = [
    "content-type",
    "te",
    "grpc-status",
    "grpc-message",
    "grpc-encoding",
    "grpc-accept-encoding",
    "content-length",
];

/// gRPC sends binary values in base64 with or without padding.
const PADDED_OR_NOT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Stands for a secret a recording must not carry.
pub const REDACTED: &str = "REDACTED";

/// The headers as recorded metadata, in order; `-bin` values in base64.
pub fn metadata_of(headers: &HeaderMap) -> Metadata {
    let engine = base64::engine::general_purpose::STANDARD;
    let kept = headers
        .iter()
        .filter(|(name, _)| !LEFT_OUT.contains(&name.as_str()));
    kept.map(|(name, value)| {
        let name = name.as_str().to_owned();
        let text = match () {
            () if name == "authorization" => REDACTED.to_owned(),
            () if name.ends_with("-bin") => match PADDED_OR_NOT.decode(value.as_bytes()) {
                Ok(bytes) => engine.encode(bytes),
                Err(_) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            },
            () => String::from_utf8_lossy(value.as_bytes()).into_owned(),
        };
        (name, text)
    })
    .collect()
}

/// The files that define the method's types, each once, every file after those it imports.
pub fn files_of(method: &MethodDescriptor) -> Vec<Bytes> {
    let mut seen = HashSet::new();
    let mut files = Vec::new();
    add_file(&method.parent_file(), &mut seen, &mut files);
    files
}

fn add_file(file: &FileDescriptor, seen: &mut HashSet<String>, files: &mut Vec<Bytes>) {
    if !seen.insert(file.name().to_owned()) {
        return;
    }
    for dependency in file.dependencies() {
        add_file(&dependency, seen, files);
    }
    files.push(file.file_descriptor_proto().encode_to_vec().into());
}

/// Recorded metadata to send again: each entry that is still valid metadata, `-bin` values
/// decoded from base64.
pub fn metadata_map(metadata: &Metadata) -> tonic::metadata::MetadataMap {
    use tonic::metadata::{
        AsciiMetadataKey, AsciiMetadataValue, BinaryMetadataKey, BinaryMetadataValue,
    };
    let mut map = tonic::metadata::MetadataMap::new();
    for (name, value) in metadata {
        if name.ends_with("-bin") {
            let key = BinaryMetadataKey::from_bytes(name.as_bytes());
            if let (Ok(key), Ok(bytes)) = (key, PADDED_OR_NOT.decode(value)) {
                map.append_bin(key, BinaryMetadataValue::from_bytes(&bytes));
            }
            continue;
        }
        let key = AsciiMetadataKey::from_bytes(name.as_bytes());
        if let (Ok(key), Ok(value)) = (key, AsciiMetadataValue::try_from(value.as_str())) {
            map.append(key, value);
        }
    }
    map
}
