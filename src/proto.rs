//! The wire types of `proto/stream.proto`, generated at build time, shared by serve, ask and tests.

tonic::include_proto!("proto");

/// The encoded descriptors of `proto/stream.proto`, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("stream_descriptor");
