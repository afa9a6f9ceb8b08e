//! Normalisation of turn text into matchable words, with a map back to the original.
//!
//! Matching runs on a normalised form: lower case, one space between words,
//! punctuation inside a sentence dropped, straight apostrophes, contractions
//! expanded. Every normalised word remembers the span of the original word it came
//! from (in Unicode scalar values), so a match can be quoted exactly.

use super::sentences::{joins_word, segment_end};
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

/// Separates sentences (and turns) in normalised text. Phrases are normalised by the
/// same code, which never emits it inside a phrase, so no phrase matches across it.
pub const SENTENCE_BREAK: &str = "|";

/// The word a bleeped swear word becomes: transcription services print one as a
/// run of underscores (YouTube's captions as `[ __ ]`), and any such run, in a
/// transcript or a phrase, is normalised to this.
pub const BLEEP: &str = "__";

/// One normalised word and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the normalised text.
    pub norm_start: u32,
    /// End of the byte range in the normalised text (exclusive).
    pub norm_end: u32,
    /// Char range in the original turn text (a contraction's parts share one span).
    pub orig_start: u32,
    /// End of the char range in the original turn text (exclusive).
    pub orig_end: u32,
    /// Clauses split at punctuation and at "but": negation never reaches across one.
    pub clause: u32,
    /// Index into the sentence list of the turn this token belongs to.
    pub sentence: u32,
}

/// A sentence of the original text, as a char range, with whether it reads as a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// First char of the sentence in the original turn text.
    pub orig_start: u32,
    /// End of the sentence's char range (exclusive).
    pub orig_end: u32,
    /// Tokens of this sentence are `first_token..end_token` in the owning token list.
    pub first_token: u32,
    /// End of the sentence's tokens (exclusive).
    pub end_token: u32,
    /// Whether the sentence ends with `?`.
    pub ends_with_question_mark: bool,
    /// True when the sentence has no terminal punctuation at all (typical of ASR output).
    pub unpunctuated: bool,
}

/// Appends normalised forms to a shared buffer so a whole transcript becomes one
/// haystack for a single automaton pass.
#[derive(Debug, Default)]
pub struct Normaliser {
    /// The normalised text of every turn pushed so far, one haystack.
    pub text: String,
    /// Every normalised word, in order.
    pub tokens: Vec<Token>,
    /// Every sentence, in order.
    pub sentences: Vec<Sentence>,
    clause: u32,
    /// The turn being pushed with its ASCII letters lower-cased, for the byte
    /// pass to copy words from; kept between turns for its room.
    lowered: String,
}

impl Normaliser {
    /// An empty normaliser.
    pub fn new() -> Self {
        Normaliser {
            text: String::from(" "),
            ..Default::default()
        }
    }

    /// A normaliser with room for about `bytes` of text, so that normalising a
    /// whole transcript does not keep growing its buffers.
    pub fn with_capacity(bytes: usize) -> Self {
        // Normalised text runs a little longer than the original (padding, expanded
        // contractions, sentence breaks); a token is about five bytes of it, less
        // in talk of short words and contractions. Each buffer is allocated at its
        // size once: growing one copies it, and a few bytes of room were dearer
        // than the spare capacity.
        let mut text = String::with_capacity(bytes + bytes / 4 + 16);
        text.push(' ');
        Normaliser {
            text,
            tokens: Vec::with_capacity(bytes / 4 + 8),
            sentences: Vec::with_capacity(bytes / 40 + 8),
            clause: 0,
            lowered: String::new(),
        }
    }

