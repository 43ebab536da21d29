//! Where a call answered otherwise than its recording: the first answer that differs (named by
//! the question it followed), a missing or extra answer, the status, and with
//! `--check-metadata` the headers and trailers.

use prost_reflect::MessageDescriptor;

use crate::{
    error::code_name,
    recording::{self, Matcher, Metadata, Recording, Side, What},
};

/// The differences, a line each (`-` recorded, `+` received); empty when there are none.
pub(super) fn diff(
    recorded: &Recording,
    received: &Recording,
    matcher: &Matcher,
    metadata: bool,
) -> Vec<String> {
    let mut lines = answers(recorded, received, matcher);
    let status = |recording: &Recording| {
        let status = &recording.status;
        format!("{} {:?}", code_name(status.code), status.message)
    };
    if recorded.status.code != received.status.code
        || recorded.status.message != received.status.message
    {
        lines.push("status:".into());
        lines.push(format!("- {}", status(recorded)));
        lines.push(format!("+ {}", status(received)));
    }
    if metadata {
        compare_metadata(
            "headers",
            recorded.headers(),
            received.headers(),
            &mut lines,
        );
        compare_metadata(
            "trailers",
            recorded.trailers(),
            received.trailers(),
            &mut lines,
        );
    }
    lines
}

/// The first answer that differs, or is missing, or the answers past those recorded.
fn answers(recorded: &Recording, received: &Recording, matcher: &Matcher) -> Vec<String> {
    let types = recorded.method_descriptor();
    let answer_type = types.as_ref().map(|method| Side::Answer.of(method));
    let question_type = types.as_ref().map(|method| Side::Question.of(method));
    let shown = |bytes: &[u8]| recording::shown(bytes, answer_type.as_ref()).to_string();
    let ours: Vec<_> = received.answers().collect();
    for (index, theirs) in recorded.answers().enumerate() {
        let after = match question_before(recorded, index, &question_type) {
            Some((number, question)) => format!("after question {number} {question}"),
            None => "before any question".to_owned(),
        };
        return match ours.get(index) {
            Some(ours) if matcher.same(theirs, ours, answer_type.as_ref()) => continue,
            Some(ours) => vec![
                format!("answer {}, {after}:", index + 1),
                format!("- {}", shown(theirs)),
                format!("+ {}", shown(ours)),
            ],
            None => vec![
                format!("answer {}, {after}: missing", index + 1),
                format!("- {}", shown(theirs)),
            ],
        };
    }
    let recorded = recorded.answers().count();
    match ours.get(recorded) {
        Some(first) => vec![
            format!(
                "{} answers more than recorded, the first:",
                ours.len() - recorded
            ),
            format!("+ {}", shown(first)),
        ],
        None => Vec::new(),
    }
}

/// The question (numbered from 1, shown) the `index`-th answer followed in the recording.
fn question_before(
    recording: &Recording,
    index: usize,
    message: &Option<MessageDescriptor>,
) -> Option<(usize, String)> {
    let (mut answers, mut questions, mut last) = (0, 0, None);
    for event in &recording.events {
        match &event.what {
            What::Question(bytes) => {
                questions += 1;
                last = Some(bytes);
            }
            What::Answer(_) if answers == index => break,
            What::Answer(_) => answers += 1,
            _ => {}
        }
    }
    let shown = recording::shown(last?, message.as_ref()).to_string();
    Some((questions, shown))
}

fn compare_metadata(
    part: &str,
    recorded: Option<&Metadata>,
    received: Option<&Metadata>,
    lines: &mut Vec<String>,
) {
    let sorted = |metadata: Option<&Metadata>| {
        let mut entries = metadata.cloned().unwrap_or_default();
        entries.sort();
        entries
    };
    let (recorded, received) = (sorted(recorded), sorted(received));
    if recorded == received {
        return;
    }
    let shown = |entries: &Metadata| {
        let entries: Vec<String> = entries.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        format!("{{{}}}", entries.join(", "))
    };
    lines.push(format!("{part}:"));
    lines.push(format!("- {}", shown(&recorded)));
    lines.push(format!("+ {}", shown(&received)));
}
