//! Sentence and word boundaries of ASCII text, by the default rules of Unicode
//! Standard Annex #29, without general Unicode tables.
//!
//! Nearly every transcript is ASCII, and classifying each character through
//! the full Unicode tables was a third of scoring. For ASCII text this module
//! finds exactly the boundaries `unicode-segmentation` finds (differential
//! tests hold it to that); anything else still goes through that crate.

/// The sentence-break classes ASCII characters fall into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cr,
    Lf,
    Sp,
    Close,
    SContinue,
    ATerm,
    STerm,
    Upper,
    Lower,
    Numeric,
    Other,
}

fn class(byte: u8) -> Class {
    match byte {
        b'\r' => Class::Cr,
        b'\n' => Class::Lf,
        b'\t' | 0x0b | 0x0c | b' ' => Class::Sp,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Class::Close,
        b',' | b'-' | b':' | b';' => Class::SContinue,
        b'.' => Class::ATerm,
        b'!' | b'?' => Class::STerm,
        b'A'..=b'Z' => Class::Upper,
        b'a'..=b'z' => Class::Lower,
        b'0'..=b'9' => Class::Numeric,
        _ => Class::Other,
    }
}

/// Splits ASCII `text` into sentences, each with its byte offset, as
/// `UnicodeSegmentation::split_sentence_bound_indices` does.
pub fn ascii_sentences(text: &str) -> ByteSentences<'_> {
    debug_assert!(text.is_ascii());
    ByteSentences::new(text)
}

/// The sentences of text that is ASCII but perhaps for [`OTHER_SIGNS`], found
/// byte by byte, one at a time: a turn's sentences are read once, in order, and
/// need no list of their own.
pub struct ByteSentences<'a> {
    text: &'a str,
    /// Where the next sentence starts.
    start: usize,
    /// How far the search for its end has gone.
    at: usize,
}

impl<'a> ByteSentences<'a> {
    fn new(text: &'a str) -> ByteSentences<'a> {
        ByteSentences {
            text,
            start: 0,
            at: 0,
        }
    }
}

impl<'a> Iterator for ByteSentences<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.text.as_bytes();
        loop {
            // Only a line break or a terminator can end a sentence: every other
            // byte is passed over in a tight loop, without being classified.
            while self.at < bytes.len() && !MAY_END_SENTENCE[bytes[self.at] as usize] {
                self.at += 1;
            }
            if self.at >= bytes.len() {
                break;
            }
            let end = match bytes[self.at] {
                b'\r' | b'\n' => Some(after_paragraph_separator(bytes, self.at)),
                _ => sentence_end_after_terminator(bytes, self.at),
            };
            match end {
                Some(end) => {
                    self.at = end;
                    if end < bytes.len() {
                        let start = std::mem::replace(&mut self.start, end);
                        return Some((start, &self.text[start..end]));
                    }
                }
                None => self.at += 1,
            }
        }
        // What is left after the last end is the last sentence.
        (self.start < bytes.len()).then(|| {
            let start = std::mem::replace(&mut self.start, bytes.len());
            (start, &self.text[start..])
        })
    }
}

/// Line breaks and terminators, as a table for [`ascii_sentences`]' inner loop.
const MAY_END_SENTENCE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'\r' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'.' as usize] = true;
    table[b'!' as usize] = true;
    table[b'?' as usize] = true;
    table
};

/// Non-ASCII characters that the sentence rules class as Other, as they class
/// `$`: prices in a UK role-play ("£212.40") are the common reason a turn is
/// not ASCII.
const OTHER_SIGNS: [char; 2] = ['£', '€'];

/// Splits `text` as `UnicodeSegmentation::split_sentence_bound_indices` does,
/// when its only non-ASCII characters are [`OTHER_SIGNS`]; `None` for any
/// other text. The rules class the signs as Other, as they class `$`, and the
/// byte pass reads every byte past ASCII as Other: no boundary falls inside or
/// beside a sign that would not fall there for `$`, so the text is split as it
/// is, with no stand-in copy.
pub fn sentences_with_signs(text: &str) -> Option<ByteSentences<'_>> {
    let only_signs = text
        .chars()
        .all(|c| c.is_ascii() || OTHER_SIGNS.contains(&c));
    only_signs.then(|| ByteSentences::new(text))
}

/// The offset after a CR, LF or CR LF at `at`: a paragraph separator always
/// ends a sentence.
fn after_paragraph_separator(bytes: &[u8], at: usize) -> usize {
    if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
        at + 2
    } else {
        at + 1
    }
}

