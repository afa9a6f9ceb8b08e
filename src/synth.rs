//! Deterministic synthetic role-plays for benchmarks and load tests.
//!
//! Transcripts are built from the seed rubrics' own cue phrases (one random form of
//! each phrase picked, so the automaton and the rules have real work to do) mixed
//! with neutral filler sentences, in the `Speaker (Role): text` layout the text
//! parser reads. The same seed always gives the same text, so benches and load tests
//! can regenerate their input instead of committing large files.
//!
//! Outside the crate it is reachable only with the `synth` feature, which the
//! package's own benches, examples and tests turn on; it is not part of the
//! library's API.
//!
//! ```
//! use rolemark::{synth, transcript::{self, RoleHints}};
//!
//! let text = synth::roleplay(7, 4096);
//! assert_eq!(text, synth::roleplay(7, 4096));
//! assert!(transcript::parse(&text, None, &RoleHints::default()).is_ok());
//! ```

use crate::rubrics::EMBEDDED;
use fastrand::Rng;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Rubric of the batch lines when the caller names none.
pub const DEFAULT_RUBRIC: &str = "challenging-customers";

/// Share of sentences that carry a cue phrase; the rest are filler. About half keeps
/// cue density close to the golden role-plays, where most turns hold one cue.
const CUE_SHARE: f32 = 0.45;
/// Share of the learner's cues drawn from red-flag lexicons: learners slip up
/// sometimes, and red flags exercise their own rules.
const SLIP_SHARE: f32 = 0.1;
/// A turn is never made shorter than this to meet the target size: a stub turn of a
/// few bytes would be unlike anything people say.
const MIN_SENTENCE_BYTES: usize = 12;

/// A phrase of the rubric syntax, parsed once so that rendering only draws choices.
#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    /// `...`: a few words stand between two parts of the phrase.
    Gap,
    /// `<name>`: any phrase of the named lexicon.
    Slot(String),
    Choice {
        options: Vec<Vec<Piece>>,
        optional: bool,
    },
}

#[derive(Debug, Default)]
struct Phrasebook {
    /// Cue phrases customers say, from every `customer-*` lexicon, one list per lexicon.
    customer: Vec<Vec<Vec<Piece>>>,
    /// The learner's good moves, one list per lexicon.
    learner: Vec<Vec<Vec<Piece>>>,
    /// The learner's red-flag cues (lexicons named in a criterion's `red_flags`).
    slips: Vec<Vec<Vec<Piece>>>,
    greetings: Vec<Vec<Piece>>,
    /// Every lexicon's phrases by name, to fill slots (the first rubric naming
    /// a lexicon gives it).
    vocabulary: std::collections::BTreeMap<String, Vec<Vec<Piece>>>,
}

fn phrasebook() -> &'static Phrasebook {
    static BOOK: OnceLock<Phrasebook> = OnceLock::new();
    BOOK.get_or_init(|| {
        let mut book = Phrasebook::default();
        for (file, source) in EMBEDDED {
            let table: toml::Table = toml::from_str(source)
                .unwrap_or_else(|e| panic!("embedded rubric {file} is not TOML: {e}"));
            let red_flags = red_flag_lexicons(&table);
            let Some(lexicons) = table.get("lexicons").and_then(toml::Value::as_table) else {
                continue;
            };
            for (name, lexicon) in lexicons {
                let phrases: Vec<Vec<Piece>> = lexicon
                    .get("phrases")
                    .and_then(toml::Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(toml::Value::as_str)
                    .map(parse_phrase)
                    .collect();
                if phrases.is_empty() {
                    continue;
                }
                book.vocabulary
                    .entry(name.clone())
                    .or_insert_with(|| phrases.clone());
                if name == "greeting" {
                    book.greetings.extend(phrases);
                } else if name.starts_with("customer-") {
                    book.customer.push(phrases);
                } else if red_flags.contains(name.as_str()) {
                    book.slips.push(phrases);
                } else {
                    book.learner.push(phrases);
                }
            }
        }
        book
    })
}

