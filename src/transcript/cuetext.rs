//! Cue text as subtitle files write it: markup stripped, character references
//! decoded, and speakers read from WebVTT voice spans (`<v Name>`,
//! `<v.class Name>`) or from `Name:` and `[Name]` prefixes (Zoom, SRT).
//!
//! * Tags: `<c>`, `<i>`, `<b>`, `<u>`, `<lang>`, `<ruby>`, `<span>`, `<font>`,
//!   `<br>` and their closing tags are dropped, as are inline timestamps
//!   (`<00:00:01.000>`) and ASS override blocks SRT files carry (`{\an8}`).
//!   Ruby annotations (`<rt>…</rt>`) are dropped with their text: they gloss
//!   the base text, which is kept. Any other `<` is text, so `I <3 it` survives.
//! * References: `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, numeric ones;
//!   `&nbsp;` becomes a plain space and `&lrm;`/`&rlm;` vanish, because turn
//!   text feeds phrase matching, not layout.
//! * Lines of a cue are display wrapping: they join with single spaces and runs
//!   of whitespace collapse.
//! * A voice span names the speaker of the text after it until the next voice
//!   span; `</v>` does not end the attribution, since unvoiced text after a
//!   span is the same person continuing.
//! * Without a voice, a `Name:` or `[Name]` prefix (optionally after a `- ` or
//!   `>> ` speaker-change mark) names the speaker. On a cue's first line any
//!   name counts; on later lines only a marked line or an already known name
//!   does, so that a wrapped sentence with a colon does not read as a new speaker.

use super::roles::speaker_key;
use super::text::{is_speaker_name, split_label};
use super::{clock, Role};
use std::collections::HashSet;

/// Longest tag, in bytes, read as markup; a `<` further from its `>` is text.
const MAX_TAG_BYTES: usize = 256;
/// Longest character reference, in bytes, after the `&`.
const MAX_REFERENCE_BYTES: usize = 10;
/// Longest ASS override block (`{\an8}`), in bytes.
const MAX_OVERRIDE_BYTES: usize = 64;
/// Tag names read as markup (case-insensitive).
const TAGS: &[&str] = &[
    "c", "i", "b", "u", "v", "lang", "ruby", "rt", "span", "font", "br", "em", "strong", "s",
];
/// Bracketed words that describe sounds rather than name a speaker.
const SOUNDS: &[&str] = &[
    "applause",
    "background noise",
    "beep",
    "blank audio",
    "blank_audio",
    "chuckles",
    "coughs",
    "coughing",
    "crosstalk",
    "inaudible",
    "indistinct",
    "laughs",
    "laughing",
    "laughter",
    "music",
    "no audio",
    "noise",
    "pause",
    "phone ringing",
    "silence",
    "sighs",
    "static",
    "unintelligible",
];

/// A run of one cue's text with the speaker it names, if any.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Piece {
    pub speaker: Option<String>,
    /// A role stated beside the name (`Sam (Customer):`).
    pub role: Option<Role>,
    pub text: String,
    /// Line where the piece's text starts.
    pub line: usize,
}

/// Cleaned text from one source line under one voice.
#[derive(Debug, Default)]
struct Fragment {
    voice: Option<String>,
    /// The fragment begins a source line (and so may open with a `Name:` prefix).
    starts_line: bool,
    line: usize,
    text: String,
}

/// Splits one cue's text lines (line number, text) into speaker pieces.
/// `known` collects the speaker keys seen so far in the file.
pub(super) fn pieces(lines: &[(usize, &str)], known: &mut HashSet<String>) -> Vec<Piece> {
    let Some(&(first_line, _)) = lines.first() else {
        return Vec::new();
    };
    let mut out: Vec<Piece> = Vec::new();
    for fragment in fragments(lines) {
        if let Some(voice) = fragment.voice {
            known.insert(speaker_key(&voice));
            match out.last_mut() {
                Some(piece) if piece.speaker.as_deref() == Some(voice.as_str()) => {
                    append(&mut piece.text, &fragment.text);
                }
                _ => out.push(Piece {
                    speaker: Some(voice),
                    role: None,
                    text: fragment.text,
                    line: fragment.line,
                }),
            }
            continue;
        }
        if fragment.starts_line {
            let first = fragment.line == first_line;
            if let Some((speaker, role, text)) = cue_label(&fragment.text, first, known) {
                known.insert(speaker_key(&speaker));
                out.push(Piece {
                    speaker: Some(speaker),
                    role,
                    text,
                    line: fragment.line,
                });
                continue;
            }
        }
        match out.last_mut() {
            Some(piece) => append(&mut piece.text, &fragment.text),
            None => out.push(Piece {
                speaker: None,
                role: None,
                text: fragment.text,
                line: fragment.line,
            }),
        }
    }
    for piece in &mut out {
        piece.text = collapse_whitespace(&piece.text);
    }
    out.retain(|piece| !piece.text.is_empty());
    out
}