/// Where the sentence ends after the terminator (`.`, `!` or `?`) at `at`, or
/// `None` when the rules say the sentence goes on.
fn sentence_end_after_terminator(bytes: &[u8], at: usize) -> Option<usize> {
    let full_stop = bytes[at] == b'.';
    let next = bytes.get(at + 1).map(|&b| class(b));
    if full_stop {
        // "3.5", and "U.S." or "e.G" style initials, do not end a sentence.
        if next == Some(Class::Numeric) {
            return None;
        }
        let after_letter = at > 0 && matches!(class(bytes[at - 1]), Class::Upper | Class::Lower);
        if after_letter && next == Some(Class::Upper) {
            return None;
        }
    }
    // Closing quotes and brackets, then spaces, belong to the sentence they end.
    let mut end = at + 1;
    while end < bytes.len() && class(bytes[end]) == Class::Close {
        end += 1;
    }
    while end < bytes.len() && class(bytes[end]) == Class::Sp {
        end += 1;
    }
    let Some(&following) = bytes.get(end) else {
        return Some(bytes.len());
    };
    // After a full stop, a lower-case word before any capital, terminator or
    // line break means an abbreviation, not a sentence end ("approx. five").
    if full_stop && lower_case_follows(&bytes[end..]) {
        return None;
    }
    match class(following) {
        Class::SContinue | Class::ATerm | Class::STerm => None,
        Class::Cr | Class::Lf => Some(after_paragraph_separator(bytes, end)),
        _ => Some(end),
    }
}

