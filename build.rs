//! Generates the wire types from `proto/` without a system `protoc`: protox parses the proto in
//! pure Rust and hands tonic-prost-build a file descriptor set, which is also kept, encoded, for
//! server reflection. The test service of `tests/interop/proto` is generated too, for
//! `examples/kinds_server.rs` only (the binary never includes it).

use std::{env, error::Error, fs, path::PathBuf};

const PROTO: &str = "proto/stream.proto";
const KINDS: &str = "tests/interop/proto";

fn main() -> Result<(), Box<dyn Error>> {
    // Neither protox nor tonic-prost-build tells cargo what they read.
    println!("cargo:rerun-if-changed={PROTO}");
    println!("cargo:rerun-if-changed={KINDS}");
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
    kinds(&out_dir)
}

/// The test service's server, with tonic's own codec, into `OUT_DIR/kinds/`.
fn kinds(out_dir: &std::path::Path) -> Result<(), Box<dyn Error>> {
    let out = out_dir.join("kinds");
    fs::create_dir_all(&out)?;
    let mut compiler = protox::Compiler::new([KINDS])?;
    compiler.include_imports(true);
    compiler.open_file("kinds.proto")?;
    tonic_prost_build::configure()
        .build_client(false)
        .out_dir(out)
        .compile_fds(compiler.file_descriptor_set())?;
    Ok(())
}
