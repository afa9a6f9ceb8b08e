//! Role assignment: the one set of rules, shared by every input format, that
//! settles which speaker is the learner, which the customer, and who is anyone else.
//!
//! Rules, strongest first:
//!
//! 1. [`RoleHints`]: `roles` maps a speaker label to a role and `learner` names
//!    the learner's label (both case-insensitive, trimmed). They apply to every
//!    turn of that speaker. When `learner` is set it names *the* learner, so any
//!    other speaker that would otherwise be a learner by label becomes
//!    [`Role::Other`]. A hint naming a speaker who is not in the transcript, or
//!    two speakers mapped to learner, is an error listing the speakers: a hint
//!    that silently does nothing scores the wrong person.
//! 2. A role stated in the input for one turn ([`RawTurn::role`]) applies to that turn.
//! 3. Turns without a stated role take the speaker's role, read from the speaker
//!    label ([`role_from_label`]: "Agent", "Candidate", "Caller", "Role-player",
//!    "Assessor"...), else from the first role stated on one of the speaker's turns.
//! 4. With exactly two speakers, once one side is known to be the learner or the
//!    customer, the other side takes the other role.
//! 5. When no learner is known yet, the learner is read from what people say
//!    (see [`content`]): the speaker who greets for an organisation, asks for
//!    details, explains policy and says what will be done, against the one who
//!    states a problem, complains and demands. The guess is made only when the
//!    evidence is clear and one-sided, and is returned as a [`RoleGuess`] with
//!    its reasons and confidence; otherwise the caller is asked
//!    ([`TranscriptError::NoLearner`] with the best guess as `suggested`).
//! 6. When no customer is known, the one speaker left unsettled is the
//!    customer; of several, the one who most sounds like the customer. A
//!    transcript with no customer at all (a learner and an assessor, say) is a
//!    [`TranscriptError::NoCustomer`] error rather than a score of half a
//!    conversation.
//!
//! Speakers still unknown after that become [`Role::Other`].

mod content;
mod labels;

pub use content::{greeting_signal, GREETING_WINDOW};
pub use labels::role_from_label;

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

/// A learner (and customer) guessed from what they say, reported so that a
/// client can show it and offer to swap roles.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoleGuess {
    /// The speaker label taken as the learner, as written in the transcript.
    pub learner: String,
    /// The speaker label taken as the customer, when it was guessed too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Share of the role evidence that agrees with the guess, from 0 to 1.
    pub confidence: f64,
    /// What carried the guess: `learner: "<act>"` and `customer: "<act>"`,
    /// each act a phrase from rolemark's fixed lists (never transcript text).
    pub signals: Vec<String>,
    /// The guess in words, for people.
    pub reason: String,
}

/// Longest labels shown in error hints; labels come from the input and a
/// mis-parsed file can produce long ones.
const MAX_LABEL_CHARS: usize = 40;
/// Most labels listed in one error hint.
const MAX_LABELS_SHOWN: usize = 10;
/// Most signals named in a hint.
const MAX_SIGNALS_SHOWN: usize = 6;

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

/// Like [`assign_roles`], also returning the guess made from what people say, if any.
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
                suggested: None,
            });
        }
    }
    let mapped: HashMap<String, Role> = hints
        .roles
        .iter()
        .map(|(label, role)| (speaker_key(label), *role))
        .collect();
    check_mapping(hints, &mapped, learner_key.as_deref(), &index_of, &speakers)?;
    let hinted_learner =
        learner_key.is_some() || mapped.values().any(|role| *role == Role::Learner);
    // With a named learner, nobody else may be a learner by label or stated role.
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
    // Read only when labels and hints leave something to settle: most
    // transcripts say who is who, and their scoring should not pay for this.
    let evidence = std::cell::OnceCell::new();
    let evidence = || -> &[content::RoleEvidence] {
        evidence.get_or_init(|| {
            content::read_speakers(
                raw.iter()
                    .zip(&turn_speaker)
                    .map(|(turn, &speaker)| (speaker, turn.text.as_str())),
                index_of.len(),
            )
        })
    };
    let learner_known = |speakers: &[Speaker]| {
        speakers.iter().any(|s| s.role == Some(Role::Learner))
            || raw
                .iter()
                .any(|turn| turn.role.map(demote) == Some(Role::Learner))
    };
    let guess = if learner_known(&speakers) {
        None
    } else {
        Some(guess_learner(evidence(), &mut speakers)?)
    };
    settle_two_party(&mut speakers);
    settle_customer(evidence, &mut speakers, &raw)?;

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
                "no speaker was recognised as the learner; {}",
                speakers_found(&speakers, true)
            ),
            speakers: labels(&speakers),
            suggested: None,
        });
    }
    Ok((Transcript { turns }, guess))
}

