//! Role assignment: the one set of rules, shared by every input format, that
//! settles which speaker is the learner, which the customer, and who is anyone else.
//!
//! Rules, strongest first:
//!
//! 1. [`RoleHints`]: `roles` maps a speaker label to a role and `learner` names
//!    the learner's label (both case-insensitive, trimmed). They apply to every
//!    turn of that speaker. When `learner` is set it names *the* learner, so any
//!    other speaker that would otherwise be a learner becomes [`Role::Other`]
//!    (unless `roles` explicitly maps it to learner).
//! 2. A role stated in the input for one turn ([`RawTurn::role`]) applies to that turn.
//! 3. Turns without a stated role take the speaker's role, read from the speaker
//!    label ([`role_from_label`]), else from the first role stated on one of the
//!    speaker's turns.
//! 4. With exactly two speakers, once one side is known to be the learner or the
//!    customer, the other side takes the other role.
//!
//! 5. When no learner is known yet and no learner was named, diarised labels
//!    (`spk_0`, `SPEAKER_00`, `Speaker 1`, `A`, `0`, `ch_1`: see
//!    [`is_diarised_label`]) carry no names to go by, so the learner is guessed
//!    as the diarised speaker whose first turn, among the first
//!    [`GREETING_WINDOW`] turns, opens with a service greeting ("thank you for
//!    calling", "how can I help", "you're through to", "Priya speaking"); with
//!    three or more speakers the diarised speaker who says the most besides is
//!    guessed as the customer. The guess is returned as a [`RoleGuess`] so that
//!    a client can offer to swap roles. Named speakers are never guessed:
//!    a name the caller can pass is better than a guess.
//!
//! Speakers still unknown after that become [`Role::Other`] when there are three
//! or more of them; with two speakers and neither known there is no safe guess,
//! so that is a [`TranscriptError::NoLearner`] error, as is a transcript in which
//! no turn ends up as the learner's.

use super::{RawTurn, Role, Transcript, TranscriptError, Turn};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Roles the caller knows better than the transcript does (from `--learner`
/// and a roles mapping).
#[derive(Debug, Clone, Default)]
pub struct RoleHints {
    /// The learner's speaker label, matched case-insensitively.
    pub learner: Option<String>,
    /// Speaker label (matched case-insensitively, trimmed) to role.
    pub roles: BTreeMap<String, Role>,
}

/// A learner (and customer) guessed from a service greeting, reported so that
/// a client can show it and offer to swap roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RoleGuess {
    /// The speaker label taken as the learner, as written in the transcript.
    pub learner: String,
    /// The speaker label taken as the customer, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The turn (counted from 0) whose greeting settled the guess.
    pub turn: usize,
    /// The greeting phrase found, from the fixed list of greetings (not transcript text).
    pub greeting: String,
    /// The guess in words, for people.
    pub reason: String,
}

/// Greetings are looked for in the first turns only: a service greeting opens a call.
pub const GREETING_WINDOW: usize = 4;
/// Characters of a turn searched for a greeting.
const GREETING_CHARS: usize = 200;
/// Service greetings, lower-case, with straight apostrophes, as whole words.
const GREETINGS: &[&str] = &[
    "thank you for calling",
    "thanks for calling",
    "thank you for contacting",
    "thanks for contacting",
    "thank you for holding",
    "thanks for holding",
    "thank you for waiting",
    "how can i help",
    "how may i help",
    "how can i assist",
    "how may i assist",
    "how can we help",
    "how may we help",
    "what can i do for you",
    "what can i help you with",
    "you're through to",
    "you are through to",
    "you're speaking to",
    "you're speaking with",
    "you are speaking to",
    "you are speaking with",
    "you've reached",
    "you have reached",
    "welcome to",
];
/// Words that, before a number or a single letter, make a diarisation label.
const DIARISED_PREFIXES: &[&str] = &[
    "speaker",
    "spk",
    "spkr",
    "s",
    "ch",
    "channel",
    "voice",
    "person",
    "participant",
];

/// Longest labels shown in error hints; labels come from the input and a
/// mis-parsed file can produce long ones.
const MAX_LABEL_CHARS: usize = 40;
/// Most labels listed in one error hint.
const MAX_LABELS_SHOWN: usize = 10;