    /// The words of `sentence`, which starts at byte `byte_start` of its turn,
    /// by Unicode word segmentation: `chars_at` turns a byte of the turn into
    /// its char offset.
    fn push_unicode_words(
        &mut self,
        sentence: &str,
        byte_start: usize,
        sentence_index: u32,
        chars_at: &mut impl FnMut(usize) -> u32,
    ) {
        for (word_byte, segment) in sentence.split_word_bound_indices() {
            let start = chars_at(byte_start + word_byte);
            if segment.chars().any(char::is_alphanumeric) {
                let end = start + segment.chars().count() as u32;
                let norm_start = self.text.len();
                self.text.push_str(&fold_word(segment));
                self.push_word(norm_start, start, end, sentence_index, true);
            } else if segment.bytes().all(|b| b == b'_') && !segment.is_empty() {
                self.push_bleep(start, start + segment.len() as u32, sentence_index);
            } else if segment.chars().any(is_clause_punctuation) {
                self.clause += 1;
            }
        }
    }

    /// The words of `sentence`, ASCII but perhaps for [`sentences_with_signs`]'
    /// signs and with its letters already lower-cased, in one pass over its
    /// bytes: a byte that cannot start a word is only looked at for clause
    /// punctuation. Word boundaries are those of `ascii_words`, which case
    /// does not move.
    ///
    /// [`sentences_with_signs`]: super::sentences::sentences_with_signs
    fn push_plain_words(
        &mut self,
        sentence: &str,
        byte_start: usize,
        sentence_index: u32,
        chars_at: &mut impl FnMut(usize) -> u32,
    ) {
        let bytes = sentence.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            if !joins_word(byte) {
                if byte.is_ascii() && is_clause_punctuation(char::from(byte)) {
                    self.clause += 1;
                }
                at += 1;
                continue;
            }
            let (end, word_bytes_only) = segment_end(bytes, at);
            let segment = &sentence[at..end];
            // A word is ASCII, so its chars are its bytes.
            let start = chars_at(byte_start + at);
            let end_char = start + segment.len() as u32;
            if segment.bytes().any(|b| b.is_ascii_alphanumeric()) {
                let norm_start = self.text.len();
                self.text.push_str(segment);
                self.push_word(
                    norm_start,
                    start,
                    end_char,
                    sentence_index,
                    !word_bytes_only,
                );
            } else {
                self.push_bleep(start, end_char, sentence_index);
            }
            at = end;
        }
    }

    /// Transcription services print a bleeped swear word as a run of
    /// underscores ("[ __ ]"): it stays a word, always `__`, so that a phrase
    /// can name it and the words either side of it are not read as adjacent.
    fn push_bleep(&mut self, orig_start: u32, orig_end: u32, sentence_index: u32) {
        let norm_start = self.text.len();
        self.text.push_str(BLEEP);
        self.push_word(norm_start, orig_start, orig_end, sentence_index, false);
    }

    /// Normalises `original` and appends it, closed by a sentence break.
    pub fn push_text(&mut self, original: &str) {
        self.push_text_by(original, Paths::Fastest);
    }

    fn push_text_by(&mut self, original: &str, paths: Paths) {
        // Nearly every turn is ASCII: then a char offset is a byte offset, and
        // no char needs counting or decoding on the way. Most of the rest are
        // ASCII but for a price sign, and take the same byte pass.
        let ascii_turn = paths == Paths::Fastest && original.is_ascii();
        let byte_sentences = match paths {
            Paths::Fastest if ascii_turn => Some(super::sentences::ascii_sentences(original)),
            Paths::Fastest => super::sentences::sentences_with_signs(original),
            Paths::UnicodeOnly => None,
        };
        match byte_sentences {
            Some(sentences) => self.push_sentences(original, sentences, ascii_turn, true, paths),
            None => {
                let sentences = original.split_sentence_bound_indices();
                self.push_sentences(original, sentences, false, false, paths);
            }
        }
    }

    /// Pushes the words of each sentence of `original`, as `sentences` splits it:
    /// by the byte pass when the turn is `plain` (ASCII, or ASCII but for price
    /// signs), otherwise by Unicode segmentation.
    fn push_sentences<'t>(
        &mut self,
        original: &'t str,
        sentences: impl Iterator<Item = (usize, &'t str)>,
        ascii_turn: bool,
        plain_turn: bool,
        paths: Paths,
    ) {
        // The byte pass copies its words from the turn lower-cased in one go:
        // word by word, the lower-casing cost more than the copy (issue 22).
        // Only ASCII letters change, so every byte keeps its place and class.
        let mut lowered = std::mem::take(&mut self.lowered);
        if paths == Paths::Fastest {
            lowered.clear();
            lowered.push_str(original);
            lowered.make_ascii_lowercase();
        }
        let mut byte_to_char = CharCounter::new(original);
        let units = sentences.flat_map(|(byte_start, sentence)| {
            super::speech::units(sentence)
                .map(move |(offset, unit, stop)| (byte_start + offset, unit, stop))
        });
        let mut chars_at = |byte: usize| {
            if ascii_turn {
                byte as u32
            } else {
                byte_to_char.chars_at(byte)
            }
        };
        for (byte_start, sentence, stop) in units {
            let sentence_start = chars_at(byte_start);
            let sentence_index = self.sentences.len() as u32;
            let first_token = self.tokens.len() as u32;
            self.clause += 1;
            let ascii = ascii_turn || sentence.is_ascii();
            if plain_turn || (ascii && paths == Paths::Fastest) {
                let sentence = &lowered[byte_start..byte_start + sentence.len()];
                self.push_plain_words(sentence, byte_start, sentence_index, &mut chars_at);
            } else {
                self.push_unicode_words(sentence, byte_start, sentence_index, &mut chars_at);
            }
            let (orig_start, orig_end) = trimmed_char_span(sentence, sentence_start, ascii);
            self.sentences.push(Sentence {
                orig_start,
                orig_end,
                first_token,
                end_token: self.tokens.len() as u32,
                ends_with_question_mark: matches!(stop, Some('?' | '？' | '¿')),
                unpunctuated: stop.is_none(),
            });
            self.break_sentence();
        }
        self.lowered = lowered;
    }

    /// Makes tokens of the folded word that ends the text, from byte
    /// `norm_start` on, expanding a contraction in place. A word the byte pass
    /// found to be letters and digits only cannot hold an apostrophe, so it is
    /// not searched for one (issue 22).
    fn push_word(
        &mut self,
        norm_start: usize,
        orig_start: u32,
        orig_end: u32,
        sentence: u32,
        may_hold_apostrophe: bool,
    ) {
        let word = &self.text[norm_start..];
        if word == "but" || word == "however" {
            self.clause += 1;
        }
        let token = |text: &String, from: usize, clause: u32| Token {
            norm_start: from as u32,
            norm_end: text.len() as u32,
            orig_start,
            orig_end,
            clause,
            sentence,
        };
        let expansion = if may_hold_apostrophe {
            contraction(word)
        } else {
            unmarked_contraction(word)
        };
        let first_end = match expansion {
            Contraction::None => None,
            Contraction::Stem(stem_len, second) => Some((norm_start + stem_len, None, second)),
            Contraction::Whole(first, second) => Some((norm_start, Some(first), second)),
        };
        match first_end {
            None => {
                let t = token(&self.text, norm_start, self.clause);
                self.tokens.push(t);
                self.text.push(' ');
            }
            Some((cut, replacement, second)) => {
                self.text.truncate(cut);
                if let Some(first) = replacement {
                    self.text.push_str(first);
                }
                let t = token(&self.text, norm_start, self.clause);
                self.tokens.push(t);
                self.text.push(' ');
                let second_start = self.text.len();
                self.text.push_str(second);
                let t = token(&self.text, second_start, self.clause);
                self.tokens.push(t);
                self.text.push(' ');
            }
        }
    }

    fn break_sentence(&mut self) {
        if !self.text.ends_with("| ") {
            self.text.push_str(SENTENCE_BREAK);
            self.text.push(' ');
        }
    }

    /// Ends the current turn: nothing matches across the boundary.
    pub fn end_turn(&mut self) {
        self.break_sentence();
        self.clause += 1;
    }
}