/// Whether a cue's text is only sound descriptions (`[Music]`, `(laughs)`, `♪`),
/// which need no speaker.
pub(super) fn is_non_speech(text: &str) -> bool {
    let mut rest = text.trim();
    while !rest.is_empty() {
        let close = match rest.chars().next() {
            Some('[') => ']',
            Some('(') => ')',
            Some('♪' | '♫' | '*' | '-') => {
                rest = rest[rest.chars().next().map_or(1, char::len_utf8)..].trim_start();
                continue;
            }
            _ => return false,
        };
        match rest.find(close) {
            Some(at) => rest = rest[at + 1..].trim_start(),
            None => return false,
        }
    }
    true
}

fn append(text: &mut String, more: &str) {
    if !text.is_empty() && !more.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

pub(super) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A speaker prefix at the start of a cue line: `Name: text`, `Name (Role):
/// text`, `[Name] text` or `[Name]: text`, optionally after `- ` or `>> `.
fn cue_label(
    line: &str,
    first: bool,
    known: &HashSet<String>,
) -> Option<(String, Option<Role>, String)> {
    let line = line.trim_start();
    let (marked, line) = ["- ", "– ", "— ", ">> ", ">>"]
        .iter()
        .find_map(|mark| line.strip_prefix(mark))
        .map_or((false, line), |rest| (true, rest.trim_start()));

    let found = match line.strip_prefix('[') {
        Some(inside) => {
            let close = inside.find(']')?;
            let name = inside[..close].trim();
            if !is_speaker_name(name) || SOUNDS.contains(&name.to_lowercase().as_str()) {
                return None;
            }
            let rest = inside[close + 1..].trim_start();
            let rest = rest.strip_prefix(':').unwrap_or(rest);
            (name.to_string(), None, rest.trim().to_string())
        }
        None => {
            let label = split_label(line)?;
            (
                label.speaker.to_string(),
                label.role,
                label.text.to_string(),
            )
        }
    };
    (first || marked || known.contains(&speaker_key(&found.0))).then_some(found)
}

/// Reads a cue's lines into fragments: tags stripped, references decoded, a
/// new fragment at every line start and every voice span.
fn fragments(lines: &[(usize, &str)]) -> Vec<Fragment> {
    // One string, so that tags broken over lines (`<v Jane\nDoe>`) read whole.
    let joined = lines
        .iter()
        .map(|(_, text)| *text)
        .collect::<Vec<_>>()
        .join("\n");
    let line_at = |index: usize| lines.get(index).map_or(0, |(number, _)| *number);

    let mut out = Vec::new();
    let mut line_index = 0;
    let mut voice: Option<String> = None;
    let mut current = Fragment {
        starts_line: true,
        line: line_at(0),
        ..Fragment::default()
    };
    let mut in_annotation = false;
    // Where the next '>' is, searched once per stretch so that many stray
    // '<' cannot make the scan quadratic.
    let mut next_close: Option<usize> = None;
    let mut i = 0;
    while let Some(c) = joined[i..].chars().next() {
        match c {
            '\n' => {
                out.push(std::mem::take(&mut current));
                line_index += 1;
                current = Fragment {
                    voice: voice.clone(),
                    starts_line: true,
                    line: line_at(line_index),
                    text: String::new(),
                };
                i += 1;
                continue;
            }
            '<' => {
                // `joined.len()` stands for "no '>' left", so that is not searched again either.
                let close = match next_close {
                    Some(at) if at > i => at,
                    _ => {
                        let at = joined[i..].find('>').map_or(joined.len(), |at| at + i);
                        next_close = Some(at);
                        at
                    }
                };
                if close < joined.len() && close - i <= MAX_TAG_BYTES {
                    let tag = &joined[i + 1..close];
                    if let Some(markup) = read_tag(tag) {
                        // A voice's text begins where its tag does, even one broken over lines.
                        let tag_line = line_at(line_index);
                        line_index += tag.matches('\n').count();
                        match markup {
                            Markup::Voice(name) => {
                                out.push(std::mem::take(&mut current));
                                voice = Some(name);
                                current = Fragment {
                                    voice: voice.clone(),
                                    starts_line: false,
                                    line: tag_line,
                                    text: String::new(),
                                };
                            }
                            Markup::AnnotationStart => in_annotation = true,
                            Markup::AnnotationEnd => in_annotation = false,
                            Markup::Other => {}
                        }
                        i = close + 1;
                        continue;
                    }
                }
            }
            '&' => {
                if let Some((decoded, used)) = reference(&joined[i + 1..]) {
                    if !in_annotation {
                        decoded.push_to(&mut current.text);
                    }
                    i += 1 + used;
                    continue;
                }
            }
            '{' if joined[i + 1..].starts_with('\\') => {
                let end = joined[i..]
                    .char_indices()
                    .take_while(|(at, _)| *at <= MAX_OVERRIDE_BYTES)
                    .find(|(_, c)| *c == '}' || *c == '\n');
                if let Some((at, '}')) = end {
                    i += at + 1;
                    continue;
                }
            }
            _ => {}
        }
        if !in_annotation {
            current.text.push(c);
        }
        i += c.len_utf8();
    }
    out.push(current);
    out
}

enum Markup {
    Voice(String),
    AnnotationStart,
    AnnotationEnd,
    Other,
}

/// Reads the inside of `<…>`: a known tag (with classes and annotation), a
/// closing tag, or an inline timestamp; `None` when it is not markup.
fn read_tag(tag: &str) -> Option<Markup> {
    if tag.starts_with(|c: char| c.is_ascii_digit()) {
        return clock::timestamp(tag.trim()).map(|_| Markup::Other);
    }
    let (closing, body) = match tag.strip_prefix('/') {
        Some(body) => (true, body),
        None => (false, tag),
    };
    let name_end = body
        .find(|c: char| c == '.' || c.is_whitespace())
        .unwrap_or(body.len());
    let name = &body[..name_end];
    let name = TAGS.iter().find(|known| known.eq_ignore_ascii_case(name))?;
    if closing {
        return Some(if *name == "rt" {
            Markup::AnnotationEnd
        } else {
            Markup::Other
        });
    }
    match *name {
        "rt" => Some(Markup::AnnotationStart),
        "v" => {
            // Classes (`.loud.first`) run to the first whitespace; the rest names the voice.
            let after = &body[name_end..];
            let annotation = match after.find(char::is_whitespace) {
                Some(at) if after.starts_with('.') => &after[at..],
                None if after.starts_with('.') => "",
                _ => after,
            };
            let name = collapse_whitespace(&decode_all(annotation));
            Some(if name.is_empty() {
                Markup::Other
            } else {
                Markup::Voice(name)
            })
        }
        _ => Some(Markup::Other),
    }
}

/// Decodes every character reference in `text`.
fn decode_all(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if c == '&' {
            if let Some((decoded, used)) = reference(&text[i + 1..]) {
                decoded.push_to(&mut out);
                i += 1 + used;
                continue;
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// What a reference decodes to: nothing (direction marks) or a character.
enum Decoded {
    Nothing,
    Char(char),
    Space,
}

impl Decoded {
    fn push_to(&self, out: &mut String) {
        match self {
            Decoded::Nothing => {}
            Decoded::Char(c) => out.push(*c),
            Decoded::Space => out.push(' '),
        }
    }
}

/// Reads a character reference after its `&`: the decoded value and the bytes
/// used, `;` included. `None` leaves the `&` as text.
fn reference(after: &str) -> Option<(Decoded, usize)> {
    let semicolon = after
        .char_indices()
        .take_while(|(at, _)| *at <= MAX_REFERENCE_BYTES)
        .find(|(_, c)| *c == ';')?
        .0;
    let name = &after[..semicolon];
    let decoded = match name {
        "amp" => Decoded::Char('&'),
        "lt" => Decoded::Char('<'),
        "gt" => Decoded::Char('>'),
        "quot" => Decoded::Char('"'),
        "apos" => Decoded::Char('\''),
        "nbsp" => Decoded::Space,
        "lrm" | "rlm" => Decoded::Nothing,
        _ => {
            let number = name.strip_prefix('#')?;
            let value = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            match char::from_u32(value) {
                Some('\u{a0}') => Decoded::Space,
                Some('\u{200e}' | '\u{200f}') => Decoded::Nothing,
                Some(c) if c != '\0' => Decoded::Char(c),
                _ => return None,
            }
        }
    };
    Some((decoded, semicolon + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (speaker, text, line) of each piece, for tables.
    type Expected<'a> = &'a [(Option<&'a str>, &'a str, usize)];

    fn run(text: &str, known: &[&str]) -> Vec<(Option<String>, String, usize)> {
        let lines: Vec<(usize, &str)> = text
            .split('\n')
            .enumerate()
            .map(|(i, l)| (i + 10, l))
            .collect();
        let mut known: HashSet<String> = known.iter().map(|k| speaker_key(k)).collect();
        pieces(&lines, &mut known)
            .into_iter()
            .map(|p| (p.speaker, p.text, p.line))
            .collect()
    }

    fn check(cases: &[(&str, &[&str], Expected)]) {
        for (text, known, expected) in cases {
            let expected: Vec<(Option<String>, String, usize)> = expected
                .iter()
                .map(|(s, t, l)| (s.map(str::to_string), t.to_string(), *l))
                .collect();
            assert_eq!(run(text, known), expected, "cue {text:?}");
        }
    }

    #[test]
    fn voice_spans_name_speakers() {
        check(&[
            (
                "<v Priya Shah>Hello there.</v>",
                &[],
                &[(Some("Priya Shah"), "Hello there.", 10)],
            ),
            (
                "<v.agent.loud Priya Shah>Hello",
                &[],
                &[(Some("Priya Shah"), "Hello", 10)],
            ),
            ("<v.agent>Hello", &[], &[(None, "Hello", 10)]),
            ("<v>Hello", &[], &[(None, "Hello", 10)]),
            // A span over several lines, and a tag broken over lines.
            (
                "<v Priya Shah>Hello there,\nhow are you?</v>",
                &[],
                &[(Some("Priya Shah"), "Hello there, how are you?", 10)],
            ),
            (
                "<v Priya\n  Shah>Hello",
                &[],
                &[(Some("Priya Shah"), "Hello", 10)],
            ),
            // Two voices in one cue, on one line or two.
            (
                "<v A>Hi.</v> <v B>Hello.</v>",
                &[],
                &[(Some("A"), "Hi.", 10), (Some("B"), "Hello.", 10)],
            ),
            (
                "<v A>Hi.\n<v B>Hello.\nthere",
                &[],
                &[(Some("A"), "Hi.", 10), (Some("B"), "Hello. there", 11)],
            ),
            // Text before the first voice, then unvoiced text after a span.
            (
                "well <v A>Hi.</v> again",
                &[],
                &[(None, "well", 10), (Some("A"), "Hi. again", 10)],
            ),
            (
                "<v Tom &amp; Jerry>Hi",
                &[],
                &[(Some("Tom & Jerry"), "Hi", 10)],
            ),
            // A voice beats a Name: prefix.
            ("<v A>Note: this", &[], &[(Some("A"), "Note: this", 10)]),
        ]);
    }

    #[test]
    fn markup_is_stripped_and_references_decoded() {
        check(&[
            (
                "<c.yellow>Hello</c> <i>there</i>, <b>I</b> <u>am</u> <lang en-GB>here</lang>",
                &[],
                &[(None, "Hello there, I am here", 10)],
            ),
            (
                "<00:00:01.000><c>one</c><00:00:01.500><c> two</c>",
                &[],
                &[(None, "one two", 10)],
            ),
            ("<ruby>漢<rt>kan</rt></ruby>字", &[], &[(None, "漢字", 10)]),
            (
                "Fish &amp; chips &lt;3 &gt; &quot;x&quot; &apos;y&apos;",
                &[],
                &[(None, "Fish & chips <3 > \"x\" 'y'", 10)],
            ),
            (
                "a&nbsp;b&lrm;c&rlm;d &#163;89.99 &#xA3;1 &#xa0;e",
                &[],
                &[(None, "a bcd £89.99 £1 e", 10)],
            ),
            (
                "AT&T &unknown; &#0; &#xD800; &#x110000; & done",
                &[],
                &[(None, "AT&T &unknown; &#0; &#xD800; &#x110000; & done", 10)],
            ),
            (
                "I <3 it and 1 < 2 > 0",
                &[],
                &[(None, "I <3 it and 1 < 2 > 0", 10)],
            ),
            (
                "<unknown>tag</unknown>",
                &[],
                &[(None, "<unknown>tag</unknown>", 10)],
            ),
            ("{\\an8}Top line", &[], &[(None, "Top line", 10)]),
            (
                "<font color=\"#fff\">White</font>",
                &[],
                &[(None, "White", 10)],
            ),
            (
                "  spaced \t out  \n  lines ",
                &[],
                &[(None, "spaced out lines", 10)],
            ),
            ("<i></i>", &[], &[]),
        ]);
    }

    #[test]
    fn name_prefixes_name_speakers() {
        check(&[
            (
                "Priya Shah: Hello.",
                &[],
                &[(Some("Priya Shah"), "Hello.", 10)],
            ),
            (
                "Dr. Chen: At 10:30: fine.",
                &[],
                &[(Some("Dr. Chen"), "At 10:30: fine.", 10)],
            ),
            (
                "[Mr. Davis] Hi there.",
                &[],
                &[(Some("Mr. Davis"), "Hi there.", 10)],
            ),
            (
                "[Mr. Davis]: Hi there.",
                &[],
                &[(Some("Mr. Davis"), "Hi there.", 10)],
            ),
            ("SPEAKER 1: Hi", &[], &[(Some("SPEAKER 1"), "Hi", 10)]),
            ("<i>Priya:</i> Hi", &[], &[(Some("Priya"), "Hi", 10)]),
            // Sounds in brackets are not speakers.
            ("[Music] Hi", &[], &[(None, "[Music] Hi", 10)]),
            ("[laughs] Yes", &[], &[(None, "[laughs] Yes", 10)]),
            // Later lines need a speaker-change mark or a known name.
            (
                "A: Your email said:\nrefund within: ten days",
                &[],
                &[(Some("A"), "Your email said: refund within: ten days", 10)],
            ),
            (
                "- A: Hi.\n- B: Hello.",
                &[],
                &[(Some("A"), "Hi.", 10), (Some("B"), "Hello.", 11)],
            ),
            (
                ">> A: Hi.\n>>B: Hello.",
                &[],
                &[(Some("A"), "Hi.", 10), (Some("B"), "Hello.", 11)],
            ),
            (
                "A: Hi.\nB: Hello.",
                &["b"],
                &[(Some("A"), "Hi.", 10), (Some("B"), "Hello.", 11)],
            ),
            // Two-language cues stay one text.
            ("A: Hello.\nHola.", &[], &[(Some("A"), "Hello. Hola.", 10)]),
            ("- Hi.\n- Hello.", &[], &[(None, "- Hi. - Hello.", 10)]),
        ]);
    }

    #[test]
    fn non_speech_is_recognised() {
        for text in [
            "[Music]",
            "(laughs)",
            "♪ ♪",
            "[MUSIC] (applause)",
            "- [sighs]",
            "",
        ] {
            assert!(is_non_speech(text), "{text:?}");
        }
        for text in ["Hello", "[Music] Hello", "(unclosed", "♪ la la"] {
            assert!(!is_non_speech(text), "{text:?}");
        }
    }

    #[test]
    fn angle_brackets_without_any_close_are_text() {
        let text = "a <".repeat(20_000);
        let got = run(&text, &[]);
        assert_eq!(got[0].1.matches('<').count(), 20_000);
    }

    #[test]
    fn many_stray_angle_brackets_are_text() {
        let text = "<".repeat(5000) + "b>" + &"x".repeat(10);
        let got = run(&text, &[]);
        assert_eq!(got.len(), 1);
        assert!(got[0].1.ends_with("xxxxxxxxxx"));
    }
}
