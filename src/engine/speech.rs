//! Speech as cheap transcription gives it: lower-case, with few or no full stops,
//! so one "sentence" can run for a whole 60-word turn. Such a run is cut into
//! sentence-sized units where a speaker starts something new (a discourse marker,
//! a question, the speaker turning to what they will do), and at a length no
//! spoken sentence reaches, so that quotes stay sentence-sized and questions can
//! be told without a question mark. Punctuated text is left as its writer set it.

use super::text::terminal_stop;

/// A run shorter than this is a sentence as it stands.
const MIN_RUN_WORDS: usize = 16;
/// A unit is never cut before it holds this many words.
const MIN_UNIT_WORDS: usize = 4;
/// A unit with no opener in sight is cut after this many words.
const MAX_UNIT_WORDS: usize = 30;

/// The units of `sentence`, each with its byte offset in it and its
/// [`terminal_stop`]: the sentence itself unless it is a long run with no
/// sentence punctuation of its own.
pub(super) fn units(sentence: &str) -> impl Iterator<Item = (usize, &str, Option<char>)> {
    // Punctuated exactly when the sentence's own record says so: a stop followed
    // by a closing quote or an emoticon is still written text, not speech. The
    // stop is read once: a sentence that is its own unit, as nearly every one
    // is, ends with it (issue 22).
    let stop = terminal_stop(sentence);
    // Then the cuts are an empty Vec, which does not allocate.
    let starts = if stop.is_some() {
        Vec::new()
    } else {
        unit_starts(sentence)
    };
    let whole = starts.is_empty();
    let ends = starts.clone().into_iter().chain([sentence.len()]);
    std::iter::once(0)
        .chain(starts)
        .zip(ends)
        .map(move |(from, to)| {
            let unit = &sentence[from..to];
            (from, unit, if whole { stop } else { terminal_stop(unit) })
        })
}

/// The byte offsets where units after the first start in a sentence with no
/// terminal stop.
fn unit_starts(sentence: &str) -> Vec<usize> {
    if sentence.split_whitespace().nth(MIN_RUN_WORDS - 1).is_none() {
        return Vec::new();
    }
    let words: Vec<(usize, &str)> = words(sentence).collect();
    // Folded once: each word is read as itself, as the next and as the previous.
    let folded: Vec<String> = words.iter().map(|(_, w)| bare(w)).collect();
    let mut cuts = Vec::new();
    let mut unit_start = 0;
    for i in 1..words.len() {
        let in_unit = i - unit_start;
        let opens = in_unit >= MIN_UNIT_WORDS && opens_unit(&words, &folded, i);
        if opens || in_unit >= MAX_UNIT_WORDS {
            cuts.push(words[i].0);
            unit_start = i;
        }
    }
    cuts
}

/// Whitespace-separated words with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
}

/// The word folded for comparison: lower case, without the commas and quotes
/// speech-to-text sometimes leaves around it.
fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}')
        .replace('\u{2019}', "'")
        .to_lowercase()
}

/// Words after which the next word carries on the same clause ("what i can do",
/// "tell me what happened", "that's right", "anything else i can do": "else"
/// ends a pronoun a relative clause hangs on), so no unit starts there.
fn binds_next(word: &str) -> bool {
    matches!(
        word,
        "what"
            | "that"
            | "that's"
            | "if"
            | "because"
            | "cos"
            | "when"
            | "where"
            | "how"
            | "which"
            | "who"
            | "as"
            | "than"
            | "to"
            | "and"
            | "but"
            | "or"
            | "so"
            | "said"
            | "say"
            | "think"
            | "know"
            | "mean"
            | "hope"
            | "sure"
            | "afraid"
            | "believe"
            | "me"
            | "you"
            | "us"
            | "tell"
            | "ask"
            | "explain"
            | "see"
            | "check"
            | "it"
            | "it's"
            | "there"
            | "this"
            | "is"
            | "be"
            | "all"
            | "the"
            | "a"
            | "oh"
            | "sounds"
            | "i"
            | "i'll"
            | "i'm"
            | "will"
            | "can"
            | "let"
            | "just"
            | "else"
    )
}