/// Words and phrases that reveal a role inside a speaker label. Multi-word
/// phrases come before the single words they contain so that "customer service
/// advisor" reads as staff rather than as a customer.
const LABEL_TERMS: &[(&[&str], Role)] = &[
    // Staff job titles that contain a customer word.
    (&["customer", "service"], Role::Learner),
    (&["customer", "services"], Role::Learner),
    (&["customer", "support"], Role::Learner),
    (&["customer", "care"], Role::Learner),
    (&["customer", "success"], Role::Learner),
    (&["customer", "experience"], Role::Learner),
    (&["client", "service"], Role::Learner),
    (&["client", "services"], Role::Learner),
    (&["client", "support"], Role::Learner),
    (&["guest", "service"], Role::Learner),
    (&["guest", "services"], Role::Learner),
    (&["guest", "relations"], Role::Learner),
    (&["member", "services"], Role::Learner),
    (&["patient", "services"], Role::Learner),
    (&["user", "support"], Role::Learner),
    (&["front", "desk"], Role::Learner),
    (&["help", "desk"], Role::Learner),
    (&["call", "handler"], Role::Learner),
    (&["team", "leader"], Role::Other),
    (&["team", "lead"], Role::Other),
    // Staff.
    (&["agent"], Role::Learner),
    (&["advisor"], Role::Learner),
    (&["adviser"], Role::Learner),
    (&["learner"], Role::Learner),
    (&["trainee"], Role::Learner),
    (&["staff"], Role::Learner),
    (&["rep"], Role::Learner),
    (&["representative"], Role::Learner),
    (&["colleague"], Role::Learner),
    (&["assistant"], Role::Learner),
    (&["associate"], Role::Learner),
    (&["csr"], Role::Learner),
    (&["cs"], Role::Learner),
    (&["operator"], Role::Learner),
    (&["receptionist"], Role::Learner),
    (&["clerk"], Role::Learner),
    (&["cashier"], Role::Learner),
    (&["server"], Role::Learner),
    (&["waiter"], Role::Learner),
    (&["waitress"], Role::Learner),
    (&["barista"], Role::Learner),
    (&["bartender"], Role::Learner),
    (&["attendant"], Role::Learner),
    (&["employee"], Role::Learner),
    (&["support"], Role::Learner),
    (&["helpdesk"], Role::Learner),
    (&["host"], Role::Learner),
    (&["concierge"], Role::Learner),
    (&["teller"], Role::Learner),
    (&["consultant"], Role::Learner),
    // Customers. "student" is deliberately absent: in training role-plays the
    // student is usually the learner.
    (&["customer"], Role::Customer),
    (&["client"], Role::Customer),
    (&["caller"], Role::Customer),
    (&["guest"], Role::Customer),
    (&["member"], Role::Customer),
    (&["patient"], Role::Customer),
    (&["passenger"], Role::Customer),
    (&["visitor"], Role::Customer),
    (&["shopper"], Role::Customer),
    (&["buyer"], Role::Customer),
    (&["purchaser"], Role::Customer),
    (&["diner"], Role::Customer),
    (&["tenant"], Role::Customer),
    (&["resident"], Role::Customer),
    (&["user"], Role::Customer),
    (&["complainant"], Role::Customer),
    (&["consumer"], Role::Customer),
    // People outside the learner/customer pair.
    (&["supervisor"], Role::Other),
    (&["manager"], Role::Other),
    (&["assessor"], Role::Other),
    (&["observer"], Role::Other),
    (&["narrator"], Role::Other),
    (&["trainer"], Role::Other),
    (&["facilitator"], Role::Other),
    (&["examiner"], Role::Other),
];

/// Reads a role from a speaker or role label such as `Agent 1`, `Customer_2`,
/// `Service Advisor`, `CSR` or `Customer Service Rep`.
///
/// Matching is by whole word, case-insensitive; `learner`, `customer` and
/// `other` name their role directly. A label whose words point at different
/// roles (`Assistant Manager`) yields `None`, leaving the decision to the other
/// rules rather than guessing.
pub fn role_from_label(label: &str) -> Option<Role> {
    if let Some(role) = Role::parse(label) {
        return Some(role);
    }
    let words = label_words(label);
    let mut found: Option<Role> = None;
    let mut i = 0;
    while i < words.len() {
        let rest = &words[i..];
        let term = LABEL_TERMS.iter().find(|(phrase, _)| {
            phrase.len() <= rest.len() && phrase.iter().zip(rest).all(|(p, w)| *p == w.as_str())
        });
        match term {
            Some((phrase, role)) => {
                if found.is_some_and(|seen| seen != *role) {
                    return None;
                }
                found = Some(*role);
                i += phrase.len();
            }
            None => i += 1,
        }
    }
    found
}

