//! Who a sentence is put to. A question that opens or closes on the name of
//! someone other than the customer ("Sam, can you check the stock room?",
//! "Is the manager free, Priya?") is asked of a colleague, not of the customer,
//! however much it sounds like listening. Names are an open class, so this is
//! read from the shape of the sentence rather than from a lexicon: a word set off
//! by a comma at either end, written with a capital, that is no common word and
//! not a name the customer goes by.

use super::analysis::Analysis;
use super::text::Normaliser;
use super::words::content_stem;
use crate::transcript::Role;
use foldhash::{HashMap, HashSet};
use std::cell::OnceCell;

/// Words that may stand before a name at the start of a sentence ("Sorry Sam,
/// ...", "Thanks Sam, ...") without being the name themselves.
const BEFORE_A_NAME: [&str; 10] = [
    "hi", "hey", "hiya", "oi", "sorry", "thanks", "cheers", "okay", "ok", "right",
];

/// Words that open a sentence, set off by a comma and capitalised there, that are
/// no name: acknowledgements and sentence adverbs the stop-word list does not
/// hold. Words ending in "-ly" are never taken for names either.
const NOT_A_NAME: [&str; 48] = [
    "lovely",
    "perfect",
    "brilliant",
    "great",
    "fine",
    "cool",
    "excellent",
    "wonderful",
    "fantastic",
    "super",
    "nice",
    "good",
    "cheers",
    "alright",
    "listen",
    "look",
    "morning",
    "afternoon",
    "evening",
    "anyway",
    "first",
    "second",
    "third",
    "finally",
    "understood",
    "noted",
    "gotcha",
    "ta",
    "fab",
    "awesome",
    "sweet",
    "however",
    "otherwise",
    "again",
    "true",
    "agreed",
    "gosh",
    "wow",
    "blimey",
    "crikey",
    "bless",
    "goodness",
    "god",
    "jeez",
    "aw",
    "oops",
    "whoops",
    "yikes",
];

/// Titles the customer is addressed by: "Mrs Patel, can you ...".
const TITLES: [&str; 8] = ["mr", "mrs", "ms", "miss", "mx", "dr", "sir", "madam"];

/// Words that open the question after a name: "Sam, can you check the stock room?"
const QUESTION_OPENERS: [&str; 22] = [
    "can", "could", "would", "will", "shall", "should", "have", "has", "did", "do", "does", "is",
    "are", "was", "were", "what", "where", "when", "how", "who", "which", "why",
];

/// Reads whom the sentences of one transcript are addressed to. Built once per
/// rule evaluation; the customer's names are gathered only when a sentence
/// first needs them.
pub(super) struct Addressees<'b, 'a> {
    analysis: &'b Analysis<'a>,
    /// Name words of the speakers who are not the customer: the learner and
    /// anyone else who speaks (a colleague, a supervisor).
    others: HashSet<String>,
    /// Name words the customer goes by: their speaker labels and the capitalised
    /// words they say mid-sentence ("It's Sarah Jones").
    customer: OnceCell<CustomerNames>,
}

/// The names the customer goes by, and the names the learner's greeting used
/// with the sentence they stand in: a greeting's name is the customer's
/// everywhere but in its own sentence, which may be the question asked of a
/// colleague ("Sam, can you grab the rota?" as the learner's first words).
#[derive(Default)]
struct CustomerNames {
    certain: HashSet<String>,
    greeted: HashMap<String, u32>,
}

impl CustomerNames {
    fn contains(&self, word: &str, asked_in: u32) -> bool {
        self.certain.contains(word)
            || self
                .greeted
                .get(word)
                .is_some_and(|&sentence| sentence != asked_in)
    }
}

impl<'b, 'a> Addressees<'b, 'a> {
    pub(super) fn new(analysis: &'b Analysis<'a>) -> Self {
        let others = label_words(analysis, |role| role != Role::Customer);
        Addressees {
            analysis,
            others,
            customer: OnceCell::new(),
        }
    }

    /// Whether sentence `index` opens or closes on the name of someone other
    /// than the customer.
    pub(super) fn someone_else(&self, index: u32) -> bool {
        let sentence = self.analysis.norm.sentences[index as usize];
        let (first, end) = (sentence.first_token, sentence.end_token);
        if end.saturating_sub(first) < 2 {
            return false;
        }
        let mut name = first;
        if BEFORE_A_NAME.contains(&self.analysis.token_text(first)) {
            name += 1;
        }
        // A name opening a question is followed straight away by the asking
        // ("Sam, can you ...", "Sam, sorry, is the ..."); a list of words set
        // off by commas ("Friends, family?") is not.
        let opener = |t: u32| t < end && QUESTION_OPENERS.contains(&self.analysis.token_text(t));
        let asks_next = |from: u32| {
            opener(from)
                || (BEFORE_A_NAME.contains(&self.analysis.token_text(from)) && opener(from + 1))
        };
        let opening = name + 1 < end
            && asks_next(name + 1)
            && self.names_someone_else(index, name, self.comma_between(name, name + 1));
        let closing = end - first > 3
            && self.capitalised(end - 1)
            && self.names_someone_else(index, end - 1, self.comma_between(end - 2, end - 1));
        opening || closing
    }