fn red_flag_lexicons(table: &toml::Table) -> BTreeSet<String> {
    table
        .get("criteria")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("red_flags"))
        // One group as a table, or several as an array of tables.
        .flat_map(|flags| match flags {
            toml::Value::Array(groups) => groups.iter().collect(),
            group => vec![group],
        })
        .filter_map(|group| group.get("cues")?.as_array())
        .flatten()
        .filter_map(|cue| cue.as_str().map(str::to_owned))
        .collect()
}

/// Parses the phrase syntax of [`crate::engine::lexicon`]. The seed rubrics compile,
/// so their phrases are well formed; an unclosed group simply ends at the phrase end.
fn parse_phrase(phrase: &str) -> Vec<Piece> {
    let chars: Vec<char> = phrase.chars().collect();
    let mut pos = 0;
    parse_sequence(&chars, &mut pos, 0)
}

fn parse_sequence(chars: &[char], pos: &mut usize, depth: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    while let Some(&c) = chars.get(*pos) {
        match c {
            '{' | '[' => {
                push_literal(&mut pieces, &mut literal);
                *pos += 1;
                let mut options = vec![parse_sequence(chars, pos, depth + 1)];
                while chars.get(*pos) == Some(&'|') {
                    *pos += 1;
                    options.push(parse_sequence(chars, pos, depth + 1));
                }
                // Skips the closing bracket.
                *pos += 1;
                pieces.push(Piece::Choice {
                    options,
                    optional: c == '[',
                });
            }
            '|' | '}' | ']' if depth > 0 => break,
            _ => {
                literal.push(c);
                *pos += 1;
            }
        }
    }
    push_literal(&mut pieces, &mut literal);
    pieces
}

fn push_literal(pieces: &mut Vec<Piece>, literal: &mut String) {
    if literal.is_empty() {
        return;
    }
    let text = std::mem::take(literal);
    for (i, part) in text.split("...").enumerate() {
        if i > 0 {
            pieces.push(Piece::Gap);
        }
        let mut rest = part;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').map_or(rest.len(), |c| open + c);
            pieces.push(Piece::Text(rest[..open].to_owned()));
            pieces.push(Piece::Slot(rest[open + 1..close].to_owned()));
            rest = rest.get(close + 1..).unwrap_or_default();
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
    }
}

/// Words that may stand in a gap: no negators (they would suppress the cue) and no
/// punctuation (a gap stays inside one sentence).
const GAP_WORDS: &[&str] = &[
    "a full",
    "my",
    "the",
    "a",
    "your",
    "some",
    "a proper",
    "this",
    "that",
    "the whole",
];

fn render(pieces: &[Piece], rng: &mut Rng, out: &mut String) {
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Gap => {
                out.push(' ');
                out.push_str(GAP_WORDS[rng.usize(..GAP_WORDS.len())]);
                out.push(' ');
            }
            Piece::Slot(name) => {
                if let Some(phrases) = phrasebook().vocabulary.get(name) {
                    out.push(' ');
                    render(&phrases[rng.usize(..phrases.len())], rng, out);
                    out.push(' ');
                }
            }
            Piece::Choice { options, optional } => {
                if *optional && rng.bool() {
                    continue;
                }
                render(&options[rng.usize(..options.len())], rng, out);
            }
        }
    }
}

