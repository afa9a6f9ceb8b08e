//! Scoring: a compiled rubric applied to a transcript gives an [`Assessment`].

use super::analysis::Analysis;
use super::audit::Audit;
use super::evidence::{Evidence, Polarity, RuleKind};
use super::overrides::OverrideRecord;
use super::rubric::{Criterion, RedFlags, Rubric};
use super::rules::{Evaluator, RuleOutcome};
use crate::transcript::{ParseReport, Transcript, Turn};
use foldhash::HashSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How a criterion was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Scored at or above the rubric's `met_at`.
    Met,
    /// Scored at or above `partially_met_at` (and above 0), below `met_at`.
    PartiallyMet,
    /// Scored below `partially_met_at`.
    NotMet,
    /// The criterion did not apply (its `applies_when` rule found nothing, or its rule had nothing to judge).
    NotApplicable,
}

impl Outcome {
    /// The name results give it: `met`, `partially_met`, `not_met`, `not_applicable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::PartiallyMet => "partially_met",
            Outcome::NotMet => "not_met",
            Outcome::NotApplicable => "not_applicable",
        }
    }

    /// The outcome as an assessor reads it in a report.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Met => "Met",
            Outcome::PartiallyMet => "Partially met",
            Outcome::NotMet => "Not met",
            Outcome::NotApplicable => "Not applicable",
        }
    }
}

/// Which rubric produced a result.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RubricRef {
    /// The rubric's id.
    pub id: String,
    /// The rubric's title.
    pub title: String,
    /// The rubric's version.
    pub version: String,
    /// sha256 of the rubric's own source (for an extension, the extending file).
    pub sha256: String,
    /// The rubric this one extends, when it extends one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<super::rubric::BaseRubric>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
/// One criterion's judgement, with the evidence for it.
pub struct CriterionResult {
    /// The criterion's id.
    pub id: String,
    /// The criterion's title.
    pub title: String,
    /// The marking points it stands for.
    pub marking_points: Vec<String>,
    /// Its weight in the overall score.
    pub weight: f64,
    /// Whether not meeting it caps the grade.
    pub required: bool,
    /// The system's judgement (see `assessor_override` for the assessor's).
    pub outcome: Outcome,
    /// 0..1 after red flags; `null` when not applicable.
    pub score: Option<f64>,
    /// Supporting evidence, then evidence against (red flags, wrong order), in turn order.
    pub evidence: Vec<Evidence>,
    /// What was looked for and where, when the criterion is not fully met.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub looked_for: Vec<String>,
    /// When the criterion is not fully met: cues it would credit that the
    /// learner said but that do not count, each with why in `note` (negated, or
    /// the sentence reads as something that rules it out, such as a
    /// non-apology). They are not credited; they show an assessor what the
    /// tool heard and set aside.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub held_back: Vec<Evidence>,
    /// Advice to the learner, when the criterion (after any override) is not met
    /// or only partly met and the rubric gives some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    /// The standards the criterion evidences (criterion references, KSB codes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The assessor's outcome and comment, when they overrode the system's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessor_override: Option<OverrideRecord>,
}