    /// Whether token `word`, set off by a comma or not, is the name of someone
    /// other than the customer. A participant's name needs no comma, since
    /// transcribed speech has none.
    fn names_someone_else(&self, sentence: u32, word: u32, set_off: bool) -> bool {
        let text = self.analysis.token_text(word);
        if self.others.contains(text) {
            return !self.customer_names().contains(text, sentence);
        }
        set_off
            && self.capitalised(word)
            && could_be_a_name(text)
            && !self.follows_title(word)
            && !self.customer_names().contains(text, sentence)
    }

    /// Whether a title stands just before `word` in its turn, even across a
    /// sentence break ("Mr. Smith, ..." is cut after "Mr.").
    fn follows_title(&self, word: u32) -> bool {
        let a = self.analysis;
        word > a.turn_tokens[a.turn_of_token(word)].start
            && TITLES.contains(&a.token_text(word - 1))
    }

    /// The names the customer goes by: their speaker labels, the capitalised
    /// words they say mid-sentence ("It's Sarah Jones"), and the capitalised
    /// words of the learner's first turn, which greets the customer ("Hi John",
    /// "So, Tommy, I wanted to talk to you").
    fn customer_names(&self) -> &CustomerNames {
        self.customer.get_or_init(|| {
            let a = self.analysis;
            let mut names = CustomerNames {
                certain: label_words(a, |role| role == Role::Customer),
                greeted: HashMap::default(),
            };
            let turns = 0..a.transcript.turns.len();
            let first_learner_turn = turns.clone().find(|&t| a.role(t) == Role::Learner);
            for turn in turns {
                let greeting = Some(turn) == first_learner_turn;
                if a.role(turn) != Role::Customer && !greeting {
                    continue;
                }
                for s in a.turn_sentences[turn].clone() {
                    let sentence = a.norm.sentences[s as usize];
                    let from = sentence.first_token + u32::from(!greeting);
                    for token in from..sentence.end_token {
                        let word = a.token_text(token);
                        if word == "i" || !self.capitalised(token) {
                            continue;
                        }
                        if greeting {
                            names.greeted.entry(word.to_owned()).or_insert(s);
                        } else {
                            names.certain.insert(word.to_owned());
                        }
                    }
                }
            }
            names
        })
    }

    /// Whether the original word of `token` starts with a capital letter.
    fn capitalised(&self, token: u32) -> bool {
        let a = self.analysis;
        let t = a.norm.tokens[token as usize];
        a.slice_chars(a.turn_of_token(token), t.orig_start, t.orig_end)
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    }

    /// Whether a comma stands between two neighbouring tokens of one sentence.
    fn comma_between(&self, left: u32, right: u32) -> bool {
        let a = self.analysis;
        let (l, r) = (a.norm.tokens[left as usize], a.norm.tokens[right as usize]);
        l.orig_end <= r.orig_start
            && a.slice_chars(a.turn_of_token(left), l.orig_end, r.orig_start)
                .contains(',')
    }
}

/// Whether a word set off at the edge of a sentence could be a first name: not a
/// stop word or filler, an "-ly" adverb, a common opener or a title, and not a
/// noise with no vowel ("Mmh,", "Hmm,").
fn could_be_a_name(word: &str) -> bool {
    content_stem(word).is_some()
        && !word.ends_with("ly")
        && !NOT_A_NAME.contains(&word)
        && !TITLES.contains(&word)
        && word.chars().any(|c| "aeiouy".contains(c))
}

/// The normalised words of the speaker labels of the turns whose role is `of`.
fn label_words(analysis: &Analysis, of: impl Fn(Role) -> bool) -> HashSet<String> {
    let mut labels = Normaliser::new();
    let mut seen: HashSet<&str> = HashSet::default();
    for turn in analysis.transcript.turns.iter().filter(|t| of(t.role)) {
        if seen.insert(&turn.speaker) {
            labels.push_text(&turn.speaker);
        }
    }
    labels
        .tokens
        .iter()
        .map(|t| super::text::token_text(&labels.text, t).to_owned())
        .collect()
}