/// Which ways through the normaliser a text may take: every text takes the
/// fastest its characters allow, and tests hold the byte passes for ASCII text
/// to Unicode segmentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paths {
    Fastest,
    #[cfg_attr(not(test), allow(dead_code))]
    UnicodeOnly,
}

/// Normalises a phrase from a rubric into the space-separated form the automaton
/// searches for. Returns `None` when the phrase holds no word.
pub fn normalise_phrase(phrase: &str) -> Option<String> {
    if let Some(fast) = normalise_plain_phrase(phrase) {
        return (!fast.is_empty()).then_some(fast);
    }
    normalise_phrase_fully(phrase)
}

/// The common case of a rubric phrase: ASCII letters, digits, spaces and apostrophes
/// inside words. For these, Unicode word segmentation splits at spaces only, so the
/// words can be folded and expanded directly; compiling a rubric of tens of thousands
/// of forms stays fast. Returns `None` for anything else.
fn normalise_plain_phrase(phrase: &str) -> Option<String> {
    let plain = phrase
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'\'');
    if !plain {
        return None;
    }
    let mut out = String::with_capacity(phrase.len() + 8);
    // One buffer for every word's lower-case form: a rubric has tens of thousands of
    // forms, and an allocation per word was a visible part of compiling one.
    let mut folded = String::new();
    for word in phrase.split_ascii_whitespace() {
        // Word segmentation keeps an apostrophe inside a word only between letters.
        let bytes = word.as_bytes();
        let apostrophe_between_letters = |i: usize| {
            i > 0
                && i + 1 < bytes.len()
                && bytes[i - 1].is_ascii_alphabetic()
                && bytes[i + 1].is_ascii_alphabetic()
        };
        if (0..bytes.len()).any(|i| bytes[i] == b'\'' && !apostrophe_between_letters(i)) {
            return None;
        }
        folded.clear();
        folded.push_str(word);
        folded.make_ascii_lowercase();
        let (first, second) = expand_contraction(&folded);
        for part in std::iter::once(first).chain(second) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part);
        }
    }
    Some(out)
}