/// Whether a lower-case letter comes before any capital, terminator or line break.
fn lower_case_follows(ahead: &[u8]) -> bool {
    for &byte in ahead {
        match class(byte) {
            Class::Lower => return true,
            Class::Upper | Class::Cr | Class::Lf | Class::ATerm | Class::STerm => return false,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{ascii_sentences, sentences_with_signs};
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    use super::ascii_words;

    fn reference(text: &str) -> Vec<(usize, &str)> {
        text.split_sentence_bound_indices().collect()
    }

    fn reference_words(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices().collect()
    }

    #[test]
    fn words_agree_with_unicode_segmentation_on_awkward_cases() {
        let cases = [
            "",
            "I can't, won't: it's 3.50 or 1,000;  fine_ok.",
            "a:b a.b a'b 1.2 1,2 1;2 1'2 a.1 1.a _a a_ __ a__1",
            "tabs\tand\r\nlines\x0bvertical  spaces   three",
            "end. 'quoted' \"double\" (paren) e.g. U.S.A",
            "a. .a ..a a.. :a a: 'a a'",
        ];
        for text in cases {
            assert_eq!(
                ascii_words(text).collect::<Vec<_>>(),
                reference_words(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn agrees_with_unicode_segmentation_on_awkward_cases() {
        let cases = [
            "",
            "Hello.",
            "Hello. World",
            "Mr. Smith is here. He waited.",
            "It costs 3.50 today. OK?",
            "The U.S. office called. e.g. this one.",
            "Really?! Yes... no. (Fine.) \"Done.\" Next",
            "Wait - what? , then; this: ok. a",
            "Line one\nLine two\r\nLine three\rend",
            "Stop.\n\nNew paragraph.  \t Two spaces.",
            "approx. five weeks. Then",
            ".leading dot. ?? !x",
            "a.b.C. D .e",
            "end.)  'quote' Next.",
            "trailing spaces.   ",
            "trailing newline.\n",
            "#hash. $5. @you.",
        ];
        for text in cases {
            assert_eq!(
                ascii_sentences(text).collect::<Vec<_>>(),
                reference(text),
                "{text:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn agrees_with_unicode_segmentation(text in "[aZ1 .!?,;:\\-'\"()\\[\\]\\n\\r\\t#]{0,40}") {
            prop_assert_eq!(ascii_sentences(&text).collect::<Vec<_>>(), reference(&text));
        }

        #[test]
        fn agrees_on_any_ascii(text in "[\\x00-\\x7f]{0,60}") {
            prop_assert_eq!(ascii_sentences(&text).collect::<Vec<_>>(), reference(&text));
            prop_assert_eq!(ascii_words(&text).collect::<Vec<_>>(), reference_words(&text));
        }

        #[test]
        fn prices_split_as_unicode_segmentation_splits_them(text in "[aZ1 .!?,'\"()\n£€$]{0,40}") {
            prop_assert_eq!(
                sentences_with_signs(&text).expect("only signs").collect::<Vec<_>>(),
                reference(&text)
            );
        }

        #[test]
        fn words_agree_with_unicode_segmentation(text in "[aZ1_ .',;:\\n\\r\\t\\x0b#]{0,40}") {
            prop_assert_eq!(ascii_words(&text).collect::<Vec<_>>(), reference_words(&text));
        }

        /// The normaliser skips its apostrophe search on the segments said to
        /// be word bytes only.
        #[test]
        fn segments_of_word_bytes_only_are_told(text in "[aZ1_ .',;:#$]{1,40}") {
            let bytes = text.as_bytes();
            let mut start = 0;
            while start < bytes.len() {
                let (end, word_bytes_only) = super::segment_end(bytes, start);
                let expected = bytes[start..end].iter().all(|&b| super::joins_word(b));
                prop_assert_eq!(word_bytes_only, expected, "{:?}", &text[start..end]);
                start = end;
            }
        }
    }
}

/// The word-break classes ASCII characters fall into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordClass {
    Cr,
    Lf,
    Newline,
    Space,
    Letter,
    Numeric,
    /// `:` joins letters only.
    MidLetter,
    /// `.` and `'` join letters, and digits.
    MidNumLet,
    /// `,` and `;` join digits only.
    MidNum,
    /// `_` joins anything alphanumeric.
    ExtendNumLet,
    Other,
}

fn word_class(byte: u8) -> WordClass {
    match byte {
        b'\r' => WordClass::Cr,
        b'\n' => WordClass::Lf,
        0x0b | 0x0c => WordClass::Newline,
        b' ' => WordClass::Space,
        b'A'..=b'Z' | b'a'..=b'z' => WordClass::Letter,
        b'0'..=b'9' => WordClass::Numeric,
        b':' => WordClass::MidLetter,
        b'.' | b'\'' => WordClass::MidNumLet,
        b',' | b';' => WordClass::MidNum,
        b'_' => WordClass::ExtendNumLet,
        _ => WordClass::Other,
    }
}

/// Splits ASCII `text` into word-boundary segments, each with its byte offset,
/// as `UnicodeSegmentation::split_word_bound_indices` does. The normaliser
/// walks segments with [`segment_end`] itself; this is how the tests hold
/// that walk to the crate's.
#[cfg(test)]
pub fn ascii_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    debug_assert!(text.is_ascii());
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let (at, _) = segment_end(bytes, start);
        let word = (start, &text[start..at]);
        start = at;
        Some(word)
    })
}

/// Where the word-boundary segment that starts at `start` ends, and whether
/// it is letters, digits and `_` only: then it holds no apostrophe, and the
/// normaliser need not look for one. Bytes past ASCII read as Other, as `$`
/// does: right for the signs of [`sentences_with_signs`], which the rules
/// class as Other too.
pub(super) fn segment_end(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut at = start + 1;
    let mut word_bytes_only = joins_word(bytes[start]);
    loop {
        // Inside a word, letters, digits and `_` run on: the common case,
        // passed over without classifying bytes by the full rules.
        if joins_word(bytes[at - 1]) {
            while at < bytes.len() && joins_word(bytes[at]) {
                at += 1;
            }
        }
        let Some(&after) = bytes.get(at) else {
            return (at, word_bytes_only);
        };
        let before = bytes[at - 1];
        // A space beside a letter or digit, either way round, is always a
        // boundary (no rule joins them): the next most common case.
        let spaced = |a: u8, b: u8| a == b' ' && b.is_ascii_alphanumeric();
        if spaced(before, after) || spaced(after, before) || word_breaks_before(bytes, at) {
            return (at, word_bytes_only);
        }
        // The segment runs on over `bytes[at]`, which stopped the run of word
        // bytes (or follows a byte that did).
        word_bytes_only = false;
        at += 1;
    }
}

/// Letters, digits and `_`: bytes that a word runs on through. Every word
/// segment starts with one, and every other segment holds none.
pub(super) fn joins_word(byte: u8) -> bool {
    WORD_BYTES[byte as usize]
}

/// [`joins_word`] as a table: one load a byte in the normaliser's inner loops.
const WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_';
        byte += 1;
    }
    table
};

/// Whether a word boundary falls between `bytes[at - 1]` and `bytes[at]`.
fn word_breaks_before(bytes: &[u8], at: usize) -> bool {
    use WordClass::*;
    let class_at = |i: usize| bytes.get(i).map(|&b| word_class(b));
    let before = word_class(bytes[at - 1]);
    let after = word_class(bytes[at]);
    match (before, after) {
        (Cr, Lf) => false,
        (Cr | Lf | Newline, _) | (_, Cr | Lf | Newline) => true,
        (Space, Space) => false,
        // Letters and digits run together, and `_` joins them.
        (Letter | Numeric | ExtendNumLet, Letter | Numeric | ExtendNumLet) => false,
        // "can't", "e.g", "a:b": a joiner between two letters.
        (Letter, MidLetter | MidNumLet) => class_at(at + 1) != Some(Letter),
        (MidLetter | MidNumLet, Letter) => !(at >= 2 && class_at(at - 2) == Some(Letter)),
        // "3.50", "1,000": a joiner between two digits.
        (Numeric, MidNum | MidNumLet) => class_at(at + 1) != Some(Numeric),
        (MidNum | MidNumLet, Numeric) => !(at >= 2 && class_at(at - 2) == Some(Numeric)),
        _ => true,
    }
}