/// Lower-cased words of a label, split at anything that is not a letter or
/// digit and between letters and digits, so `Agent1` and `Customer_2` both
/// expose their role word.
fn label_words(label: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut current_is_digit = false;
    for c in label.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let is_digit = c.is_numeric();
        if !current.is_empty() && is_digit != current_is_digit {
            words.push(std::mem::take(&mut current));
        }
        current_is_digit = is_digit;
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a label is one a diarisation tool made up rather than a name:
/// `spk_0`, `SPEAKER_00`, `Speaker 1`, `Speaker A`, `ch_0`, `Channel 1`, `S1`,
/// a single letter (`A`) or a number (`0`).
pub fn is_diarised_label(label: &str) -> bool {
    let is_id = |word: &str| {
        word.chars().all(|c| c.is_ascii_digit())
            || (word.len() == 1 && word.chars().all(|c| c.is_ascii_alphabetic()))
    };
    match label_words(label).as_slice() {
        [id] => is_id(id),
        [prefix, id] => DIARISED_PREFIXES.contains(&prefix.as_str()) && is_id(id),
        _ => false,
    }
}

/// The service greeting that opens `text`, if any: a phrase from
/// the fixed list of greetings, or a name followed by "speaking" at the end of a clause
/// ("Priya speaking.").
pub fn greeting_signal(text: &str) -> Option<&'static str> {
    let head: String = text.chars().take(GREETING_CHARS).collect();
    let mut normal = String::with_capacity(head.len() + 2);
    normal.push(' ');
    for c in head.chars().flat_map(char::to_lowercase) {
        let c = match c {
            '’' | '‘' | '`' => '\'',
            c if c.is_alphanumeric() || c == '\'' => c,
            _ => ' ',
        };
        if !(c == ' ' && normal.ends_with(' ')) {
            normal.push(c);
        }
    }
    normal.push(' ');
    if let Some(phrase) = GREETINGS
        .iter()
        .find(|phrase| normal.contains(&format!(" {phrase} ")))
    {
        return Some(phrase);
    }
    let lower = head.to_lowercase();
    let speaking = lower.match_indices("speaking").any(|(at, word)| {
        let before = &lower[..at];
        let after = lower[at + word.len()..].trim_start();
        before.ends_with(' ')
            && !before.trim().is_empty()
            && (after.is_empty() || after.starts_with(['.', ',', '!', ';', '-', '–', '—']))
    });
    speaking.then_some("… speaking")
}

/// The identity of a speaker label: trimmed, case-folded, inner whitespace collapsed.
pub(super) fn speaker_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

struct Speaker {
    /// The label as first written in the transcript.
    label: String,
    /// Role from [`RoleHints`]; beats everything, on every turn.
    explicit: Option<Role>,
    /// Role for turns that state none.
    role: Option<Role>,
}

/// Settles the role of every turn (see the module documentation for the rules).
pub fn assign_roles(raw: Vec<RawTurn>, hints: &RoleHints) -> Result<Transcript, TranscriptError> {
    assign_roles_reported(raw, hints).map(|(transcript, _)| transcript)
}

/// Like [`assign_roles`], also returning the guess made from a greeting, if any.
pub fn assign_roles_reported(
    raw: Vec<RawTurn>,
    hints: &RoleHints,
) -> Result<(Transcript, Option<RoleGuess>), TranscriptError> {
    if raw.is_empty() {
        return Err(TranscriptError::Empty);
    }

    let mut speakers: Vec<Speaker> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut turn_speaker = Vec::with_capacity(raw.len());
    let mut first_stated: Vec<Option<Role>> = Vec::new();
    for (turn, raw_turn) in raw.iter().enumerate() {
        let key = speaker_key(&raw_turn.speaker);
        if key.is_empty() {
            return Err(TranscriptError::InvalidTurn {
                turn,
                message: "the speaker label is empty (turns are counted from 0)".to_string(),
            });
        }
        let index = *index_of.entry(key).or_insert_with(|| {
            speakers.push(Speaker {
                label: raw_turn.speaker.trim().to_string(),
                explicit: None,
                role: None,
            });
            first_stated.push(None);
            speakers.len() - 1
        });
        if first_stated[index].is_none() {
            first_stated[index] = raw_turn.role;
        }
        turn_speaker.push(index);
    }

    let learner_key = hints.learner.as_deref().map(speaker_key);
    if let Some(key) = &learner_key {
        if !index_of.contains_key(key) {
            return Err(TranscriptError::NoLearner {
                hint: format!(
                    "the learner speaker {} does not appear in the transcript; {}",
                    quote_label(hints.learner.as_deref().unwrap_or_default()),
                    speakers_found(&speakers, false)
                ),
                speakers: labels(&speakers),
            });
        }
    }
    let mapped: HashMap<String, Role> = hints
        .roles
        .iter()
        .map(|(label, role)| (speaker_key(label), *role))
        .collect();
    let hinted_learner = learner_key.is_some();
    // With a named learner, nobody else may be a learner unless mapped so explicitly.
    let demote = |role: Role| {
        if hinted_learner && role == Role::Learner {
            Role::Other
        } else {
            role
        }
    };

    for (key, &index) in &index_of {
        let speaker = &mut speakers[index];
        speaker.explicit = if learner_key.as_deref() == Some(key.as_str()) {
            Some(Role::Learner)
        } else {
            mapped.get(key).copied()
        };
        speaker.role = speaker
            .explicit
            .or_else(|| role_from_label(&speaker.label).map(demote))
            .or_else(|| first_stated[index].map(demote));
    }

    settle_two_party(&mut speakers);
    let guess = if hinted_learner || speakers.iter().any(|s| s.role == Some(Role::Learner)) {
        None
    } else {
        guess_from_greeting(&raw, &turn_speaker, &mut speakers)
    };
    settle_two_party(&mut speakers);
    if let [first, second] = speakers.as_slice() {
        if first.role.is_none() && second.role.is_none() {
            return Err(TranscriptError::NoLearner {
                hint: format!(
                    "cannot tell which of the two speakers is the learner; {}; \
                     pass --learner NAME or map speakers to roles",
                    speakers_found(&speakers, false)
                ),
                speakers: labels(&speakers),
            });
        }
    }

    let turns: Vec<Turn> = raw
        .into_iter()
        .zip(turn_speaker)
        .map(|(raw_turn, index)| {
            let speaker = &speakers[index];
            let role = speaker
                .explicit
                .or(raw_turn.role.map(demote))
                .or(speaker.role)
                .unwrap_or(Role::Other);
            Turn {
                speaker: raw_turn.speaker,
                role,
                text: raw_turn.text,
                start: raw_turn.start,
                end: raw_turn.end,
            }
        })
        .collect();

    if !turns.iter().any(|turn| turn.role == Role::Learner) {
        // Report the roles actually settled so the user sees what went wrong.
        for speaker in &mut speakers {
            speaker.role = speaker.role.or(Some(Role::Other));
        }
        return Err(TranscriptError::NoLearner {
            hint: format!(
                "no speaker was recognised as the learner; {}; \
                 pass --learner NAME or map speakers to roles",
                speakers_found(&speakers, true)
            ),
            speakers: labels(&speakers),
        });
    }
    Ok((Transcript { turns }, guess))
}