/// Whether word `i` starts a new unit: a discourse marker, a question opener
/// followed by who or what it asks about, or the speaker turning to what they
/// will do. A cut never falls inside a clause that the word before binds, so a
/// cue phrase such as "what I can do is" or "I'm so sorry" stays whole.
fn opens_unit(words: &[(usize, &str)], folded: &[String], i: usize) -> bool {
    if !words[i - 1].1.ends_with(',') && binds_next(&folded[i - 1]) {
        return false;
    }
    let word = folded[i].as_str();
    let next = folded.get(i + 1).map_or("", String::as_str);
    let pronoun_follows = matches!(
        next,
        "i" | "i'm"
            | "i'll"
            | "i've"
            | "we"
            | "we'll"
            | "we're"
            | "you"
            | "you're"
            | "your"
            | "that's"
            | "it's"
            | "there's"
            | "let"
            | "let's"
            | "the"
            | "if"
            | "what"
    );
    match word {
        "so" | "right" | "okay" | "ok" | "alright" | "anyway" | "well" => pronoun_follows,
        "what" | "how" | "when" | "where" | "why" | "which" => matches!(
            next,
            "is" | "was"
                | "are"
                | "were"
                | "did"
                | "do"
                | "does"
                | "can"
                | "would"
                | "happened"
                | "time"
                | "day"
                | "date"
                | "exactly"
                | "else"
        ),
        "can" | "could" | "would" | "will" | "do" | "did" | "have" | "are" | "is" => {
            matches!(next, "you" | "i" | "we" | "someone" | "anyone" | "there")
        }
        "i'm" | "i'll" | "i've" | "i'd" | "we'll" | "we've" | "we're" | "let's" => true,
        "i" | "we" => matches!(
            next,
            "can"
                | "will"
                | "would"
                | "understand"
                | "completely"
                | "totally"
                | "do"
                | "am"
                | "know"
                | "see"
                | "get"
                | "have"
                | "really"
                | "want"
                | "need"
                | "hear"
        ),
        "let" => next == "me",
        "thank" | "thanks" => matches!(next, "you" | "for"),
        "yeah" | "yes" | "no" => pronoun_follows,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{terminal_stop, units};

    fn texts(sentence: &str) -> Vec<&str> {
        units(sentence).map(|(_, u, _)| u.trim_end()).collect()
    }

    #[test]
    fn punctuated_or_short_sentences_are_left_whole() {
        let long = "So if I have understood you right, you closed the account in August, the final bill showed a credit and you were told you would get it back within ten working days.";
        assert_eq!(texts(long), vec![long]);
        assert_eq!(
            texts("oh right okay so what happened then"),
            vec!["oh right okay so what happened then"]
        );
    }

    #[test]
    fn a_run_of_speech_is_cut_where_the_speaker_starts_something_new() {
        let run = "yeah no i totally get that it's been three weeks and nobody called you back so what i'm going to do is book the engineer for thursday morning can you make sure someone is in between eight and twelve";
        let units = texts(run);
        assert!(units.len() >= 3, "{units:?}");
        assert!(
            units.iter().any(|u| u.starts_with("can you make sure")),
            "{units:?}"
        );
        assert!(
            units.iter().all(|u| u.split_whitespace().count() <= 30),
            "{units:?}"
        );
    }

    #[test]
    fn a_clause_hanging_on_else_stays_with_it() {
        let run = "so the yard checking the van today me ringing you by three claim form in your inbox in the next ten minutes anything else i can do for you";
        let units = texts(run);
        assert!(
            units
                .iter()
                .any(|u| u.contains("anything else i can do for you")),
            "{units:?}"
        );
    }

    #[test]
    fn units_cover_the_sentence_exactly_with_their_offsets() {
        let run = "right okay i can see the order here it was sent on the third but the courier marked it as delivered to a safe place which i know is not what you wanted so i'll raise a claim with them today";
        let mut rebuilt = String::new();
        for (offset, unit, stop) in units(run) {
            assert_eq!(&run[offset..offset + unit.len()], unit);
            assert_eq!(stop, terminal_stop(unit), "{unit}");
            rebuilt.push_str(unit);
        }
        assert_eq!(rebuilt, run);
    }

    #[test]
    fn written_text_ending_past_its_stop_is_not_cut() {
        // A stop inside closing quotes, or before an emoticon or emoji, still
        // ends written text: only speech with no stop at all is cut into units.
        let long = "well you think the neighbours took it in and then the driver said it was left safe so i suppose we wait and see what they say";
        for ending in [".\"", ". :)", "! 😀", "?)", ".\u{201d}"] {
            let sentence = format!("{long}{ending}");
            assert_eq!(
                units(&sentence).collect::<Vec<_>>(),
                vec![(0, sentence.as_str(), terminal_stop(&sentence))],
                "{ending}"
            );
        }
        assert!(
            units(long).count() > 1,
            "the same words unpunctuated are cut"
        );
    }

    #[test]
    fn a_long_run_with_no_opener_is_cut_by_length() {
        let run = "the the the ".repeat(30);
        assert!(texts(&run)
            .iter()
            .all(|u| u.split_whitespace().count() <= 30));
    }
}