/// One random form of `phrase`, with single spaces, as a person would say it.
fn render_phrase(pieces: &[Piece], rng: &mut Rng) -> String {
    let mut raw = String::new();
    render(pieces, rng, &mut raw);
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

const LEARNER_NAMES: &[&str] = &[
    "Priya", "Tom", "Aisha", "Jamie", "Chloe", "Marcus", "Sian", "Olu", "Hannah", "Dev", "Kerry",
    "Bartek", "Niamh", "Sam",
];
const LEARNER_ROLES: &[&str] = &["Service Advisor", "Agent", "CSR", "Front Desk", "Learner"];
const CUSTOMER_NAMES: &[&str] = &[
    "Mr Dawson",
    "Mrs Okafor",
    "Ms Kowalski",
    "Gary",
    "Linda Hughes",
    "Rhys",
    "Mr Patel",
    "Fiona",
    "Mrs Llewellyn",
    "Dean",
    "Margaret",
    "Kwame",
];
const CUSTOMER_ROLES: &[&str] = &["Customer", "Caller", "Client", "Hotel Guest"];

const CUSTOMER_FILLER: &[&str] = &[
    "I ordered the {item} on {day} and it came {state}",
    "My order number is {number}",
    "It was delivered to {town} instead of my flat",
    "I paid {price} pounds for it",
    "The {item} stopped working after {small} days",
    "I spoke to someone called {name} last {day}",
    "We only moved in back in {month}",
    "The engineer was meant to come between eight and twelve",
    "My reference is {reference}",
    "I have the receipt here somewhere",
    "It's the {colour} one, the bigger size",
    "I work nights so I can't wait in all day",
    "The box was left out in the rain by the bins",
    "My daughter set the account up for me",
    "I only got the email on {day} afternoon",
    "The app keeps saying my card was declined",
    "I booked the room for {small} nights",
    "The bill went up by {price} pounds this month",
];

const LEARNER_FILLER: &[&str] = &[
    "Let me just bring up your account",
    "Can I take your postcode, please?",
    "I can see the order here on the system",
    "That was dispatched from our {town} depot on {day}",
    "The reference for today's call is {reference}",
    "Bear with me one moment while the page loads",
    "I'm looking at the notes from your last call now",
    "The {item} comes with a {small} year warranty",
    "Could you confirm the first line of your address?",
    "I can see two payments of {price} pounds on {day}",
    "The courier's tracking shows it left {town} on {day}",
    "That booking is under the name {name}",
    "Our {town} branch is open until six today",
    "The {colour} model is back in stock next {day}",
];

const ITEMS: &[&str] = &[
    "washing machine",
    "laptop",
    "sofa",
    "boiler",
    "phone",
    "fridge freezer",
    "mattress",
    "kettle",
    "printer",
    "router",
    "cooker",
    "television",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: &[&str] = &[
    "January",
    "March",
    "April",
    "June",
    "August",
    "September",
    "October",
    "December",
];
const TOWNS: &[&str] = &[
    "Leeds",
    "Swansea",
    "Croydon",
    "Stockport",
    "Derby",
    "Perth",
    "Norwich",
    "Bangor",
    "Luton",
    "Carlisle",
];
const STATES: &[&str] = &[
    "damaged",
    "with a cracked door",
    "two weeks late",
    "without the cable",
    "in the wrong colour",
    "half assembled",
];
const COLOURS: &[&str] = &["grey", "white", "black", "blue", "silver", "green"];

fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.usize(..list.len())]
}