/// Rule 4: with two speakers, one known side gives the other the other role.
fn settle_two_party(speakers: &mut [Speaker]) {
    if let [first, second] = speakers {
        match (first.role, second.role) {
            (Some(known), None) => second.role = opposite(known),
            (None, Some(known)) => first.role = opposite(known),
            _ => {}
        }
    }
}

/// Rule 5: guesses the learner from a service greeting among unsettled
/// diarised speakers, and the customer with them; see the module documentation.
fn guess_from_greeting(
    raw: &[RawTurn],
    turn_speaker: &[usize],
    speakers: &mut [Speaker],
) -> Option<RoleGuess> {
    let guessable = |speaker: &Speaker| speaker.role.is_none() && is_diarised_label(&speaker.label);
    let mut first_turn: Vec<Option<usize>> = vec![None; speakers.len()];
    for (turn, &index) in turn_speaker.iter().enumerate().take(GREETING_WINDOW) {
        first_turn[index].get_or_insert(turn);
    }
    // Turns are in order, so the first greeting found is the earliest.
    let (learner, turn, greeting) = first_turn
        .iter()
        .enumerate()
        .filter_map(|(index, turn)| Some((index, (*turn)?)))
        .filter(|(index, _)| guessable(&speakers[*index]))
        .filter_map(|(index, turn)| Some((index, turn, greeting_signal(&raw[turn].text)?)))
        .min_by_key(|(_, turn, _)| *turn)?;
    speakers[learner].role = Some(Role::Learner);

    let customer = if speakers.len() == 2 {
        // Rule 4 makes the other side the customer, if it is not settled already.
        let other = 1 - learner;
        speakers[other].role.is_none().then_some(other)
    } else if speakers.iter().any(|s| s.role == Some(Role::Customer)) {
        None
    } else {
        let mut said = vec![0usize; speakers.len()];
        for (raw_turn, &index) in raw.iter().zip(turn_speaker) {
            said[index] += raw_turn.text.chars().count();
        }
        (0..speakers.len())
            .filter(|&index| guessable(&speakers[index]))
            .max_by_key(|&index| (said[index], std::cmp::Reverse(index)))
    };
    if let Some(index) = customer {
        speakers[index].role = Some(Role::Customer);
    }

    let learner_label = speakers[learner].label.clone();
    let customer_label = customer.map(|index| speakers[index].label.clone());
    let mut reason = format!(
        "the speaker labels do not say who is who; {} opens turn {turn} (counted from 0) with \
         a service greeting (\"{greeting}\"), so it is taken as the learner",
        quote_label(&learner_label)
    );
    if let Some(label) = &customer_label {
        reason.push_str(&format!(" and {} as the customer", quote_label(label)));
    }
    reason.push_str("; pass --learner NAME or map speakers to roles to change this");
    Some(RoleGuess {
        learner: learner_label,
        customer: customer_label,
        turn,
        greeting: greeting.to_string(),
        reason,
    })
}

/// The other side of a two-party learner/customer conversation.
fn opposite(role: Role) -> Option<Role> {
    match role {
        Role::Learner => Some(Role::Customer),
        Role::Customer => Some(Role::Learner),
        Role::Other => None,
    }
}