/// The cues `criterion` would credit that its speakers said but that were held
/// back, negated or ruled out by another reading of their sentence, one per
/// sentence and cue; each is also named in `looked_for`.
fn held_back(
    analysis: &Analysis,
    criterion: &Criterion,
    looked_for: &mut Vec<String>,
) -> Vec<Evidence> {
    use super::analysis::SuppressedBy;
    /// Enough to show the pattern; the evidence list keeps them all.
    const NAMED_IN_LOOKED_FOR: usize = 3;
    let mut credited = Vec::new();
    criterion.rule.credited_cues(&mut credited);
    if credited.is_empty() {
        return Vec::new();
    }
    let mut seen = BTreeSet::new();
    let mut held = Vec::new();
    for suppressed in &analysis.suppressed {
        if matches!(suppressed.reason, SuppressedBy::MidSentence) {
            continue;
        }
        let cue = &suppressed.cue;
        let Some(&(_, _, kind)) = credited
            .iter()
            .find(|(lexicon, by, _)| *lexicon == cue.lexicon && by.admits(analysis.role(cue.turn)))
        else {
            continue;
        };
        let sentence = analysis.norm.tokens[cue.first_token as usize].sentence;
        if !seen.insert((sentence, cue.lexicon)) {
            continue;
        }
        let mut evidence = Evidence::from_cue(kind, analysis, cue, Polarity::For);
        evidence.note = Some(format!(
            "held back: {}",
            analysis.held_back_because(suppressed.reason)
        ));
        held.push(evidence);
    }
    held.sort_by_key(|e| (e.quote.turn, e.quote.start));
    for e in held.iter().take(NAMED_IN_LOOKED_FOR) {
        looked_for.push(format!(
            "{} in turn {} was not credited: {}",
            e.cue.as_deref().unwrap_or("a cue"),
            e.quote.turn,
            e.note.as_deref().unwrap_or("held back"),
        ));
    }
    if held.len() > NAMED_IN_LOOKED_FOR {
        looked_for.push(format!(
            "and {} more held back (see held_back)",
            held.len() - NAMED_IN_LOOKED_FOR
        ));
    }
    held
}

/// The rubric's feedback, when `outcome` calls for it.
pub(super) fn feedback_for(criterion: &Criterion, outcome: Outcome) -> Option<String> {
    matches!(outcome, Outcome::NotMet | Outcome::PartiallyMet)
        .then(|| criterion.feedback.clone())
        .flatten()
}

impl CriterionResult {
    /// The outcome that stands: the assessor's when overridden, else the system's.
    pub fn final_outcome(&self) -> Outcome {
        self.assessor_override
            .as_ref()
            .map_or(self.outcome, |o| o.outcome)
    }
}

/// One behaviour the customer showed, with the quotes that show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BehaviourResult {
    /// The behaviour's id.
    pub id: String,
    /// The behaviour's title.
    pub title: String,
    /// Whether enough sentences showed it.
    pub shown: bool,
    /// The customer's sentences that show it.
    pub evidence: Vec<Evidence>,
}

/// What an assessment with no applicable criterion is graded as people read it.
pub const NOT_ASSESSABLE: &str = "Not assessable";

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
/// The overall judgement: score, grade, and how many criteria had each outcome.
pub struct Overall {
    /// Whether any criterion applied. When none did (nothing in the transcript
    /// called for any marking point), there is nothing to grade: `score` and
    /// `grade` are null, `grade_label` says "Not assessable" and `passed` is
    /// false, rather than a score of 0 failing the learner for what was not there.
    pub assessable: bool,
    /// Weighted mean of applicable criteria, 0..1; null when not assessable.
    pub score: Option<f64>,
    /// The grade's name; null when not assessable.
    pub grade: Option<String>,
    /// The grade as people read it, or "Not assessable".
    pub grade_label: String,
    /// Whether the grade is above the rubric's lowest band.
    pub passed: bool,
    /// Required criteria not met, which cap the grade.
    pub capped_by: Vec<String>,
    /// Criteria met.
    pub met: usize,
    /// Criteria partially met.
    pub partially_met: usize,
    /// Criteria not met.
    pub not_met: usize,
    /// Criteria that did not apply.
    pub not_applicable: usize,
    /// Learner turns that raised a red flag anywhere in the rubric.
    pub red_flags: usize,
}

/// The assessment document: readable on its own, evidence included.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    /// The rubric that produced the assessment.
    pub rubric: RubricRef,
    /// Whose role-play, on what day, which transcript and which rolemark: what
    /// an awarding body files. Always present in what the service and the
    /// command line return (library callers add it with `with_audit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit: Option<Audit>,
    /// The system's judgement, before any assessor override.
    pub overall: Overall,
    /// The judgement once the assessor's overrides are applied; present only
    /// when there are overrides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overall_after_overrides: Option<Overall>,
    /// Required criteria to check before accepting the grade: nothing was found
    /// for or against them, yet they alone hold the grade down.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<super::ReviewNote>,
    /// The customer behaviours the rubric looks for, shown or not.
    pub customer_behaviour: Vec<BehaviourResult>,
    /// Each criterion's judgement, in rubric order.
    pub criteria: Vec<CriterionResult>,
    /// The scenario brief the role-play was scored with, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<super::Scenario>,
    /// How the transcript was read: format, turns, timing, any role guess.
    /// Set by callers that parsed the transcript (see [`Assessment::with_input`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<ParseReport>,
    /// The transcript as scored, unless the scorer was told to leave it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<TranscriptView>,
}

