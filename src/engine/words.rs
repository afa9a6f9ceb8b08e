//! Content words: stop-word removal and stemming for paraphrase overlap.

use foldhash::HashSet;
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
    Some(stemmer().stem(word).into_owned())
}

#[cfg(test)]
mod tests {
    use super::content_stem;

    #[test]
    fn stop_words_and_fillers_have_no_stem() {
        for word in ["the", "and", "yeah", "okay", "i", "sorry", "a"] {
            assert_eq!(content_stem(word), None, "{word}");
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
