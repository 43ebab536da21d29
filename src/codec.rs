//! The protobuf codec, with smaller starting buffers than tonic's. Every conversation keeps one
//! encode and one decode buffer for its whole life, and tonic's 8 KiB each would be most of what
//! an idle conversation costs; these start small and grow as messages need.

use std::marker::PhantomData;

use std::sync::Arc;

use prost::bytes::Buf;
use tonic::{
    Status,
    codec::{BufferSettings, Codec, DecodeBuf, Decoder, EncodeBuf, Encoder},
};
use tonic_prost::{ProstCodec, ProstDecoder, ProstEncoder};

use crate::mapping::{Lines, Outgoing, ToLine, ToMessage};

/// Bytes a buffer starts with, and grows by.
const BUFFER: usize = 512;
/// Encoded answers gathered before they are handed to HTTP/2 in one piece: tonic's own figure.
const YIELD_AT: usize = 32 * 1024;

/// Named in build.rs as the codec of the generated client and server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LeanCodec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for LeanCodec<T, U> {
    fn default() -> Self {
        LeanCodec(PhantomData)
    }
}

impl<T, U> Codec for LeanCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = ProstDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstCodec::<T, U>::raw_encoder(settings())
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstCodec::<T, U>::raw_decoder(settings())
    }
}

fn settings() -> BufferSettings {
    BufferSettings::new(BUFFER, YIELD_AT)
}

/// Lines in, lines out, for any method: the mapping encodes each outgoing line straight into
/// the frame and reads each answer straight off it, so no message is built per line (and the
/// tutorial's method costs what its generated code did). Each answer's lines are decoded into
/// `D`: what the receiving side takes them as, so that no stream adapter per answer converts
/// them (one cost 3% of ask's time).
#[derive(Debug)]
pub(crate) struct LineCodec<D = Lines> {
    mapping: Arc<(ToMessage, ToLine)>,
    /// Each answer's bytes are kept beside its lines (`--transcript` records them).
    keep_bytes: bool,
    decoded: PhantomData<fn() -> D>,
}

impl<D> Clone for LineCodec<D> {
    fn clone(&self) -> Self {
        LineCodec {
            mapping: self.mapping.clone(),
            keep_bytes: self.keep_bytes,
            decoded: PhantomData,
        }
    }
}

impl<D> LineCodec<D> {
    pub(crate) fn new(outgoing: ToMessage, incoming: ToLine) -> LineCodec<D> {
        LineCodec {
            mapping: Arc::new((outgoing, incoming)),
            keep_bytes: false,
            decoded: PhantomData,
        }
    }

    /// The same, keeping each answer's bytes.
    pub(crate) fn keeping_bytes(mut self, keep: bool) -> LineCodec<D> {
        self.keep_bytes = keep;
        self
    }
}

/// What an answer is decoded into: its lines, and its bytes when they are kept.
pub(crate) trait FromAnswer {
    fn from_answer(lines: Lines, bytes: Option<bytes::Bytes>) -> Self;
}

impl FromAnswer for Lines {
    fn from_answer(lines: Lines, _: Option<bytes::Bytes>) -> Lines {
        lines
    }
}

impl<D: FromAnswer + Send + 'static> Codec for LineCodec<D> {
    type Encode = Outgoing;
    type Decode = D;
    type Encoder = LineCodec<D>;
    type Decoder = LineCodec<D>;

    fn encoder(&mut self) -> Self::Encoder {
        self.clone()
    }

    fn decoder(&mut self) -> Self::Decoder {
        self.clone()
    }
}

impl<D> Encoder for LineCodec<D> {
    type Item = Outgoing;
    type Error = Status;

    fn encode(&mut self, item: Outgoing, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        self.mapping.0.encode(&item, dst);
        Ok(())
    }

    fn buffer_settings(&self) -> BufferSettings {
        settings()
    }
}

impl<D: FromAnswer> Decoder for LineCodec<D> {
    type Item = D;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<D>, Status> {
        // A frame's bytes are contiguous in tonic's buffer; read them where they lie.
        let len = src.remaining();
        let (line, kept) = match src.chunk().len() >= len {
            true => {
                let bytes = &src.chunk()[..len];
                let kept = self
                    .keep_bytes
                    .then(|| bytes::Bytes::copy_from_slice(bytes));
                (self.mapping.1.decode(bytes), kept)
            }
            false => {
                let bytes = src.copy_to_bytes(len);
                (
                    self.mapping.1.decode(&bytes),
                    self.keep_bytes.then_some(bytes),
                )
            }
        };
        if src.remaining() == len {
            src.advance(len);
        }
        line.map(|lines| Some(D::from_answer(lines, kept)))
            .map_err(Status::internal)
    }

    fn buffer_settings(&self) -> BufferSettings {
        settings()
    }
}

/// Messages as their bytes, untouched: what replay answers with and check sends, whatever the
/// method.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BytesCodec;

impl Codec for BytesCodec {
    type Encode = bytes::Bytes;
    type Decode = bytes::Bytes;
    type Encoder = BytesCodec;
    type Decoder = BytesCodec;

    fn encoder(&mut self) -> Self::Encoder {
        BytesCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        BytesCodec
    }
}

impl Encoder for BytesCodec {
    type Item = bytes::Bytes;
    type Error = Status;

    fn encode(&mut self, item: bytes::Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        bytes::BufMut::put_slice(dst, &item);
        Ok(())
    }
}

impl Decoder for BytesCodec {
    type Item = bytes::Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<bytes::Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}
