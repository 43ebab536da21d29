//! The wire types of `proto/stream.proto`, generated at build time, shared by serve, ask and tests.

tonic::include_proto!("proto");