/// [`normalise_phrase`] without its ASCII shortcut: the transcript normaliser's
/// words joined by spaces. Public so that tests and fuzzing can hold the shortcut
/// to it.
pub fn normalise_phrase_fully(phrase: &str) -> Option<String> {
    let mut normaliser = Normaliser::new();
    normaliser.push_text(phrase);
    let words: Vec<&str> = normaliser
        .tokens
        .iter()
        .map(|t| &normaliser.text[t.norm_start as usize..t.norm_end as usize])
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

/// The words of a normalised text, for callers that need them one by one.
pub fn token_text<'a>(text: &'a str, token: &Token) -> &'a str {
    &text[token.norm_start as usize..token.norm_end as usize]
}

fn is_clause_punctuation(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '.' | '!' | '?' | '(' | ')' | '"' | '“' | '”' | '–' | '—' | '…'
    )
}

/// The full stop, question or exclamation mark that ends a sentence, looking
/// past closing quotes and brackets, emoticons, emoji and other marks after it
/// ("Is that right?\u{201d}", "Thanks! :)"); `None` when a word or number ends it,
/// as in speech a transcriber left unpunctuated.
pub(super) fn terminal_stop(sentence: &str) -> Option<char> {
    sentence
        .chars()
        .rev()
        .find(|&c| c.is_alphanumeric() || is_stop(c))
        .filter(|&c| is_stop(c))
}

fn is_stop(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '¿')
}

fn trimmed_char_span(sentence: &str, sentence_start: u32, ascii: bool) -> (u32, u32) {
    if ascii {
        let leading = sentence.len() - sentence.trim_start().len();
        if leading == sentence.len() {
            return (sentence_start, sentence_start);
        }
        let end = sentence.trim_end().len();
        return (sentence_start + leading as u32, sentence_start + end as u32);
    }
    let leading = sentence.chars().take_while(|c| c.is_whitespace()).count() as u32;
    let trailing = sentence
        .chars()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count() as u32;
    let total = sentence.chars().count() as u32;
    if leading == total {
        (sentence_start, sentence_start)
    } else {
        (sentence_start + leading, sentence_start + total - trailing)
    }
}