impl Assessment {
    /// Records how the transcript was read, so that a client can show the
    /// format and offer to swap guessed roles.
    pub fn with_input(mut self, report: ParseReport) -> Assessment {
        self.input = Some(report);
        self
    }

    /// Records whose assessment it is and of which transcript; the scorer sees
    /// only the parsed transcript, so the caller that received it says.
    pub fn with_audit(mut self, audit: Audit) -> Assessment {
        self.audit = Some(audit);
        self
    }
}

/// The transcript as scored, so that evidence turn indices can be looked up.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TranscriptView {
    /// The turns, in order, with their roles.
    pub turns: Vec<Turn>,
}

/// Scores transcripts against one compiled rubric. Cheap to share across threads.
#[derive(Debug, Clone, Copy)]
pub struct Scorer<'r> {
    pub(super) rubric: &'r Rubric,
    include_transcript: bool,
    scenario: Option<&'r super::Scenario>,
}

pub(super) fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

impl<'r> Scorer<'r> {
    /// A scorer for `rubric`, with no scenario brief, that puts the transcript
    /// in the assessment it returns.
    ///
    /// Building one costs nothing: the rubric was compiled once, and a scorer
    /// only borrows it, so make one wherever a transcript is to be scored.
    pub fn new(rubric: &'r Rubric) -> Self {
        Scorer {
            rubric,
            include_transcript: true,
            scenario: None,
        }
    }

    /// Scores with the role-play's scenario brief, which scenario rules read.
    pub fn with_scenario(mut self, scenario: Option<&'r super::Scenario>) -> Self {
        self.scenario = scenario;
        self
    }

    /// Leaves the transcript out of the assessment document.
    pub fn without_transcript(mut self) -> Self {
        self.include_transcript = false;
        self
    }

    /// Scores `transcript`: every customer behaviour, every criterion with its
    /// outcome, score and evidence, and the overall score and grade.
    ///
    /// Scoring reads the transcript, the rubric and the scenario brief only:
    /// the same inputs give the same assessment, byte for byte, on any thread.
    /// Turn roles must be settled (the parsers in [`crate::transcript`] do
    /// that). Every rule is linear in the number of turns and cue matches.
    ///
    /// ```
    /// use rolemark::engine::{Outcome, Rubric, Scorer};
    /// use rolemark::transcript::{Role, Transcript};
    ///
    /// let rubric = Rubric::compile(r#"
    ///     id = "thanks"
    ///     title = "Thanks the customer"
    ///     version = "1"
    ///     [lexicons.thanks]
    ///     phrases = ["thank you [for waiting]"]
    ///     [[criteria]]
    ///     id = "thanks"
    ///     title = "Thanks the customer"
    ///     rule = { says = ["thanks"] }
    /// "#).unwrap();
    /// let transcript = Transcript::one_sentence(Role::Learner, "Thank you for waiting.");
    /// let assessment = Scorer::new(&rubric).score(&transcript);
    /// assert_eq!(assessment.criteria[0].outcome, Outcome::Met);
    /// assert_eq!(assessment.criteria[0].evidence[0].quote.quote, "Thank you for waiting.");
    /// ```
    pub fn score(&self, transcript: &Transcript) -> Assessment {
        let rubric = self.rubric;
        let analysis = Analysis::new(rubric, transcript);
        let customer_behaviour = self.behaviours(&analysis);
        let shown: Vec<bool> = customer_behaviour.iter().map(|b| b.shown).collect();
        let evaluator = Evaluator {
            analysis: &analysis,
            behaviours_shown: &shown,
            scenario: self.scenario,
        };
        let mut red_flag_turns = BTreeSet::new();
        let criteria: Vec<CriterionResult> = rubric
            .criteria
            .iter()
            .map(|c| self.criterion(&evaluator, c, &mut red_flag_turns))
            .collect();
        let overall = self.overall(&criteria, red_flag_turns.len());
        let review = overall.score.map_or_else(Vec::new, |score| {
            super::review::review_notes(rubric, &criteria, score)
        });
        Assessment {
            rubric: RubricRef {
                id: rubric.id.clone(),
                title: rubric.title.clone(),
                version: rubric.version.clone(),
                sha256: rubric.sha256.clone(),
                extends: rubric.extends.clone(),
            },
            audit: None,
            overall,
            overall_after_overrides: None,
            review,
            customer_behaviour,
            criteria,
            scenario: self.scenario.cloned(),
            input: None,
            transcript: self.include_transcript.then(|| TranscriptView {
                turns: transcript.turns.clone(),
            }),
        }
    }

