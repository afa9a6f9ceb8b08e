//! Content words: stop-word removal and stemming for paraphrase overlap.

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Talk that carries no content in a service conversation, on top of the NLTK list:
/// back-channels, politeness and hedges would otherwise make every reply look like
/// a restatement.
const CONVERSATIONAL_FILLER: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "no",
    "nope",
    "okay",
    "ok",
    "right",
    "well",
    "um",
    "uh",
    "er",
    "erm",
    "hmm",
    "mm",
    "oh",
    "ah",
    "please",
    "thank",
    "thanks",
    "sorry",
    "just",
    "really",
    "like",
    "get",
    "got",
    "know",
    "think",
    "mean",
    "see",
    "sure",
    "would",
    "could",
    "also",
    "actually",
    "basically",
    "hi",
    "hello",
    "hey",
    "say",
    "said",
    "tell",
    "told",
    "go",
    "going",
    "want",
    "let",
    "us",
    "one",
    "bit",
    "lot",
    "thing",
    "things",
    "something",
    "anything",
    "everything",
    "kind",
    "sort",
    "way",
    "still",
    "even",
    "much",
    "many",
    "make",
    "made",
    "take",
    "need",
    "understand",
    "feel",
    "madam",
    "sir",
];

fn stop_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: HashSet<&'static str> = stop_words::lookup("en")
            .unwrap_or(&[])
            .iter()
            .copied()
            .collect();
        words.extend(CONVERSATIONAL_FILLER.iter().copied());
        words
    })
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The stem of a normalised word, or `None` for a stop word or a lone character.
pub fn content_stem(word: &str) -> Option<String> {
    if word.chars().count() < 2 || stop_words().contains(word) {
        return None;
    }
    // The stemmer rewrites letters and apostrophes only, so a number, a price or
    // an account number is its own stem; role-plays are full of them, and the
    // stemmer takes thousands of instructions to give one back unchanged.
    if word
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Some(word.to_owned());
    }
    Some(stemmer().stem(word).into_owned())
}

/// A word of at most seven bytes as one number, distinct for distinct words:
/// its length, then its bytes. `None` for a longer word.
pub fn short_word_key(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    // The length leads, so words of different lengths differ in their highest
    // byte, and words of one length differ in their bytes.
    (bytes.len() < 8).then(|| {
        bytes
            .iter()
            .fold(bytes.len() as u64, |key, &b| key << 8 | u64::from(b))
    })
}

/// The stems of a rubric's own words, worked out when it compiles. Transcripts
/// are about what the rubric is about, so most of their content words are found
/// here and the snowball stemmer (thousands of instructions a word) is spared.
/// It holds rubric words only: a cache of transcript words would keep personal
/// data beyond the request.
#[derive(Debug, Clone, Default)]
pub struct StemTable {
    /// A word's stem number, or `None` for a stop word.
    by_word: HashMap<Box<str>, Option<u32>>,
    by_stem: HashMap<Box<str>, u32>,
}

impl StemTable {
    pub fn from_words<'w>(words: impl IntoIterator<Item = &'w str>) -> StemTable {
        // Distinct words in first-seen order, stemmed on every core (the snowball
        // stemmer is the cost), then numbered in that order as a single pass would.
        let mut seen = HashSet::default();
        let distinct: Vec<&str> = words.into_iter().filter(|w| seen.insert(*w)).collect();
        let stems: Vec<Option<String>> = distinct.par_iter().map(|w| content_stem(w)).collect();
        let mut table = StemTable::default();
        table.by_word.reserve(distinct.len());
        for (word, stem) in distinct.into_iter().zip(stems) {
            let stem = stem.map(|stem| {
                let next = table.by_stem.len() as u32;
                *table.by_stem.entry(stem.into_boxed_str()).or_insert(next)
            });
            table.by_word.insert(word.into(), stem);
        }
        table
    }

    /// `Some(stem number or None)` when `word` is one of the rubric's words.
    pub fn word(&self, word: &str) -> Option<Option<u32>> {
        self.by_word.get(word).copied()
    }

    /// The number of `stem`, when a rubric word has that stem.
    pub fn stem(&self, stem: &str) -> Option<u32> {
        self.by_stem.get(stem).copied()
    }

    /// Stems are numbered `0..stems()`.
    pub fn stems(&self) -> u32 {
        self.by_stem.len() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::{content_stem, short_word_key, StemTable};

    #[test]
    fn a_stem_table_numbers_shared_stems_once() {
        let table = StemTable::from_words(["refunds", "the", "refund", "delivered"]);
        assert_eq!(table.stems(), 2);
        assert_eq!(table.word("the"), Some(None));
        assert_eq!(table.word("refunds"), table.word("refund"));
        assert_eq!(table.stem("refund"), table.word("refund").flatten());
        assert_eq!(table.word("parcel"), None);
        assert_eq!(table.stem("deliv"), table.word("delivered").flatten());
    }

    #[test]
    fn stop_words_and_fillers_have_no_stem() {
        for word in ["the", "and", "yeah", "okay", "i", "sorry", "a"] {
            assert_eq!(content_stem(word), None, "{word}");
        }
    }

    proptest::proptest! {
        /// Words of up to seven bytes have keys, and are told apart by them.
        #[test]
        fn short_word_keys_are_distinct(
            a in "[a-z0-9'_\\x00\\u{e9}]{0,8}",
            b in "[a-z0-9'_\\x00\\u{e9}]{0,8}",
        ) {
            proptest::prop_assert_eq!(short_word_key(&a).is_some(), a.len() < 8);
            if let (Some(x), Some(y)) = (short_word_key(&a), short_word_key(&b)) {
                proptest::prop_assert_eq!(x == y, a == b);
            }
        }

        /// The stemmer leaves numbers as they are, so they skip it.
        #[test]
        fn numbers_are_their_own_stems(number in "[0-9][0-9.,]{1,12}") {
            let stemmed = super::stemmer().stem(&number).into_owned();
            proptest::prop_assert_eq!(content_stem(&number), Some(stemmed));
        }
    }

    #[test]
    fn inflections_share_a_stem() {
        let cases = [
            ("delivered", "delivering"),
            ("refunds", "refund"),
            ("charging", "charged"),
        ];
        for (a, b) in cases {
            assert_eq!(content_stem(a), content_stem(b), "{a} / {b}");
        }
    }
}