/// Rule 1's checks: every speaker a hint names is in the transcript, and at
/// most one speaker is made the learner.
fn check_mapping(
    hints: &RoleHints,
    mapped: &HashMap<String, Role>,
    learner_key: Option<&str>,
    index_of: &HashMap<String, usize>,
    speakers: &[Speaker],
) -> Result<(), TranscriptError> {
    if let Some(absent) = hints
        .roles
        .keys()
        .find(|label| !index_of.contains_key(&speaker_key(label)))
    {
        return Err(TranscriptError::Roles {
            hint: format!(
                "the roles name {}, who does not speak in the transcript; {}",
                quote_label(absent),
                speakers_found(speakers, false)
            ),
            speakers: labels(speakers),
        });
    }
    let mut learners: Vec<&str> = mapped
        .iter()
        .filter(|(_, role)| **role == Role::Learner)
        .map(|(key, _)| key.as_str())
        .chain(learner_key)
        .collect();
    learners.sort_unstable();
    learners.dedup();
    if learners.len() > 1 {
        let shown: Vec<String> = learners
            .iter()
            .map(|key| quote_label(&speakers[index_of[*key]].label))
            .collect();
        return Err(TranscriptError::Roles {
            hint: format!(
                "{} are all made the learner, and an assessment scores one learner; {}",
                shown.join(" and "),
                speakers_found(speakers, false)
            ),
            speakers: labels(speakers),
        });
    }
    Ok(())
}

/// Rule 5: the learner read from what the unsettled speakers say, or an error
/// asking for them, with the best guess, when the words do not settle it.
fn guess_learner(
    evidence: &[content::RoleEvidence],
    speakers: &mut [Speaker],
) -> Result<RoleGuess, TranscriptError> {
    let candidates: Vec<usize> = (0..speakers.len())
        .filter(|&s| speakers[s].role.is_none())
        .collect();
    let customer_known = speakers.iter().any(|s| s.role == Some(Role::Customer));
    let found = content::guess(evidence, &candidates, !customer_known);
    let Some(guess) = found.clone().filter(|guess| guess.sure) else {
        let (hint, suggested) = match &found {
            Some(guess) => (
                format!(
                    "the labels do not say who is the learner and what they say is not clear \
                     enough to tell (best guess {}, confidence {:.2}: {}); {}",
                    quote_label(&speakers[guess.learner].label),
                    guess.confidence,
                    shown_signals(&content::reasons(evidence, guess)),
                    speakers_found(speakers, false)
                ),
                Some(speakers[guess.learner].label.clone()),
            ),
            None if candidates.is_empty() => (
                format!(
                    "no speaker was recognised as the learner; {}",
                    speakers_found(speakers, true)
                ),
                None,
            ),
            None => (
                format!(
                    "the labels do not say who is the learner and nobody greets, offers help \
                     or speaks for an organisation; {}",
                    speakers_found(speakers, false)
                ),
                None,
            ),
        };
        return Err(TranscriptError::NoLearner {
            hint,
            speakers: labels(speakers),
            suggested,
        });
    };
    speakers[guess.learner].role = Some(Role::Learner);
    if let Some(customer) = guess.customer {
        speakers[customer].role = Some(Role::Customer);
    }
    let signals = content::reasons(evidence, &guess);
    let learner = speakers[guess.learner].label.clone();
    let customer = guess.customer.map(|s| speakers[s].label.clone());
    let (staff_acts, customer_acts) = content::carrying_acts(evidence, &guess);
    let quoted =
        |acts: &[&str]| -> Vec<String> { acts.iter().map(|act| format!("\"{act}\"")).collect() };
    let (said_by_learner, said_by_customer) = (quoted(staff_acts), quoted(customer_acts));
    let mut reason = format!(
        "the speaker labels do not say who is who; {} speaks for the organisation",
        quote_label(&learner)
    );
    if !said_by_learner.is_empty() {
        reason.push_str(&format!(" ({})", shown_signals(&said_by_learner)));
    }
    if let Some(label) = &customer {
        reason.push_str(&format!(" and {} brings the problem", quote_label(label)));
        if !said_by_customer.is_empty() {
            reason.push_str(&format!(" ({})", shown_signals(&said_by_customer)));
        }
    }
    reason.push_str(&format!(", confidence {:.2}", guess.confidence));
    Ok(RoleGuess {
        learner,
        customer,
        confidence: guess.confidence,
        signals,
        reason,
    })
}

