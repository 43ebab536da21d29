//! Generates the wire types from `proto/` without a system `protoc`: protox parses the proto in
//! pure Rust and hands tonic-prost-build a file descriptor set, which is also kept, encoded, for
//! server reflection.

use std::{env, error::Error, fs, path::PathBuf};

const PROTO: &str = "proto/stream.proto";

fn main() -> Result<(), Box<dyn Error>> {
    // Neither protox nor tonic-prost-build tells cargo what they read.
    println!("cargo:rerun-if-changed={PROTO}");
    let mut compiler = protox::Compiler::new(["proto"])?;
    compiler.include_source_info(true);
    compiler.open_file(PROTO)?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out_dir.join("stream_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;
    tonic_prost_build::configure()
        .codec_path("crate::codec::LeanCodec")
        .compile_fds(compiler.file_descriptor_set())?;
    Ok(())
}