/// Fills the `{slot}`s of a filler template.
fn fill(template: &str, rng: &mut Rng, names: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').unwrap_or(rest.len() - open - 1);
        match &rest[open + 1..close] {
            "item" => out.push_str(pick(rng, ITEMS)),
            "day" => out.push_str(pick(rng, DAYS)),
            "month" => out.push_str(pick(rng, MONTHS)),
            "town" => out.push_str(pick(rng, TOWNS)),
            "state" => out.push_str(pick(rng, STATES)),
            "colour" => out.push_str(pick(rng, COLOURS)),
            "name" => out.push_str(pick(rng, names)),
            "number" => out.push_str(&rng.u32(100_000..10_000_000).to_string()),
            "price" => out.push_str(&rng.u32(12..900).to_string()),
            "small" => out.push_str(&rng.u32(2..10).to_string()),
            "reference" => {
                out.push(rng.uppercase());
                out.push(rng.uppercase());
                out.push_str(&rng.u32(1000..10_000).to_string());
            }
            other => out.push_str(other),
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// Words that open a question, so that a cue sentence gets the right end mark and
/// question rules see questions.
const QUESTION_OPENERS: &[&str] = &[
    "what", "how", "why", "when", "where", "which", "who", "could", "can", "would", "will", "is",
    "are", "do", "does", "did", "have", "has", "shall", "may", "should", "anything",
];

/// Capitalises and ends a sentence the way a transcriber would.
fn finish_sentence(mut sentence: String, rng: &mut Rng, heated: bool) -> String {
    if let Some(first) = sentence.chars().next() {
        let upper: String = first.to_uppercase().collect();
        sentence.replace_range(..first.len_utf8(), &upper);
    }
    if sentence.ends_with(['.', '?', '!']) {
        return sentence;
    }
    let first_word = sentence
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if QUESTION_OPENERS.contains(&first_word.as_str()) {
        sentence.push('?');
    } else if heated && rng.f32() < 0.3 {
        sentence.push('!');
    } else {
        sentence.push('.');
    }
    sentence
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Learner,
    Customer,
}

struct Writer<'a> {
    rng: Rng,
    book: &'a Phrasebook,
    learner_label: String,
    customer_label: String,
    names: [&'static str; 2],
}

impl Writer<'_> {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::with_seed(seed);
        let learner = pick(&mut rng, LEARNER_NAMES);
        let customer = pick(&mut rng, CUSTOMER_NAMES);
        // Some transcripts carry bare role labels, as many training scripts do.
        let bare = rng.f32() < 0.2;
        let learner_label = if bare {
            "Agent".to_owned()
        } else {
            format!("{learner} ({})", pick(&mut rng, LEARNER_ROLES))
        };
        let customer_label = if bare {
            "Customer".to_owned()
        } else {
            format!("{customer} ({})", pick(&mut rng, CUSTOMER_ROLES))
        };
        Writer {
            rng,
            book: phrasebook(),
            learner_label,
            customer_label,
            names: [learner, customer],
        }
    }

    fn sentence_count(&mut self, side: Side) -> usize {
        // Mostly short turns, as in speech, with the odd long customer story.
        let roll = self.rng.f32();
        match side {
            Side::Customer if roll < 0.04 => self.rng.usize(5..9),
            _ if roll < 0.3 => 1,
            _ if roll < 0.6 => 2,
            _ if roll < 0.85 => 3,
            _ => 4,
        }
    }

    fn cue(&mut self, side: Side) -> String {
        let lexicons = match side {
            Side::Customer => &self.book.customer,
            Side::Learner if self.rng.f32() < SLIP_SHARE && !self.book.slips.is_empty() => {
                &self.book.slips
            }
            Side::Learner => &self.book.learner,
        };
        let lexicon = &lexicons[self.rng.usize(..lexicons.len())];
        let phrase = &lexicon[self.rng.usize(..lexicon.len())];
        render_phrase(phrase, &mut self.rng)
    }

    fn sentence(&mut self, side: Side) -> String {
        let text = if self.rng.f32() < CUE_SHARE {
            self.cue(side)
        } else {
            let templates = match side {
                Side::Customer => CUSTOMER_FILLER,
                Side::Learner => LEARNER_FILLER,
            };
            let template = pick(&mut self.rng, templates);
            fill(template, &mut self.rng, &self.names)
        };
        finish_sentence(text, &mut self.rng, side == Side::Customer)
    }

    /// Appends one turn as a line, keeping the transcript within `limit` bytes unless
    /// `force` is set. Returns false when not even one sentence fits.
    fn turn(&mut self, side: Side, out: &mut String, limit: usize, force: bool) -> bool {
        let label = match side {
            Side::Learner => &self.learner_label,
            Side::Customer => &self.customer_label,
        };
        let mut line = format!("{label}:");
        let opening = out.is_empty() && side == Side::Learner && !self.book.greetings.is_empty();
        let count = self.sentence_count(side);
        let mut sentences = 0;
        for i in 0..count {
            let sentence = if opening && i == 0 {
                let greeting = &self.book.greetings[self.rng.usize(..self.book.greetings.len())];
                let text = render_phrase(greeting, &mut self.rng);
                finish_sentence(text, &mut self.rng, false)
            } else {
                self.sentence(side)
            };
            // One for the space before the sentence, one for the newline after the line.
            let grown = out.len() + line.len() + 1 + sentence.len() + 1;
            if grown > limit && !(force && sentences == 0) {
                break;
            }
            line.push(' ');
            line.push_str(&sentence);
            sentences += 1;
        }
        if sentences == 0 {
            return false;
        }
        out.push_str(&line);
        out.push('\n');
        true
    }
}