/// Speaker labels are not transcript text, so hints may show them, shortened.
fn quote_label(label: &str) -> String {
    let mut chars = label.chars();
    let shown: String = chars.by_ref().take(MAX_LABEL_CHARS).collect();
    if chars.next().is_some() {
        format!("\"{shown}…\"")
    } else {
        format!("\"{shown}\"")
    }
}

/// Speaker labels listed in a no-learner error: enough for any real role-play,
/// bounded for a transcript with a label on every line.
pub const MAX_SPEAKERS_LISTED: usize = 50;

fn labels(speakers: &[Speaker]) -> Vec<String> {
    speakers
        .iter()
        .take(MAX_SPEAKERS_LISTED)
        .map(|speaker| speaker.label.clone())
        .collect()
}

fn speakers_found(speakers: &[Speaker], with_roles: bool) -> String {
    let mut shown: Vec<String> = speakers
        .iter()
        .take(MAX_LABELS_SHOWN)
        .map(|speaker| match (with_roles, speaker.role) {
            (true, Some(role)) => format!("{} ({role})", quote_label(&speaker.label)),
            _ => quote_label(&speaker.label),
        })
        .collect();
    if speakers.len() > MAX_LABELS_SHOWN {
        shown.push(format!("and {} more", speakers.len() - MAX_LABELS_SHOWN));
    }
    format!("speakers found: {}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A speaker label and the role its turn states, if any.
    type Spec<'a> = (&'a str, Option<Role>);

    fn raw(speaker: &str, role: Option<Role>) -> RawTurn {
        RawTurn {
            speaker: speaker.to_string(),
            role,
            text: format!("words of {speaker}"),
            start: None,
            end: None,
            line: 1,
        }
    }

    fn turns(specs: &[Spec]) -> Vec<RawTurn> {
        specs
            .iter()
            .map(|(speaker, role)| raw(speaker, *role))
            .collect()
    }

    fn hints(learner: Option<&str>, roles: &[(&str, Role)]) -> RoleHints {
        RoleHints {
            learner: learner.map(str::to_string),
            roles: roles
                .iter()
                .map(|(label, role)| (label.to_string(), *role))
                .collect(),
        }
    }

    fn roles_of(transcript: &Transcript) -> Vec<Role> {
        transcript.turns.iter().map(|turn| turn.role).collect()
    }

    fn no_learner_hint(result: Result<Transcript, TranscriptError>) -> String {
        match result {
            Err(TranscriptError::NoLearner { hint, .. }) => hint,
            other => panic!("expected NoLearner, got {other:?}"),
        }
    }

    use Role::{Customer as C, Learner as L, Other as O};

    #[test]
    fn role_from_label_reads_role_words() {
        let cases: &[(&str, Option<Role>)] = &[
            ("Agent", Some(L)),
            ("agent", Some(L)),
            ("Agent 1", Some(L)),
            ("Agent1", Some(L)),
            ("Customer_2", Some(C)),
            ("Customer2", Some(C)),
            ("Service Advisor", Some(L)),
            ("Service Adviser", Some(L)),
            ("CSR", Some(L)),
            ("CS", Some(L)),
            ("Sales Rep", Some(L)),
            ("Customer Service Advisor", Some(L)),
            ("Customer Service", Some(L)),
            ("customer-support", Some(L)),
            ("Front Desk", Some(L)),
            ("Learner", Some(L)),
            ("Trainee", Some(L)),
            ("Customer", Some(C)),
            ("CUSTOMER", Some(C)),
            ("The Customer", Some(C)),
            ("Customer's wife", Some(C)),
            ("Caller", Some(C)),
            ("Hotel Guest", Some(C)),
            ("Patient", Some(C)),
            ("Client", Some(C)),
            ("Supervisor", Some(O)),
            ("Store Manager", Some(O)),
            ("Team Leader", Some(O)),
            ("Narrator", Some(O)),
            ("other", Some(O)),
            // Both staff and non-staff words: no guess.
            ("Assistant Manager", None),
            ("Support User", None),
            // Role words only count as whole words.
            ("Agentur", None),
            ("Customers", None),
            ("Repton", None),
            ("Hostess Clara", None),
            ("Sam", None),
            ("Student", None),
            ("", None),
        ];
        for (label, expected) in cases {
            assert_eq!(role_from_label(label), *expected, "label {label:?}");
        }
    }

    #[test]
    fn label_words_split_at_punctuation_and_digits() {
        assert_eq!(label_words("Agent1"), vec!["agent", "1"]);
        assert_eq!(label_words("Customer_2 (B)"), vec!["customer", "2", "b"]);
        assert_eq!(label_words("  Dr. O'Neil "), vec!["dr", "o", "neil"]);
        assert!(label_words("--").is_empty());
    }

    #[test]
    fn labels_settle_two_party_roles() {
        let transcript = assign_roles(
            turns(&[("Agent", None), ("Customer", None), ("agent", None)]),
            &RoleHints::default(),
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![L, C, L]);
        assert_eq!(transcript.turns[2].speaker, "agent");
        assert_eq!(transcript.turns[1].text, "words of Customer");
    }

    #[test]
    fn two_party_inference_gives_the_other_side_the_other_role() {
        let cases: &[(&[Spec], &[Role])] = &[
            (&[("Agent", None), ("Sam", None), ("Sam", None)], &[L, C, C]),
            (&[("Sam", None), ("Customer", None)], &[L, C]),
            (
                &[("Alex", None), ("Caller", None), ("Alex", None)],
                &[L, C, L],
            ),
            // Known through a stated role on one turn only.
            (
                &[("Sam", Some(C)), ("Alex", None), ("Sam", None)],
                &[C, L, C],
            ),
            (
                &[("Sam", None), ("Alex", Some(L)), ("Alex", None)],
                &[C, L, L],
            ),
        ];
        for (input, expected) in cases {
            let transcript = assign_roles(turns(input), &RoleHints::default()).unwrap();
            assert_eq!(roles_of(&transcript), *expected, "input {input:?}");
        }
    }

    #[test]
    fn unknown_speakers_in_three_party_conversations_are_other() {
        let transcript = assign_roles(
            turns(&[
                ("Agent", None),
                ("Customer", None),
                ("Pat", None),
                ("Jo", None),
            ]),
            &RoleHints::default(),
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![L, C, O, O]);
    }

    #[test]
    fn three_party_has_no_opposite_side_inference() {
        let transcript = assign_roles(
            turns(&[("Agent", None), ("Pat", None), ("Supervisor", None)]),
            &RoleHints::default(),
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![L, O, O]);
    }

    #[test]
    fn stated_turn_role_beats_the_label_for_that_turn_only() {
        let transcript = assign_roles(
            turns(&[("Agent", Some(C)), ("Agent", None), ("Customer", None)]),
            &RoleHints::default(),
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![C, L, C]);
    }

    #[test]
    fn first_stated_role_fills_unstated_turns_of_an_unlabelled_speaker() {
        let transcript = assign_roles(
            turns(&[
                ("Sam", None),
                ("Sam", Some(L)),
                ("Sam", Some(C)),
                ("Pat", None),
                ("Jo", Some(C)),
            ]),
            &RoleHints::default(),
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![L, L, C, O, C]);
    }

    #[test]
    fn roles_mapping_beats_stated_roles_and_labels() {
        let hints = hints(None, &[("  customer ", L), ("AGENT", C)]);
        let transcript = assign_roles(
            turns(&[("Agent", Some(L)), ("Customer", Some(C)), ("Agent", None)]),
            &hints,
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![C, L, C]);
    }

    #[test]
    fn roles_mapping_for_an_absent_speaker_is_ignored() {
        let hints = hints(None, &[("Nobody", C)]);
        let transcript = assign_roles(turns(&[("Agent", None), ("Sam", None)]), &hints).unwrap();
        assert_eq!(roles_of(&transcript), vec![L, C]);
    }

    #[test]
    fn roles_mapping_settles_a_two_party_conversation() {
        let hints = hints(None, &[("pat", C)]);
        let transcript = assign_roles(turns(&[("Sam", None), ("Pat", None)]), &hints).unwrap();
        assert_eq!(roles_of(&transcript), vec![L, C]);
    }

    #[test]
    fn learner_hint_is_case_insensitive_and_beats_everything() {
        let hints = hints(Some(" SAM "), &[]);
        let transcript = assign_roles(
            turns(&[("Sam", Some(C)), ("Pat", None), ("sam", None)]),
            &hints,
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![L, C, L]);
    }

    #[test]
    fn learner_hint_makes_other_would_be_learners_other() {
        let hints = hints(Some("Agent 2"), &[]);
        let transcript = assign_roles(
            turns(&[
                ("Agent 1", None),
                ("Agent 2", None),
                ("Customer", None),
                ("Agent 1", Some(L)),
            ]),
            &hints,
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![O, L, C, O]);
    }

    #[test]
    fn learner_hint_keeps_speakers_explicitly_mapped_to_learner() {
        let hints = hints(Some("Sam"), &[("Pat", L)]);
        let transcript =
            assign_roles(turns(&[("Sam", None), ("Pat", None), ("Jo", None)]), &hints).unwrap();
        assert_eq!(roles_of(&transcript), vec![L, L, O]);
    }

    #[test]
    fn learner_hint_for_a_missing_speaker_is_an_error_listing_labels() {
        let hint = no_learner_hint(assign_roles(
            turns(&[("Agent", None), ("Customer", None)]),
            &hints(Some("Sammy"), &[]),
        ));
        assert_eq!(
            hint,
            "the learner speaker \"Sammy\" does not appear in the transcript; \
             speakers found: \"Agent\", \"Customer\""
        );
    }

    #[test]
    fn two_unknown_speakers_are_an_error_with_advice() {
        let hint = no_learner_hint(assign_roles(
            turns(&[("Sam", None), ("Pat", None), ("Sam", None)]),
            &RoleHints::default(),
        ));
        assert_eq!(
            hint,
            "cannot tell which of the two speakers is the learner; speakers found: \"Sam\", \"Pat\"; \
             pass --learner NAME or map speakers to roles"
        );
    }

    #[test]
    fn no_learner_turn_is_an_error_naming_settled_roles() {
        let cases: &[(&[Spec], &str)] = &[
            (
                &[("Customer", None), ("Supervisor", None)],
                "speakers found: \"Customer\" (customer), \"Supervisor\" (other)",
            ),
            (&[("Sam", None)], "speakers found: \"Sam\" (other)"),
            (
                &[("Customer", None), ("Pat", None), ("Jo", None)],
                "speakers found: \"Customer\" (customer), \"Pat\" (other), \"Jo\" (other)",
            ),
            // The other side of a two-party talk with an `other` speaker stays unknown.
            (
                &[("Narrator", None), ("Sam", None)],
                "speakers found: \"Narrator\" (other), \"Sam\" (other)",
            ),
        ];
        for (input, listing) in cases {
            let hint = no_learner_hint(assign_roles(turns(input), &RoleHints::default()));
            assert_eq!(
                hint,
                format!(
                    "no speaker was recognised as the learner; {listing}; \
                     pass --learner NAME or map speakers to roles"
                ),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn hints_truncate_long_labels_and_long_lists() {
        let long = "A".repeat(45);
        let mut specs: Vec<(String, Option<Role>)> = vec![(long, None)];
        specs.extend((1..=11).map(|n| (format!("Person {n}"), None)));
        let raw_turns = specs
            .iter()
            .map(|(speaker, role)| raw(speaker, *role))
            .collect();
        let hint = no_learner_hint(assign_roles(raw_turns, &RoleHints::default()));
        assert!(
            hint.contains(&format!("\"{}…\" (other)", "A".repeat(40))),
            "{hint}"
        );
        assert!(hint.contains("\"Person 9\" (other), and 2 more;"), "{hint}");
        assert!(!hint.contains("Person 10"), "{hint}");
    }

    #[test]
    fn no_turns_is_empty() {
        assert_eq!(
            assign_roles(Vec::new(), &RoleHints::default()),
            Err(TranscriptError::Empty)
        );
    }

    #[test]
    fn blank_speaker_is_an_invalid_turn() {
        assert_eq!(
            assign_roles(
                turns(&[("Agent", None), ("  ", None)]),
                &RoleHints::default()
            ),
            Err(TranscriptError::InvalidTurn {
                turn: 1,
                message: "the speaker label is empty (turns are counted from 0)".to_string()
            })
        );
    }

    #[test]
    fn speakers_differing_only_in_case_and_spacing_are_one_speaker() {
        let transcript = assign_roles(
            turns(&[("Sam  Smith", Some(L)), ("Pat", None), ("sam smith", None)]),
            &RoleHints::default(),
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![L, C, L]);
    }

    #[test]
    fn turn_fields_are_carried_over_unchanged() {
        let mut input = turns(&[("Agent", None), ("Customer", None)]);
        input[0].text = "  Hello,\nthere ".to_string();
        input[0].start = Some(1.5);
        input[0].end = Some(2.0);
        let transcript = assign_roles(input, &RoleHints::default()).unwrap();
        assert_eq!(
            transcript.turns[0],
            Turn {
                speaker: "Agent".to_string(),
                role: L,
                text: "  Hello,\nthere ".to_string(),
                start: Some(1.5),
                end: Some(2.0),
            }
        );
    }

    /// (speaker and text of each turn, roles settled, learner, customer, greeting turn)
    type GuessCase<'a> = (
        &'a [(&'a str, &'a str)],
        &'a [Role],
        &'a str,
        Option<&'a str>,
        usize,
    );

    fn said(speaker: &str, text: &str) -> RawTurn {
        RawTurn {
            text: text.to_string(),
            ..raw(speaker, None)
        }
    }

    #[test]
    fn diarised_labels_are_recognised() {
        for label in [
            "spk_0",
            "spk_12",
            "SPEAKER_00",
            "Speaker 1",
            "speaker1",
            "Speaker A",
            "ch_0",
            "Channel 2",
            "S1",
            "A",
            "b",
            "0",
            "12",
        ] {
            assert!(is_diarised_label(label), "{label:?}");
        }
        for label in [
            "Priya",
            "Agent 1",
            "Speaker",
            "Speaker AB",
            "Guest-1",
            "Dr. Chen",
            "AB",
            "spk_0 x",
            "",
        ] {
            assert!(!is_diarised_label(label), "{label:?}");
        }
    }

    #[test]
    fn greetings_are_found_at_the_start_of_a_turn() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Thank you for calling Northway, how can I help?",
                Some("thank you for calling"),
            ),
            (
                "Good morning, you’re through to Brightline. Megan speaking.",
                Some("you're through to"),
            ),
            ("Hello, Jordan speaking.", Some("… speaking")),
            ("Crossway Trains, Jordan speaking", Some("… speaking")),
            ("Hi there, HOW MAY I HELP you?", Some("how may i help")),
            ("Welcome to Peak Cycles!", Some("welcome to")),
            ("Speaking.", None),
            ("I'm speaking to you about my refund.", None),
            ("Hello? Is anyone there?", None),
            ("Thanks for nothing.", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(greeting_signal(text), *expected, "{text:?}");
        }
        // Only the head of a long turn is searched.
        let late = format!("{} how can I help", "word ".repeat(60));
        assert_eq!(greeting_signal(&late), None);
    }

    #[test]
    fn diarised_speakers_are_guessed_from_a_greeting() {
        let cases: &[GuessCase] = &[
            (
                &[
                    ("spk_0", "Thank you for calling, how can I help?"),
                    ("spk_1", "Hi."),
                    ("spk_0", "Sure."),
                ],
                &[L, C, L],
                "spk_0",
                Some("spk_1"),
                0,
            ),
            (
                &[
                    ("A", "Hello?"),
                    ("B", "Good morning, you're through to Northway."),
                    ("A", "Hi."),
                ],
                &[C, L, C],
                "B",
                Some("A"),
                1,
            ),
            // Three speakers: the one who says most besides is the customer.
            (
                &[
                    ("Speaker 0", "Priya speaking, how can I help?"),
                    ("Speaker 2", "Hm."),
                    (
                        "Speaker 1",
                        "My refund is five weeks late and nobody calls back.",
                    ),
                ],
                &[L, O, C],
                "Speaker 0",
                Some("Speaker 1"),
                0,
            ),
            // A customer already known by label is kept; no customer is guessed.
            (
                &[
                    ("spk_0", "Thanks for calling."),
                    ("Customer", "Hi."),
                    ("spk_1", "Hello, supervisor here."),
                ],
                &[L, C, O],
                "spk_0",
                None,
                0,
            ),
        ];
        for (specs, roles, learner, customer, turn) in cases {
            let input = specs.iter().map(|(s, t)| said(s, t)).collect();
            let (transcript, guess) = assign_roles_reported(input, &RoleHints::default()).unwrap();
            assert_eq!(roles_of(&transcript), *roles, "{specs:?}");
            let guess = guess.expect("a guess");
            assert_eq!(guess.learner, *learner, "{specs:?}");
            assert_eq!(guess.customer.as_deref(), *customer, "{specs:?}");
            assert_eq!(guess.turn, *turn, "{specs:?}");
            assert!(
                guess.reason.contains(&format!("\"{learner}\"")),
                "{}",
                guess.reason
            );
            assert!(!guess.reason.contains("Hello"), "{}", guess.reason);
        }
    }

    #[test]
    fn no_guess_without_a_greeting_diarised_labels_or_need() {
        let no_guess: &[&[(&str, &str)]] = &[
            // Named speakers: the caller can name the learner.
            &[
                ("Aisha", "You're speaking to Aisha. How can I help?"),
                ("Tom", "Hi."),
            ],
            // No greeting.
            &[("spk_0", "Hello."), ("spk_1", "Hi.")],
            // The greeting comes too late to open the call.
            &[
                ("spk_0", "Hello."),
                ("spk_1", "Hi."),
                ("spk_0", "Yes."),
                ("spk_1", "So."),
                ("spk_1", "How can I help?"),
            ],
        ];
        for specs in no_guess {
            let input = specs.iter().map(|(s, t)| said(s, t)).collect();
            let result = assign_roles_reported(input, &RoleHints::default());
            assert!(
                matches!(result, Err(TranscriptError::NoLearner { .. })),
                "{specs:?}: {result:?}"
            );
        }
        // Settled by a label or a hint: nothing to guess.
        let settled: &[(&[(&str, &str)], RoleHints)] = &[
            (
                &[("spk_0", "Thank you for calling."), ("Customer", "Hi.")],
                RoleHints::default(),
            ),
            (
                &[("spk_0", "Thank you for calling."), ("spk_1", "Hi.")],
                hints(Some("spk_1"), &[]),
            ),
            (
                &[("spk_0", "Thank you for calling."), ("spk_1", "Hi.")],
                hints(None, &[("spk_0", C)]),
            ),
        ];
        for (specs, hints) in settled {
            let input = specs.iter().map(|(s, t)| said(s, t)).collect();
            let (_, guess) = assign_roles_reported(input, hints).unwrap();
            assert_eq!(guess, None, "{specs:?}");
        }
    }
}
