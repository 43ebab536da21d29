//! The contract of the classic Go tutorial, which both sides keep and the wire must never break:
//! its method, known without reflection and called when no `--method` is given, and the answer
//! its echo server gives (serve answers with it; bench's `--check` expects it). It depends on
//! nothing, so that every room may name it.

/// The tutorial's service and method, and the two as a path.
pub const SERVICE: &str = "proto.Stream";
pub const CONVERSATIONS: &str = "Conversations";
pub const METHOD: &str = "proto.Stream/Conversations";

/// The answer to the `n`-th question of a conversation (n counting from 1 in each).
pub fn answer(n: u64, question: &str) -> String {
    format!("from stream server answer: the {n} question is {question}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_is_the_service_and_the_method() {
        assert_eq!(METHOD, format!("{SERVICE}/{CONVERSATIONS}"));
    }

    #[test]
    fn the_answer_is_the_tutorials_to_the_letter() {
        assert_eq!(
            answer(2, "why?"),
            "from stream server answer: the 2 question is why?"
        );
    }
}