/// A role-play of about `target_bytes` bytes (never more, unless the target is too
/// small for the opening exchange), alternating learner and customer turns and
/// starting with the learner's greeting. The same `seed` always gives the same text.
pub fn roleplay(seed: u64, target_bytes: usize) -> String {
    let mut writer = Writer::new(seed);
    let mut out = String::with_capacity(target_bytes + 256);
    let mut side = Side::Learner;
    let mut turns = 0usize;
    loop {
        // The opening exchange always goes in: a transcript needs both roles to parse.
        let force = turns < 2;
        let room = target_bytes.saturating_sub(out.len());
        if !force && room < MIN_SENTENCE_BYTES + writer.customer_label.len() {
            break;
        }
        if !writer.turn(side, &mut out, target_bytes, force) {
            // The drawn sentences were too long for the room left; a few more draws
            // usually find a shorter one, which keeps the length close to the target.
            if (0..8).any(|_| writer.turn(side, &mut out, target_bytes, false)) {
                turns += 1;
                side = flip(side);
                continue;
            }
            break;
        }
        turns += 1;
        side = flip(side);
    }
    out
}

fn flip(side: Side) -> Side {
    match side {
        Side::Learner => Side::Customer,
        Side::Customer => Side::Learner,
    }
}

/// `count` batch request lines (NDJSON, each without its newline) for
/// `POST /v1/score/batch`, each a role-play of between half and one and a half times
/// `target_bytes`, so a batch has the mix of lengths real uploads have.
pub fn batch_lines(
    seed: u64,
    count: usize,
    target_bytes: usize,
    rubric: &str,
) -> impl Iterator<Item = String> + '_ {
    let mut rng = Rng::with_seed(seed);
    (0..count).map(move |i| {
        let line_seed = rng.u64(..);
        let low = target_bytes / 2;
        let high = target_bytes + target_bytes / 2;
        let bytes = rng.usize(low..=high.max(low));
        let request = serde_json::json!({
            "id": format!("synth-{i}"),
            "rubric": rubric,
            "transcript_text": roleplay(line_seed, bytes),
        });
        request.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::internals as lexicon;
    use crate::engine::internals::normalise_phrase;
    use crate::transcript::{self, RoleHints};

    #[test]
    fn the_same_seed_gives_the_same_text() {
        for seed in [0, 1, 42, u64::MAX] {
            assert_eq!(roleplay(seed, 4096), roleplay(seed, 4096));
        }
        assert_ne!(roleplay(1, 4096), roleplay(2, 4096));
        let a: Vec<String> = batch_lines(9, 5, 1000, DEFAULT_RUBRIC).collect();
        let b: Vec<String> = batch_lines(9, 5, 1000, DEFAULT_RUBRIC).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn role_plays_parse_with_both_roles() {
        for seed in 0..40 {
            let text = roleplay(seed, 4096);
            let parsed = transcript::parse(&text, None, &RoleHints::default())
                .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
            let lines = text.lines().count();
            assert_eq!(parsed.turns.len(), lines, "seed {seed}: one turn a line");
            let roles: BTreeSet<_> = parsed.turns.iter().map(|t| t.role).collect();
            assert!(
                roles.contains(&transcript::Role::Learner)
                    && roles.contains(&transcript::Role::Customer),
                "seed {seed}: {roles:?}"
            );
        }
    }

    #[test]
    fn a_typical_role_play_has_about_forty_turns() {
        let turns: Vec<usize> = (0..20).map(|s| roleplay(s, 4096).lines().count()).collect();
        let mean = turns.iter().sum::<usize>() / turns.len();
        assert!((30..=50).contains(&mean), "{turns:?}");
    }

    #[test]
    fn length_is_close_to_the_target() {
        for (seed, target) in [(1, 1024), (2, 4096), (3, 100_000), (4, 1_000_000)] {
            let len = roleplay(seed, target).len();
            assert!(len <= target, "seed {seed}: {len} > {target}");
            assert!(len + 120 >= target, "seed {seed}: {len} far below {target}");
        }
        // Too small for the opening exchange: it goes in whole all the same.
        assert_eq!(roleplay(5, 10).lines().count(), 2);
    }

    #[test]
    fn rendered_cues_are_forms_the_rubric_expands_to() {
        let book = phrasebook();
        let mut rng = Rng::with_seed(3);
        let all = book
            .customer
            .iter()
            .chain(&book.learner)
            .chain(&book.slips)
            .flatten()
            .chain(&book.greetings);
        let mut checked = 0;
        for (pieces, source) in all.zip(raw_phrases()) {
            let rendered = render_phrase(pieces, &mut rng);
            let norm = normalise_phrase(&rendered).unwrap_or_default();
            let forms = lexicon::expand(&source).unwrap();
            // Gap words and slot fillers are drawn here, not by the rubric: the
            // word parts around them must appear in order.
            let haystack = format!(" {norm} ");
            let matches = |form: &String| {
                let mut at = 0;
                lexicon::form_parts(form).into_iter().all(|(part, _)| {
                    let lexicon::FormPart::Words(part) = part else {
                        return true;
                    };
                    let needle = format!(" {part} ");
                    match haystack[at..].find(&needle) {
                        Some(found) => {
                            at += found + needle.len() - 1;
                            true
                        }
                        None => false,
                    }
                })
            };
            assert!(forms.iter().any(matches), "{source} -> {rendered} ({norm})");
            checked += 1;
        }
        assert!(checked > 500, "only {checked} phrases");
    }

    /// The phrase sources in the same order as the phrasebook lists them.
    fn raw_phrases() -> Vec<String> {
        let mut customer = Vec::new();
        let mut learner = Vec::new();
        let mut slips = Vec::new();
        let mut greetings = Vec::new();
        for (_, source) in EMBEDDED {
            let table: toml::Table = toml::from_str(source).unwrap();
            let red_flags = red_flag_lexicons(&table);
            for (name, lexicon) in table["lexicons"].as_table().unwrap() {
                let phrases = lexicon["phrases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap().to_owned());
                if name == "greeting" {
                    greetings.extend(phrases);
                } else if name.starts_with("customer-") {
                    customer.extend(phrases);
                } else if red_flags.contains(name.as_str()) {
                    slips.extend(phrases);
                } else {
                    learner.extend(phrases);
                }
            }
        }
        customer
            .into_iter()
            .chain(learner)
            .chain(slips)
            .chain(greetings)
            .collect()
    }

    #[test]
    fn batch_lines_are_score_requests() {
        let lines: Vec<String> = batch_lines(1, 3, 2000, "heat").collect();
        assert_eq!(lines.len(), 3);
        for line in lines {
            assert!(!line.contains('\n'));
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(value["rubric"], "heat");
            let text = value["transcript_text"].as_str().unwrap();
            transcript::parse(text, None, &RoleHints::default()).unwrap();
        }
    }

    #[test]
    fn generated_role_plays_give_the_engine_work() {
        let registry = crate::rubrics::Registry::embedded().unwrap();
        let rubric = registry.get(DEFAULT_RUBRIC).unwrap();
        let text = roleplay(11, 4096);
        let parsed = transcript::parse(&text, None, &RoleHints::default()).unwrap();
        let assessment = crate::engine::Scorer::new(rubric).score(&parsed);
        let evidenced = assessment
            .criteria
            .iter()
            .filter(|c| !c.evidence.is_empty())
            .count();
        assert!(evidenced >= 3, "{evidenced} criteria with evidence");
        assert!(assessment.customer_behaviour.iter().any(|b| b.shown));
    }
}
