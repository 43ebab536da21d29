//! Random input for what parses user input: no input panics, and every valid input means what
//! it says. (grpc-timeout values and durations are checked beside their private parsers.)

use std::{io::Read, str::FromStr};

use futures_util::StreamExt;
use grpc_convo::{
    addr::Addr,
    client::{
        Framing,
        input::{self, Reading, Source},
    },
    mapping::Outgoing,
    net::headers::Header,
    proto::StreamRequest,
};
use proptest::prelude::*;
use prost::Message;
use tonic::metadata::MetadataMap;

proptest! {
    #[test]
    fn any_address_text_parses_or_is_refused_without_panic(text in any::<String>()) {
        let _ = Addr::from_str(&text);
    }

    #[test]
    fn valid_addresses_round_trip_through_their_display(
        host in "[a-z0-9.-]{0,20}",
        v6 in any::<std::net::Ipv6Addr>(),
        port in any::<u16>(),
        path in "/[a-z0-9/._-]{1,30}",
    ) {
        for text in [format!("{host}:{port}"), format!("[{v6}]:{port}"), format!("unix:{path}")] {
            let addr = Addr::from_str(&text).unwrap();
            prop_assert_eq!(Addr::from_str(&addr.to_string()).unwrap(), addr);
        }
    }

    #[test]
    fn any_header_text_parses_or_is_refused_without_panic(text in any::<String>()) {
        if let Ok(header) = Header::from_str(&text) {
            header.insert_into(&mut MetadataMap::new());
        }
    }

    #[test]
    fn valid_headers_reach_the_metadata_as_given(
        name in "x-[a-z0-9_.-]{1,20}",
        value in "[!-~]([ -~]{0,40}[!-~])?",
    ) {
        let header = Header::from_str(&format!("{}: {value}", name.to_uppercase())).unwrap();
        let mut metadata = MetadataMap::new();
        header.insert_into(&mut metadata);
        prop_assert_eq!(metadata.get(&name).unwrap().to_str().unwrap(), value);
    }

    #[test]
    fn lines_read_at_any_boundaries_are_the_questions_written(
        lines in proptest::collection::vec("[^\n\r\0]{0,30}", 0..20),
        crlf in any::<bool>(),
        cuts in proptest::collection::vec(1usize..40, 1..10),
    ) {
        let ending = if crlf { "\r\n" } else { "\n" };
        let text: String = lines.iter().map(|line| format!("{line}{ending}")).collect();
        let got = read_questions(text.into_bytes(), cuts, Framing::default());
        prop_assert_eq!(got, Ok(lines));
    }

    #[test]
    fn nul_records_read_at_any_boundaries_are_the_questions_written(
        records in proptest::collection::vec("[^\0]{0,30}", 0..20),
        cuts in proptest::collection::vec(1usize..40, 1..10),
    ) {
        let text: String = records.iter().map(|record| format!("{record}\0")).collect();
        let format = Framing { json: false, separator: b'\0' };
        let got = read_questions(text.into_bytes(), cuts, format);
        prop_assert_eq!(got, Ok(records));
    }

    #[test]
    fn json_lines_read_at_any_boundaries_are_the_questions_written(
        questions in proptest::collection::vec(any::<String>(), 0..10),
        cuts in proptest::collection::vec(1usize..40, 1..10),
    ) {
        let text: String = questions
            .iter()
            .map(|question| format!("{}\n", serde_json::json!({ "question": question })))
            .collect();
        let format = Framing { json: true, separator: b'\n' };
        let got = read_questions(text.into_bytes(), cuts, format);
        prop_assert_eq!(got, Ok(questions));
    }

    #[test]
    fn any_bytes_in_any_format_are_questions_or_one_refusal(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        cuts in proptest::collection::vec(1usize..40, 1..10),
        json in any::<bool>(),
        nul in any::<bool>(),
    ) {
        let format = Framing { json, separator: if nul { b'\0' } else { b'\n' } };
        let _ = read_questions(bytes, cuts, format);
    }
}

