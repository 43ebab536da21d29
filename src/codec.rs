//! The protobuf codec, with smaller starting buffers than tonic's. Every conversation keeps one
//! encode and one decode buffer for its whole life, and tonic's 8 KiB each would be most of what
//! an idle conversation costs; these start small and grow as messages need.

use std::marker::PhantomData;

use tonic::codec::{BufferSettings, Codec};
use tonic_prost::{ProstCodec, ProstDecoder, ProstEncoder};

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
        ProstCodec::<T, U>::raw_encoder(BufferSettings::new(BUFFER, YIELD_AT))
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstCodec::<T, U>::raw_decoder(BufferSettings::new(BUFFER, YIELD_AT))
    }
}