/// Rule 6: the customer, when no label, hint or guess has settled one.
fn settle_customer<'a>(
    evidence: impl FnOnce() -> &'a [content::RoleEvidence],
    speakers: &mut [Speaker],
    raw: &[RawTurn],
) -> Result<(), TranscriptError> {
    let stated_customer = raw.iter().any(|turn| turn.role == Some(Role::Customer));
    if stated_customer || speakers.iter().any(|s| s.role == Some(Role::Customer)) {
        return Ok(());
    }
    let candidates: Vec<usize> = (0..speakers.len())
        .filter(|&s| speakers[s].role.is_none())
        .collect();
    // One speaker left is the customer whatever they say: no need to read it.
    if candidates.len() == 1 {
        speakers[candidates[0]].role = Some(Role::Customer);
        return Ok(());
    }
    match content::most_customer_like(evidence(), &candidates) {
        Some(customer) => {
            speakers[customer].role = Some(Role::Customer);
            Ok(())
        }
        None => Err(TranscriptError::NoCustomer {
            hint: format!(
                "no speaker was recognised as the customer; {}",
                speakers_found(speakers, true)
            ),
            speakers: labels(speakers),
        }),
    }
}

/// Signals named in a hint, bounded.
fn shown_signals(signals: &[String]) -> String {
    let mut shown: Vec<&str> = signals
        .iter()
        .take(MAX_SIGNALS_SHOWN)
        .map(String::as_str)
        .collect();
    let more = signals.len().saturating_sub(MAX_SIGNALS_SHOWN);
    let more_text = format!("and {more} more");
    if more > 0 {
        shown.push(&more_text);
    }
    shown.join(", ")
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
    fn the_one_unsettled_speaker_of_three_is_the_customer() {
        let transcript = assign_roles(
            turns(&[("Agent", None), ("Pat", None), ("Supervisor", None)]),
            &RoleHints::default(),
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![L, C, O]);
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
    fn two_speakers_who_say_nothing_telling_are_an_error_listing_them() {
        let hint = no_learner_hint(assign_roles(
            turns(&[("Sam", None), ("Pat", None), ("Sam", None)]),
            &RoleHints::default(),
        ));
        assert_eq!(
            hint,
            "the labels do not say who is the learner and nobody greets, offers help or speaks \
             for an organisation; speakers found: \"Sam\", \"Pat\""
        );
    }

    #[test]
    fn no_learner_turn_is_an_error_naming_settled_roles() {
        let hint = no_learner_hint(assign_roles(
            turns(&[("Customer", None), ("Supervisor", None)]),
            &RoleHints::default(),
        ));
        assert_eq!(
            hint,
            "no speaker was recognised as the learner; speakers found: \"Customer\" (customer), \
             \"Supervisor\" (other)"
        );
        let cases: &[&[Spec]] = &[
            &[("Sam", None)],
            &[("Customer", None), ("Pat", None), ("Jo", None)],
            &[("Narrator", None), ("Sam", None)],
        ];
        for input in cases {
            let hint = no_learner_hint(assign_roles(turns(input), &RoleHints::default()));
            assert!(hint.contains("nobody greets"), "{input:?}: {hint}");
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
            hint.contains(&format!("\"{}…\",", "A".repeat(40))),
            "{hint}"
        );
        assert!(hint.ends_with("\"Person 9\", and 2 more"), "{hint}");
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

    fn said(speaker: &str, text: &str) -> RawTurn {
        RawTurn {
            text: text.to_string(),
            ..raw(speaker, None)
        }
    }

    /// (speaker and text of each turn, roles settled, learner, customer)
    type GuessCase<'a> = (
        &'a [(&'a str, &'a str)],
        &'a [Role],
        &'a str,
        Option<&'a str>,
    );

    #[test]
    fn the_learner_is_read_from_what_people_say() {
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
            ),
            // Named speakers, the customer first, no greeting at all.
            (
                &[
                    (
                        "Dawn",
                        "I've been waiting three weeks for my refund and nobody told me anything.",
                    ),
                    (
                        "Priya",
                        "I'm sorry about that. Can I take your order number and I'll look into it?",
                    ),
                    ("Dawn", "It's 4471. This is ridiculous."),
                    (
                        "Priya",
                        "Thank you. I can see it on the system, bear with me.",
                    ),
                ],
                &[C, L, C, L],
                "Priya",
                Some("Dawn"),
            ),
            // Three speakers: the bystander who says little stays other.
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
            ),
        ];
        for (specs, roles, learner, customer) in cases {
            let input = specs.iter().map(|(s, t)| said(s, t)).collect();
            let (transcript, guess) = assign_roles_reported(input, &RoleHints::default()).unwrap();
            assert_eq!(roles_of(&transcript), *roles, "{specs:?}");
            let guess = guess.expect("a guess");
            assert_eq!(guess.learner, *learner, "{specs:?}");
            assert_eq!(guess.customer.as_deref(), *customer, "{specs:?}");
            assert!(guess.confidence >= 0.75, "{specs:?}: {guess:?}");
            assert!(
                guess.reason.contains(&format!("\"{learner}\"")),
                "{}",
                guess.reason
            );
            // Signals are the fixed phrases, never the transcript's own words.
            assert!(
                guess
                    .signals
                    .iter()
                    .all(|s| s.starts_with("learner: \"") || s.starts_with("customer: \"")),
                "{:?}",
                guess.signals
            );
            assert!(!guess.reason.contains("Hello"), "{}", guess.reason);
        }
    }

    #[test]
    fn unclear_words_ask_with_the_best_guess_rather_than_guess() {
        // Nothing either way: asked, nothing suggested.
        let nothing: &[(&str, &str)] = &[("spk_0", "Hello."), ("spk_1", "Hi.")];
        // One weak sign: asked, with it suggested.
        let weak: &[(&str, &str)] = &[("Sam", "Bear with me."), ("Alex", "Okay.")];
        // Signs on both sides of one speaker: asked.
        let split: &[(&str, &str)] = &[
            (
                "Sam",
                "Can I take your order number? I want a refund, this is ridiculous.",
            ),
            ("Alex", "Let me check."),
        ];
        for (specs, suggested) in [(nothing, None), (weak, Some("Sam")), (split, Some("Alex"))] {
            let input = specs.iter().map(|(s, t)| said(s, t)).collect();
            match assign_roles_reported(input, &RoleHints::default()) {
                Err(TranscriptError::NoLearner {
                    speakers,
                    suggested: got,
                    hint,
                }) => {
                    assert_eq!(speakers.len(), 2, "{specs:?}");
                    assert_eq!(got.as_deref(), suggested, "{specs:?}: {hint}");
                    assert!(!hint.contains("--learner"), "{hint}");
                }
                other => panic!("{specs:?}: expected NoLearner, got {other:?}"),
            }
        }
    }

    #[test]
    fn hints_and_labels_leave_nothing_to_guess() {
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

    #[test]
    fn training_centre_labels_are_read() {
        let cases: &[(&[&str], &[Role])] = &[
            (&["Candidate", "Role-player"], &[L, C]),
            (&["Apprentice", "Actor"], &[L, C]),
            (&["Learner", "Roleplayer", "Assessor"], &[L, C, O]),
            (&["Trainee", "Customer", "Tutor"], &[L, C, O]),
        ];
        for (labels, roles) in cases {
            let specs: Vec<Spec> = labels.iter().map(|l| (*l, None)).collect();
            let transcript = assign_roles(turns(&specs), &RoleHints::default()).unwrap();
            assert_eq!(roles_of(&transcript), *roles, "{labels:?}");
        }
    }

    #[test]
    fn a_transcript_without_a_customer_is_an_error() {
        for specs in [
            &[("Learner", None), ("Assessor", None)][..],
            &[("Agent", None)][..],
        ] {
            match assign_roles(turns(specs), &RoleHints::default()) {
                Err(TranscriptError::NoCustomer { hint, speakers }) => {
                    assert_eq!(speakers.len(), specs.len());
                    assert!(hint.contains("(learner)"), "{hint}");
                }
                other => panic!("{specs:?}: expected NoCustomer, got {other:?}"),
            }
        }
        // The assessor who played the customer, mapped so: scored.
        let transcript = assign_roles(
            turns(&[("Learner", None), ("Assessor", None)]),
            &hints(None, &[("Assessor", C)]),
        )
        .unwrap();
        assert_eq!(roles_of(&transcript), vec![L, C]);
    }

    #[test]
    fn roles_that_do_not_fit_the_speakers_are_an_error_listing_them() {
        let specs = &[("Agent", None), ("Customer", None), ("Bob", None)];
        let cases = [
            hints(None, &[("Nobody", L)]),
            hints(Some("Bob"), &[("Agent", L)]),
            hints(None, &[("Bob", L), ("Agent", L)]),
        ];
        for case in &cases {
            match assign_roles(turns(specs), case) {
                Err(TranscriptError::Roles { hint, speakers }) => {
                    assert_eq!(speakers, ["Agent", "Customer", "Bob"], "{hint}");
                    assert!(hint.contains("speakers found"), "{hint}");
                }
                other => panic!("{case:?}: expected Roles, got {other:?}"),
            }
        }
        // One learner named by a mapping demotes a learner by label, as --learner does.
        let transcript = assign_roles(turns(specs), &hints(None, &[("Bob", L)])).unwrap();
        assert_eq!(roles_of(&transcript), vec![O, C, L]);
    }
}
