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
    decoded: PhantomData<fn() -> D>,
}

impl<D> Clone for LineCodec<D> {
    fn clone(&self) -> Self {
        LineCodec {
            mapping: self.mapping.clone(),
            decoded: PhantomData,
        }
    }
}

impl<D> LineCodec<D> {
    pub(crate) fn new(outgoing: ToMessage, incoming: ToLine) -> LineCodec<D> {
        LineCodec {
            mapping: Arc::new((outgoing, incoming)),
            decoded: PhantomData,
        }
    }
}

impl<D: From<Lines> + Send + 'static> Codec for LineCodec<D> {
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

impl<D: From<Lines>> Decoder for LineCodec<D> {
    type Item = D;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<D>, Status> {
        // A frame's bytes are contiguous in tonic's buffer; read them where they lie.
        let len = src.remaining();
        let line = match src.chunk().len() >= len {
            true => self.mapping.1.decode(&src.chunk()[..len]),
            false => self.mapping.1.decode(&src.copy_to_bytes(len)),
        };
        if src.remaining() == len {
            src.advance(len);
        }
        line.map(|lines| Some(D::from(lines)))
            .map_err(Status::internal)
    }

    fn buffer_settings(&self) -> BufferSettings {
        settings()
    }
}
