//! Generates the wire types from `proto/` without a system `protoc`: protox parses the proto in
//! pure Rust and hands tonic-prost-build a file descriptor set.

use std::error::Error;

const PROTO: &str = "proto/stream.proto";

fn main() -> Result<(), Box<dyn Error>> {
    // Neither protox nor tonic-prost-build tells cargo what they read.
    println!("cargo:rerun-if-changed={PROTO}");
    let descriptors = protox::compile([PROTO], ["proto"])?;
    tonic_prost_build::configure().compile_fds(descriptors)?;
    Ok(())
}
