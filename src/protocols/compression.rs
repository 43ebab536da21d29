//! The compressions a gRPC message may come in (gzip and zstd, tonic's), named by a header, and
//! undone within a size limit: a small bomb must not become a large message.

use std::io::Read as _;

use tonic::codegen::http::HeaderMap;

/// How messages are compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Zstd,
    Other,
}

impl Encoding {
    /// The encoding `header` names (`grpc-encoding`, Connect's `content-encoding` or
    /// `connect-content-encoding`).
    pub fn of(headers: &HeaderMap, header: &str) -> Encoding {
        match headers.get(header).map(|value| value.as_bytes()) {
            None | Some(b"identity") => Encoding::Identity,
            Some(b"gzip") => Encoding::Gzip,
            Some(b"zstd") => Encoding::Zstd,
            Some(_) => Encoding::Other,
        }
    }
}

/// Why a message could not be decompressed.
#[derive(Debug, thiserror::Error)]
pub enum Unpacked {
    #[error("compressed, with no encoding it knows")]
    Unknown,
    #[error("decompressed, over the limit of {0} bytes")]
    TooLarge(usize),
    #[error("does not decompress: {0}")]
    Broken(std::io::Error),
}

/// `bytes` decompressed, at most `limit` bytes of them.
pub fn decompress(encoding: Encoding, bytes: &[u8], limit: usize) -> Result<Vec<u8>, Unpacked> {
    let most = limit as u64 + 1;
    let mut out = Vec::new();
    let read = match encoding {
        Encoding::Gzip => flate2::read::GzDecoder::new(bytes)
            .take(most)
            .read_to_end(&mut out),
        Encoding::Zstd => zstd::stream::read::Decoder::new(bytes)
            .and_then(|decoder| decoder.take(most).read_to_end(&mut out)),
        Encoding::Identity => return Ok(bytes.to_vec()),
        Encoding::Other => return Err(Unpacked::Unknown),
    };
    match read {
        Ok(_) if out.len() > limit => Err(Unpacked::TooLarge(limit)),
        Ok(_) => Ok(out),
        Err(err) => Err(Unpacked::Broken(err)),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn a_message_is_decompressed_within_its_limit_and_no_further() {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gzip.write_all(&[0; 4096]).unwrap();
        let packed = gzip.finish().unwrap();
        assert_eq!(
            decompress(Encoding::Gzip, &packed, 4096).unwrap().len(),
            4096
        );
        assert!(matches!(
            decompress(Encoding::Gzip, &packed, 4095),
            Err(Unpacked::TooLarge(4095))
        ));
        assert!(matches!(
            decompress(Encoding::Gzip, b"not gzip", 10),
            Err(Unpacked::Broken(_))
        ));
        assert!(matches!(
            decompress(Encoding::Other, b"", 10),
            Err(Unpacked::Unknown)
        ));
    }
}
