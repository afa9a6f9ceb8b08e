//! Turns rebuilt from diarised words, for exports whose speakers are given
//! word by word (Deepgram without utterances, Google Speech-to-Text).

use super::json_doc::{unnamed_turn, SpeakerTurns};
use super::widen;

/// One recognised word and the speaker the export gives it.
pub(super) struct Word {
    pub speaker: Option<String>,
    pub text: String,
    pub start: Option<f64>,
    pub end: Option<f64>,
    /// The nearest line of the input known for the word, for error messages.
    pub line: usize,
}

impl Word {
    /// A word, or `None` when it has no text (some exports keep empty ones).
    pub(super) fn spoken(
        speaker: Option<String>,
        text: &str,
        start: Option<f64>,
        end: Option<f64>,
        line: usize,
    ) -> Option<Word> {
        (!text.is_empty()).then(|| Word {
            speaker,
            text: text.to_string(),
            start,
            end,
            line,
        })
    }
}

/// Consecutive words of one speaker as one turn each, joined with single
/// spaces; a word with no speaker stays with the words before it. A turn spans
/// all its words' times, so that it never ends before it starts.
pub(super) fn word_runs(words: Vec<Word>) -> SpeakerTurns {
    let mut runs: SpeakerTurns = Vec::new();
    for word in words {
        match runs.last_mut() {
            Some((speaker, turn)) if word.speaker.is_none() || word.speaker == *speaker => {
                turn.text.push(' ');
                turn.text.push_str(&word.text);
                widen(&mut turn.start, &mut turn.end, [word.start, word.end]);
            }
            _ => runs.push((
                word.speaker,
                unnamed_turn(&word.text, word.start, word.end, word.line),
            )),
        }
    }
    runs
}