    fn behaviours(&self, analysis: &Analysis) -> Vec<BehaviourResult> {
        self.rubric
            .behaviours
            .iter()
            .map(|b| {
                let mut sentences = HashSet::default();
                let evidence: Vec<Evidence> = analysis
                    .cue_matches(&b.cues)
                    .filter(|m| analysis.role(m.turn) == crate::transcript::Role::Customer)
                    .filter(|m| {
                        sentences.insert(analysis.norm.tokens[m.first_token as usize].sentence)
                    })
                    .map(|m| Evidence::from_cue(RuleKind::Behaviour, analysis, m, Polarity::For))
                    .collect();
                BehaviourResult {
                    id: b.id.clone(),
                    title: b.title.clone(),
                    shown: evidence.len() >= b.at_least as usize,
                    evidence,
                }
            })
            .collect()
    }

    fn criterion(
        &self,
        evaluator: &Evaluator,
        criterion: &Criterion,
        red_flag_turns: &mut BTreeSet<usize>,
    ) -> CriterionResult {
        let scoring = &self.rubric.scoring;
        let applies = criterion
            .applies_when
            .as_ref()
            .map(|rule| evaluator.evaluate(rule).score.unwrap_or(0.0) > 0.0)
            .unwrap_or(true);
        let outcome = if applies {
            evaluator.evaluate(&criterion.rule)
        } else {
            RuleOutcome::default()
        };
        let mut evidence = outcome.evidence;
        let mut looked_for = outcome.unmet;
        let mut score = outcome.score;
        if let Some(mut value) = score {
            let mut flagged = BTreeSet::new();
            for flags in &criterion.red_flags {
                let raised = raise_red_flags(evaluator, flags, &mut flagged, &mut evidence);
                if raised == 0 {
                    continue;
                }
                let mut sought: Vec<String> = flags
                    .rules
                    .iter()
                    .map(|rule| evaluator.describe(rule))
                    .collect();
                if !flags.cues.is_empty() {
                    sought.insert(0, evaluator.describe_cues(&flags.cues));
                }
                let floor = match (flags.floor > 0.0, flags.floor_turns) {
                    (false, _) => String::new(),
                    (true, None) => format!(", together no lower than {}", flags.floor),
                    (true, Some(turns)) => {
                        format!(", no lower than {} for up to {turns} turn(s)", flags.floor)
                    }
                };
                looked_for.push(format!(
                    "no red flags ({}): {} learner turn(s) raised one, each costing {}{floor}",
                    sought.join("; "),
                    raised,
                    flags.penalty
                ));
                value = flags.apply(value, raised);
            }
            red_flag_turns.extend(flagged.iter().copied());
            // Each group's `apply` already keeps the score at 0 or above.
            score = Some(value);
        }
        let score = score.map(round);
        let outcome = match score {
            None => Outcome::NotApplicable,
            Some(s) if s >= scoring.met_at => Outcome::Met,
            Some(s) if s >= scoring.partially_met_at && s > 0.0 => Outcome::PartiallyMet,
            Some(_) => Outcome::NotMet,
        };
        dedupe_and_order(&mut evidence);
        if outcome == Outcome::Met || outcome == Outcome::NotApplicable {
            looked_for.retain(|l| l.starts_with("no red flags"));
        }
        if matches!(outcome, Outcome::NotMet | Outcome::PartiallyMet) {
            if let Some(summary) = &criterion.looked_for {
                looked_for.insert(0, summary.clone());
            }
        }
        if outcome == Outcome::NotApplicable {
            looked_for.clear();
        }
        let held_back = if matches!(outcome, Outcome::NotMet | Outcome::PartiallyMet) {
            held_back(evaluator.analysis, criterion, &mut looked_for)
        } else {
            Vec::new()
        };
        CriterionResult {
            id: criterion.id.clone(),
            title: criterion.title.clone(),
            marking_points: criterion.marking_points.clone(),
            weight: criterion.weight,
            required: criterion.required,
            outcome,
            score,
            evidence,
            looked_for,
            held_back,
            feedback: feedback_for(criterion, outcome),
            references: criterion.references.clone(),
            assessor_override: None,
        }
    }

