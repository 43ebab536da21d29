//! The tutorial server's answer, and the default responder.

use futures_util::StreamExt;

use super::{AnswerStream, Conversation, QuestionStream, Responder};
use crate::tutorial;

/// The tutorial server: its answer to each question, in order.
#[derive(Clone, Copy, Debug, Default)]
pub struct Echo;

impl Responder for Echo {
    fn respond(&self, _: &Conversation, questions: QuestionStream) -> AnswerStream {
        // Answers are produced only as the wire asks for them, so a client that stops reading
        // stops this stream from reading its questions: flow control does the rest.
        questions
            .zip(futures_util::stream::iter(1u64..))
            .map(|(question, n)| question.map(|q| tutorial::answer(n, &q)))
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;
    use tonic::{Status, metadata::MetadataMap};

    fn conversation() -> Conversation {
        Conversation {
            id: 1,
            peer: "test".into(),
            method: "proto.Stream/Conversations".into(),
            metadata: MetadataMap::new(),
            hold: Default::default(),
        }
    }

    #[tokio::test]
    async fn echo_numbers_questions_from_one() {
        let questions = stream::iter(["a", "", "ü"].map(|q| Ok(q.to_owned()))).boxed();
        let answers: Vec<_> = Echo.respond(&conversation(), questions).collect().await;
        let answers: Vec<_> = answers.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            answers,
            [
                "from stream server answer: the 1 question is a",
                "from stream server answer: the 2 question is ",
                "from stream server answer: the 3 question is ü",
            ]
        );
    }

    #[tokio::test]
    async fn echo_passes_a_broken_question_stream_on_as_its_status() {
        let questions = stream::iter([Ok("a".to_owned()), Err(Status::cancelled("gone"))]).boxed();
        let answers: Vec<_> = Echo.respond(&conversation(), questions).collect().await;
        assert!(answers[0].is_ok());
        assert_eq!(
            answers[1].as_ref().unwrap_err().code(),
            tonic::Code::Cancelled
        );
    }
}
