//! Whether a sentence is put as a question: a question mark, or, in speech a
//! transcriber left unpunctuated, the words it opens with. Question typing and
//! lexicons that count only in statements read the same answer.

use super::text::{token_text, Normaliser, Sentence};

/// Words that open a question when a transcriber left out the question mark.
const QUESTION_OPENERS: [&str; 23] = [
    "what", "how", "why", "when", "where", "which", "who", "whose", "could", "can", "would",
    "will", "do", "does", "did", "is", "are", "was", "were", "have", "has", "shall", "should",
];
/// Words that may stand before the opener of an unpunctuated question, as in
/// "so how long has it been" or "hi how are you".
const QUESTION_PREFACES: [&str; 14] = [
    "so", "and", "but", "okay", "ok", "well", "oh", "right", "then", "hi", "hello", "hey", "also",
    "now",
];

/// Whether the word at `token` is one a question opens with ("can", "what").
pub(crate) fn opens_question(norm: &Normaliser, token: u32) -> bool {
    QUESTION_OPENERS.contains(&token_text(&norm.text, &norm.tokens[token as usize]))
}

/// A sentence ending with `?`, or an unpunctuated one opening like a question.
pub(crate) fn is_question(norm: &Normaliser, sentence: &Sentence) -> bool {
    if sentence.ends_with_question_mark {
        return true;
    }
    if !sentence.unpunctuated || sentence.first_token >= sentence.end_token {
        return false;
    }
    let word = |t: u32| token_text(&norm.text, &norm.tokens[t as usize]);
    let first = word(sentence.first_token);
    QUESTION_OPENERS.contains(&first)
        || (QUESTION_PREFACES.contains(&first)
            && sentence.first_token + 1 < sentence.end_token
            && QUESTION_OPENERS.contains(&word(sentence.first_token + 1)))
}