/// Lower-cases a word and straightens its apostrophes.
fn fold_word(word: &str) -> Cow<'_, str> {
    // Most words of a transcript are already lower-case ASCII: no copy for them.
    if word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'\'')
    {
        return Cow::Borrowed(word);
    }
    let mut folded = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '’' | '‘' | '`' | '´' | 'ʼ' | '′' => folded.push('\''),
            _ => folded.extend(c.to_lowercase()),
        }
    }
    Cow::Owned(folded)
}

/// Common English contractions in their expanded form, so a rubric phrase matches
/// either way of saying it. `'s` is only expanded after pronouns and question words,
/// where it cannot be a possessive; `'d` is read as "would", its commoner meaning in
/// service talk.
fn expand_contraction(word: &str) -> (&str, Option<&str>) {
    match contraction(word) {
        Contraction::None => (word, None),
        Contraction::Stem(len, second) => (&word[..len], Some(second)),
        Contraction::Whole(first, second) => (first, Some(second)),
    }
}

/// How a folded word expands, without borrowing it, so that the normaliser can
/// rewrite the word in its own buffer.
enum Contraction {
    /// The word stands as it is.
    None,
    /// The word's first bytes, then this word.
    Stem(usize, &'static str),
    /// These two words instead.
    Whole(&'static str, &'static str),
}

fn contraction(word: &str) -> Contraction {
    // Nearly every word has no apostrophe, and only a few spellings without
    // one expand: those are looked up by first letter, so that most words are
    // turned away by a length or two rather than by comparing every spelling
    // (issue 22).
    if !word.as_bytes().contains(&b'\'') {
        return unmarked_contraction(word);
    }
    let whole: Option<(&'static str, &'static str)> = match word {
        "can't" => Some(("can", "not")),
        "won't" => Some(("will", "not")),
        "shan't" => Some(("shall", "not")),
        "ain't" => Some(("am", "not")),
        "let's" => Some(("let", "us")),
        "i'm" => Some(("i", "am")),
        "y'all" => Some(("you", "all")),
        _ => None,
    };
    if let Some((first, second)) = whole {
        return Contraction::Whole(first, second);
    }
    if let Some(stem) = word.strip_suffix("n't") {
        if !stem.is_empty() {
            return Contraction::Stem(stem.len(), "not");
        }
    }
    const SUFFIXES: [(&str, &str); 4] = [
        ("'re", "are"),
        ("'ve", "have"),
        ("'ll", "will"),
        ("'d", "would"),
    ];
    for (suffix, expansion) in SUFFIXES {
        if let Some(stem) = word.strip_suffix(suffix) {
            if !stem.is_empty() && stem.chars().all(char::is_alphabetic) {
                return Contraction::Stem(stem.len(), expansion);
            }
        }
    }
    if let Some(stem) = word.strip_suffix("'s") {
        // "everything's" and the like are never possessive in speech.
        const IS_BEFORE: [&str; 16] = [
            "it",
            "that",
            "there",
            "here",
            "what",
            "who",
            "where",
            "how",
            "he",
            "she",
            "this",
            "when",
            "everything",
            "nothing",
            "something",
            "anything",
        ];
        if IS_BEFORE.contains(&stem) {
            return Contraction::Stem(stem.len(), "is");
        }
    }
    Contraction::None
}

/// Contractions written without their apostrophe, as people type and speech
/// recognition prints them, and the other words that read as two ("cannot",
/// "gonna").
fn unmarked_contraction(word: &str) -> Contraction {
    // The first letter is matched before the word: most words are turned away
    // by it, and the rest by a length or two.
    let Some(first_letter) = word.as_bytes().first() else {
        return Contraction::None;
    };
    let (first, second) = match (first_letter, word) {
        (b'c', "cannot" | "cant") => ("can", "not"),
        (b'd', "dont") => ("do", "not"),
        (b'd', "doesnt") => ("does", "not"),
        (b'd', "didnt") => ("did", "not"),
        (b'g', "gonna") => ("going", "to"),
        (b'g', "gotta") => ("got", "to"),
        (b'i', "im") => ("i", "am"),
        (b'i', "ive") => ("i", "have"),
        (b'i', "isnt") => ("is", "not"),
        (b't', "thats") => ("that", "is"),
        (b'w', "wasnt") => ("was", "not"),
        (b'w', "wanna") => ("want", "to"),
        (b'y', "youre") => ("you", "are"),
        _ => return Contraction::None,
    };
    Contraction::Whole(first, second)
}

/// Converts byte offsets to char offsets in one forward sweep; offsets asked for
/// must not decrease.
struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: u32,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str) -> Self {
        CharCounter {
            text,
            byte: 0,
            chars: 0,
        }
    }

    fn chars_at(&mut self, byte: usize) -> u32 {
        debug_assert!(byte >= self.byte);
        self.chars += self.text[self.byte..byte].chars().count() as u32;
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(input: &str) -> Vec<String> {
        let mut n = Normaliser::new();
        n.push_text(input);
        n.tokens
            .iter()
            .map(|t| token_text(&n.text, t).to_owned())
            .collect()
    }

    fn slice(text: &str, start: u32, end: u32) -> String {
        text.chars()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect()
    }

    #[test]
    fn normalisation_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("case", "Hello THERE", "hello there"),
            ("curly apostrophe", "I’m sorry", "i am sorry"),
            ("straight apostrophe", "I'm sorry", "i am sorry"),
            ("cannot", "I cannot do that", "i can not do that"),
            ("can't", "I can't do that", "i can not do that"),
            ("can not", "I can not do that", "i can not do that"),
            ("won't", "That won’t happen", "that will not happen"),
            ("n't", "I don't know", "i do not know"),
            ("you're", "You're right", "you are right"),
            ("that's", "That's fine", "that is fine"),
            (
                "everything's",
                "Everything's sorted",
                "everything is sorted",
            ),
            (
                "possessive kept",
                "the customer's order",
                "the customer's order",
            ),
            ("we'll", "We'll sort it", "we will sort it"),
            (
                "commas dropped",
                "Sorry, I understand",
                "sorry i understand",
            ),
            ("dashes split words", "follow-up — today", "follow up today"),
            ("whitespace runs", "a \t\n  b", "a b"),
            ("accents kept", "Zoë’s café", "zoë's café"),
            ("emoji dropped", "thanks 😀 a lot", "thanks a lot"),
            ("numbers kept", "£50 refund", "50 refund"),
            ("gonna", "I'm gonna help", "i am going to help"),
            ("bleep kept as a word", "you [ __ ] idiot", "you __ idiot"),
            ("any run of underscores", "what the ___", "what the __"),
            ("masked letters split", "f***ing", "f ing"),
        ];
        for (name, input, expected) in cases {
            assert_eq!(words(input).join(" "), *expected, "case {name}");
        }
    }

    #[test]
    fn every_whole_word_contraction_expands() {
        let cases = [
            ("can't cannot cant", "can not can not can not"),
            ("won't shan't ain't", "will not shall not am not"),
            ("let's y'all", "let us you all"),
            ("i'm im ive", "i am i am i have"),
            ("dont doesnt didnt", "do not does not did not"),
            ("isnt wasnt", "is not was not"),
            ("youre thats", "you are that is"),
            ("gonna wanna gotta", "going to want to got to"),
            ("cants dont's imo thatss", "cants dont's imo thatss"),
        ];
        for (input, expected) in cases {
            assert_eq!(words(input).join(" "), expected, "{input}");
        }
    }

    /// Tokens with their text and original spans, for comparing the two paths.
    fn tokens_of(input: &str) -> Vec<(String, u32, u32, u32)> {
        let mut n = Normaliser::new();
        n.push_text(input);
        n.tokens
            .iter()
            .map(|t| {
                let word = token_text(&n.text, t).to_owned();
                (
                    word,
                    t.orig_start - n.tokens[0].orig_start,
                    t.orig_end - t.orig_start,
                    t.clause,
                )
            })
            .collect()
    }

    #[test]
    fn the_ascii_path_gives_the_tokens_and_offsets_of_the_unicode_path() {
        // Each ASCII text is normalised on the fast path, and again behind an
        // emoji that forces the Unicode path for the whole turn: the words, the
        // clauses and the char spans (counted from the first word) must agree.
        let texts = [
            "I'm SO sorry, but we can't: it's 3.50 or 1,000; fine_ok.",
            "you [ __ ] idiot, what the ___ is this?",
            "Everything's sorted. We'll call; you're fine! That's it (really).",
            "f***ing ridiculous -- \"quoted\" 'single' x:y e.g. U.S.A",
            "gonna wanna y'all shan't won't cannot ain't let's",
            "  leading and trailing spaces   ",
        ];
        for text in texts {
            let unicode = format!("\u{1F600} {text}");
            assert!(text.is_ascii() && !unicode.is_ascii());
            assert_eq!(tokens_of(text), tokens_of(&unicode), "{text}");
        }
    }

    fn normalised_by(text: &str, paths: Paths) -> (String, Vec<Token>, Vec<Sentence>, u32) {
        let mut n = Normaliser::new();
        n.push_text_by(text, paths);
        n.end_turn();
        (n.text, n.tokens, n.sentences, n.clause)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// Text, tokens, offsets, clauses and sentences of the byte passes are
        /// exactly those of Unicode segmentation, for ASCII text and for ASCII
        /// text with price signs.
        #[test]
        fn the_byte_passes_agree_with_unicode_segmentation(
            text in "[aZq1 .!?,;:\\-'\"()_\n\r\t£€]{0,80}|([a-z]{1,6}[ ,.?]){0,40}"
        ) {
            proptest::prop_assert_eq!(
                normalised_by(&text, Paths::Fastest),
                normalised_by(&text, Paths::UnicodeOnly)
            );
        }
    }

    #[test]
    fn the_byte_passes_agree_on_contractions_and_bleeps() {
        let texts = [
            "I'm SO sorry, but we can't: it's 3.50 or 1,000; fine_ok. £5.50 or €3?",
            "you [ __ ] idiot, what the ___ is this? _a a_ __1",
            "gonna wanna y'all shan't won't cannot ain't let's. Everything's sorted, however.",
            "yeah no i totally get that it's been three weeks and nobody called you back so what i'm going to do is book the engineer for thursday morning can you make sure someone is in",
        ];
        for text in texts {
            assert_eq!(
                normalised_by(text, Paths::Fastest),
                normalised_by(text, Paths::UnicodeOnly),
                "{text}"
            );
        }
    }

    #[test]
    fn mixed_turns_keep_char_offsets_after_non_ascii_text() {
        // Curly quotes, accents and emoji before ASCII sentences: offsets are
        // chars of the original, not bytes.
        let input = "Zoë’s café 😀. I’m sorry. We'll fix it, OK?";
        let mut n = Normaliser::new();
        n.push_text(input);
        let got: Vec<(String, String)> = n
            .tokens
            .iter()
            .map(|t| {
                (
                    token_text(&n.text, t).to_owned(),
                    slice(input, t.orig_start, t.orig_end),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = [
            ("zoë's", "Zoë’s"),
            ("café", "café"),
            ("i", "I’m"),
            ("am", "I’m"),
            ("sorry", "sorry"),
            ("we", "We'll"),
            ("will", "We'll"),
            ("fix", "fix"),
            ("it", "it"),
            ("ok", "OK"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, expected);
        let spans: Vec<String> = n
            .sentences
            .iter()
            .map(|s| slice(input, s.orig_start, s.orig_end))
            .collect();
        assert_eq!(
            spans,
            vec!["Zoë’s café 😀.", "I’m sorry.", "We'll fix it, OK?"]
        );
    }

    #[test]
    fn sentences_are_separated_in_normalised_text() {
        let mut n = Normaliser::new();
        n.push_text("Thank you. For calling!");
        assert_eq!(n.text, " thank you | for calling | ");
        assert_eq!(n.sentences.len(), 2);
    }

    #[test]
    fn token_offsets_slice_the_original_word() {
        let cases: &[(&str, &[&str])] = &[
            ("I’m so sorry 😀 Zoë", &["I’m", "I’m", "so", "sorry", "Zoë"]),
            (
                "e\u{301}te\u{301} déjà vu",
                &["e\u{301}te\u{301}", "déjà", "vu"],
            ),
            ("👍🏽 “quoted” word", &["quoted", "word"]),
        ];
        for (input, expected) in cases {
            let mut n = Normaliser::new();
            n.push_text(input);
            let got: Vec<String> = n
                .tokens
                .iter()
                .map(|t| slice(input, t.orig_start, t.orig_end))
                .collect();
            assert_eq!(&got, expected, "input {input}");
        }
    }

    #[test]
    fn clauses_split_at_commas_and_but() {
        let mut n = Normaliser::new();
        n.push_text("No, sorry but not here");
        let clauses: Vec<u32> = n.tokens.iter().map(|t| t.clause).collect();
        assert!(clauses[0] < clauses[1], "comma splits");
        assert!(clauses[1] < clauses[2], "but splits");
        assert_eq!(clauses[3], clauses[4]);
    }

    #[test]
    fn question_sentences_are_recognised() {
        let mut n = Normaliser::new();
        n.push_text("Right. Could you tell me more? what happened then");
        let flags: Vec<(bool, bool)> = n
            .sentences
            .iter()
            .map(|s| (s.ends_with_question_mark, s.unpunctuated))
            .collect();
        assert_eq!(flags, vec![(false, false), (true, false), (false, true)]);
    }

    #[test]
    fn a_stop_is_found_past_closing_marks_and_emoticons() {
        let cases = [
            ("Is that right?\u{201d}", Some('?')),
            ("Really? :)", Some('?')),
            ("Thanks! \u{1f600}", Some('!')),
            ("He said \"fine.\"", Some('.')),
            ("ok :(", None),
            ("call me at 3:30", None),
            ("that's it then", None),
        ];
        for (sentence, stop) in cases {
            assert_eq!(terminal_stop(sentence), stop, "{sentence}");
        }
    }

    #[test]
    fn sentence_spans_are_trimmed() {
        let input = "  Hello there.  How are you?  ";
        let mut n = Normaliser::new();
        n.push_text(input);
        let spans: Vec<String> = n
            .sentences
            .iter()
            .map(|s| slice(input, s.orig_start, s.orig_end))
            .collect();
        assert_eq!(spans, vec!["Hello there.", "How are you?"]);
    }

    #[test]
    fn the_plain_phrase_shortcut_agrees_with_full_normalisation() {
        let phrases = [
            "I'm really sorry",
            "can't",
            "CANNOT do that",
            "it's 5 o'clock",
            "we'll  sort   it",
            "don't you worry",
            "the customer's order",
            "rock'n'roll",
            "gonna",
            "y'all",
            "shan't won't",
        ];
        for phrase in phrases {
            assert_eq!(
                normalise_plain_phrase(phrase),
                normalise_phrase_fully(phrase),
                "{phrase}"
            );
        }
        assert_eq!(normalise_plain_phrase("'quoted'"), None);
        assert_eq!(normalise_plain_phrase("sorry, I"), None);
    }

    #[test]
    fn phrases_normalise_like_transcripts() {
        assert_eq!(normalise_phrase("I can't"), Some("i can not".into()));
        assert_eq!(normalise_phrase("  --  "), None);
    }
}