    pub(super) fn overall(&self, criteria: &[CriterionResult], red_flags: usize) -> Overall {
        let scoring = &self.rubric.scoring;
        let (weighted, weights) = criteria
            .iter()
            .filter_map(|c| c.score.map(|s| (s * c.weight, c.weight)))
            .fold((0.0, 0.0), |(a, b), (s, w)| (a + s, b + w));
        let count = |o: Outcome| criteria.iter().filter(|c| c.outcome == o).count();
        let capped_by: Vec<String> = criteria
            .iter()
            .filter(|c| c.required && c.outcome == Outcome::NotMet)
            .map(|c| c.id.clone())
            .collect();
        // Assessable when some criterion was judged; an override of a criterion
        // to not applicable can take that away again.
        let applicable = criteria.iter().any(|c| c.score.is_some());
        let graded = applicable.then(|| {
            let score = if weights > 0.0 {
                round(weighted / weights)
            } else {
                0.0
            };
            let mut band = scoring.band_for(score);
            if !capped_by.is_empty() {
                band = band.min(scoring.required_cap);
            }
            (score, band)
        });
        Overall {
            assessable: graded.is_some(),
            score: graded.map(|(score, _)| score),
            grade: graded.map(|(_, band)| scoring.bands[band].grade.clone()),
            grade_label: graded.map_or_else(
                || NOT_ASSESSABLE.to_owned(),
                |(_, band)| scoring.bands[band].label.clone(),
            ),
            passed: graded.is_some_and(|(_, band)| band > 0),
            capped_by,
            met: count(Outcome::Met),
            partially_met: count(Outcome::PartiallyMet),
            not_met: count(Outcome::NotMet),
            not_applicable: count(Outcome::NotApplicable),
            red_flags,
        }
    }
}

/// Keeps one copy of each quote per polarity, supporting evidence first, each group
/// in transcript order, so output is stable whatever order rules ran in.
fn dedupe_and_order(evidence: &mut Vec<Evidence>) {
    let mut seen = HashSet::default();
    evidence.retain(|e| seen.insert(e.key()));
    evidence.sort_by_key(|e| {
        (
            e.polarity == Polarity::Against,
            e.quote.turn,
            e.quote.start,
            e.quote.end,
        )
    });
}

/// Adds a group's red-flag evidence, one piece per learner turn not already
/// flagged by an earlier group, and returns how many turns it flagged.
fn raise_red_flags(
    evaluator: &Evaluator,
    flags: &RedFlags,
    flagged: &mut BTreeSet<usize>,
    evidence: &mut Vec<Evidence>,
) -> usize {
    let analysis = evaluator.analysis;
    let mut raised = 0;
    for m in analysis.cue_matches(&flags.cues) {
        if analysis.role(m.turn) == crate::transcript::Role::Learner && flagged.insert(m.turn) {
            raised += 1;
            evidence.push(Evidence::from_cue(
                RuleKind::RedFlag,
                analysis,
                m,
                Polarity::Against,
            ));
        }
    }
    for rule in &flags.rules {
        for mut e in evaluator.evaluate(rule).evidence {
            if e.polarity == Polarity::For && flagged.insert(e.quote.turn) {
                raised += 1;
                e.rule = RuleKind::RedFlag;
                e.polarity = Polarity::Against;
                evidence.push(e);
            }
        }
    }
    raised
}