/// The questions `bytes` make when read in chunks of the sizes in `cuts` (cycled), or the
/// refusal's message.
fn read_questions(
    bytes: Vec<u8>,
    cuts: Vec<usize>,
    format: Framing,
) -> Result<Vec<String>, String> {
    let reader = Chunked {
        bytes,
        at: 0,
        cuts,
        turn: 0,
    };
    let source = Source::Stream(Box::new(reader));
    let input = input::questions(source, Reading::tutorial(format, 4 * 1024 * 1024), false);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let questions: Vec<String> =
        runtime.block_on(input.questions.map(question_of).collect::<Vec<_>>());
    match input.refusal.take() {
        Some(refusal) => Err(format!("{refusal:#}")),
        None => Ok(questions),
    }
}

/// The question text a request carries.
fn question_of(outgoing: Outgoing) -> String {
    match outgoing {
        Outgoing::Line(line) => String::from_utf8(line.to_vec()).unwrap(),
        Outgoing::Message(message) => StreamRequest::decode(message).unwrap().question,
        Outgoing::Encoded(encoded) => StreamRequest::decode(encoded.message).unwrap().question,
    }
}

/// A reader that hands its bytes over in chunks of the given sizes, as pipes and sockets do.
struct Chunked {
    bytes: Vec<u8>,
    at: usize,
    cuts: Vec<usize>,
    turn: usize,
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let cut = self.cuts[self.turn % self.cuts.len()];
        self.turn += 1;
        let n = cut.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// kv.proto's messages, for the plain-lines properties.
fn kv_message(name: &str) -> prost_reflect::MessageDescriptor {
    let files = grpc_convo::schema::SchemaFiles {
        protos: vec![concat!(env!("CARGO_MANIFEST_DIR"), "/examples/kv.proto").into()],
        ..Default::default()
    };
    let schema =
        grpc_convo::schema::Schema::from_files(&files, grpc_convo::schema::Tutorial::Apart)
            .unwrap();
    schema.pool().get_message_by_name(name).unwrap()
}

/// `line` through the fields `fields` of `message` and back out of them, as ask writes a
/// request and serve's process reads it.
fn through_fields(message: &str, fields: &[&str], line: &[u8]) -> Result<Vec<u8>, String> {
    use grpc_convo::mapping::{self, MappingArgs};
    let names: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
    let args = MappingArgs {
        fields: names.clone(),
        answer_fields: names,
        ..MappingArgs::default()
    };
    let message = kv_message(message);
    let fill = mapping::to_message(&message, &args).map_err(|e| e.to_string())?;
    let read = mapping::to_line(&message, &args).map_err(|e| e.to_string())?;
    let (outgoing, _) = fill.request(line, false)?;
    let mut encoded = Vec::new();
    fill.encode(&outgoing, &mut encoded);
    let lines = read.decode(&encoded)?;
    Ok(lines.first().unwrap_or_default().to_vec())
}

proptest! {
    #[test]
    fn a_line_split_into_fields_and_joined_again_is_the_same_line(
        key in proptest::collection::vec(any::<u8>().prop_filter("no tab or newline", |b| *b != b'\t' && *b != b'\n'), 0..40),
        value in proptest::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 0..80),
        lease in any::<i64>(),
    ) {
        // A bytes field carries every byte value but the separator and the newline, unchanged;
        // the last field takes the rest of the line, tabs and all.
        let line = [&key[..], b"\t", lease.to_string().as_bytes(), b"\t", &value[..]].concat();
        let back = through_fields("store.PutRequest", &["key", "lease", "value"], &line);
        prop_assert_eq!(back.unwrap(), line);
    }

    #[test]
    fn any_line_into_a_typed_field_is_filled_or_refused_without_panic(
        line in proptest::collection::vec(any::<u8>(), 0..60),
    ) {
        let _ = through_fields("store.LeaseRequest", &["ttl"], &line);
        let _ = through_fields("store.RangeResponse", &["kvs.key", "count", "header.revision"], &line);
    }
}
