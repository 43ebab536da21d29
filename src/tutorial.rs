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
    const BEFORE: &str = "from stream server answer: the ";
    const BETWEEN: &str = " question is ";
    // Written out by hand: `format!` was a tenth of serve's time on `seq 1000000 | ask`.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut answer = String::with_capacity(BEFORE.len() + 20 + BETWEEN.len() + question.len());
    answer.push_str(BEFORE);
    answer.extend(digits[at..].iter().map(|&digit| char::from(digit)));
    answer.push_str(BETWEEN);
    answer.push_str(question);
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_number_their_questions_in_decimal() {
        for (n, number) in [
            (0, "0"),
            (7, "7"),
            (10, "10"),
            (u64::MAX, "18446744073709551615"),
        ] {
            let expected = format!("from stream server answer: the {number} question is ü q");
            assert_eq!(answer(n, "ü q"), expected);
        }
    }

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
