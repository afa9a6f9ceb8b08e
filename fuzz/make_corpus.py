#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/ from tests/fixtures, tests/golden and
rubrics/*.toml. Seeds are kept small (long JSON arrays and phrase lists are cut)
so that each seed corpus (generated, not committed) stays a few dozen KB and the fuzzer
mutates structure rather than wading through repeats.

Run from anywhere: python3 fuzz/make_corpus.py
"""

import hashlib
import json
import pathlib
import re
import tomllib

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
CORPUS = FUZZ / "corpus"

MAX_ARRAY = 6
MAX_TEXT_SEED = 4096


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    # Content-named, like libFuzzer's own corpus files, so reruns do not duplicate.
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def shrink_json(value):
    if isinstance(value, list):
        return [shrink_json(v) for v in value[:MAX_ARRAY]]
    if isinstance(value, dict):
        return {k: shrink_json(v) for k, v in value.items()}
    return value


def json_seed(name):
    document = json.loads((FIXTURES / name).read_text())
    return json.dumps(shrink_json(document), indent=1, ensure_ascii=False)


def text_seed(path):
    return path.read_text()[:MAX_TEXT_SEED]


FORMAT_SEEDS = {
    "parse_text": [FIXTURES / "refund.txt", FIXTURES / "refund-chat.txt",
                   GOLDEN / "no-labels.txt", GOLDEN / "abusive-bad.txt"],
    "parse_json": [FIXTURES / "refund.json", GOLDEN / "good-angry.json"],
    "parse_vtt": [FIXTURES / "refund-captions.vtt", FIXTURES / "refund-teams.vtt",
                  FIXTURES / "refund-zoom.vtt"],
    "parse_srt": [FIXTURES / "refund.srt"],
    "parse_whisper": ["refund-whisper.json", "refund-whisperx.json"],
    "parse_aws": ["refund-aws.json", "refund-aws-analytics.json", "refund-contact-lens.json"],
    "parse_deepgram": ["refund-deepgram.json", "refund-deepgram-words.json",
                       "refund-deepgram-paragraphs.json"],
    "parse_assemblyai": ["refund-assemblyai.json"],
    "parse_teams": [FIXTURES / "refund-teams.txt"],
    "parse_zoom": [FIXTURES / "refund-zoom.txt"],
    "parse_google_stt": ["refund-google-stt.json"],
    "parse_azure_batch": ["refund-azure.json"],
    "parse_rev_ai": ["refund-rev.json"],
    "parse_otter": [FIXTURES / "refund-otter.txt"],
    "parse_google_meet": [FIXTURES / "refund-google-meet.txt"],
}

# Layouts the fixtures do not show: headers, BOMs, odd timings, speaker styles.
EXTRA_TEXT = {
    "parse_text": [
        "Customer: It broke.\nAgent: I am so sorry.\n",
        "Priya (Agent): Hello.\nTom (Customer): Hi.\ncontinued line\n\n",
        "[10:32] Tom: where is it\n[10:33] Priya: let me check\n",
        "10:32 - Tom: hi\n10:33 - Priya: hello\n",
        "Tom (10:32): hi\nPriya (10:33): hello\n",
    ],
    "parse_vtt": [
        "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Agent>Hello</v>\n\n"
        "1\n00:00:02.500 --> 00:00:04.000 align:start\n<v.loud Customer>Hi <b>there</b>\n",
        "\ufeffWEBVTT - title\nKind: captions\n\nNOTE a note\n\nSTYLE\n::cue {}\n\n"
        "00:01.000 --> 00:03.000\nAgent: hello &amp; welcome\n",
    ],
    "parse_srt": [
        "1\n00:00:00,000 --> 00:00:02,000\nAgent: Hello\n\n2\n00:00:02,500 --> 00:00:04,000\n"
        "Customer: Hi\n",
        "1\r\n00:00:00,000 --> 00:00:02,000\r\n[AGENT] Hello\r\n\r\n",
    ],
    "parse_teams": [
        "0:0:0.0 --> 0:0:4.200\nAgent\nHello, how can I help?\n\n"
        "0:0:4.600 --> 0:0:10.100\nCustomer\nMy refund.\n",
    ],
    "parse_zoom": [
        "[Agent] 11:02:09\nHello, how can I help?\n\n[Customer] 11:02:14\nMy refund.\n",
        "Agent  0:03\nHello there.\n\nCustomer  0:07\nHi.\n",
    ],
    "parse_otter": [
        "Agent  0:03  \nHello there.\n\n0:05  \nStill me.\n\nUnknown Speaker  1:02:07\nHi.\n\n"
        "Transcribed by https://otter.ai\n",
    ],
    "parse_google_meet": [
        "Call (2023-05-04 10:00 GMT+1) - Transcript\nAttendees\nAgent, Customer\nTranscript\n"
        "Agent: Hello.\nCustomer: Hi.\nMeeting ended after 00:00:55 \U0001f44b\n",
    ],
}


def phrases_of(toml_text):
    """The quoted strings inside `phrases = [...]` arrays."""
    out = []
    for block in re.findall(r"phrases\s*=\s*\[(.*?)\]\s*\n", toml_text, re.S):
        out.extend(json.loads(f"[{m}]")[0] for m in re.findall(r'("(?:[^"\\]|\\.)*")', block))
    return out


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"


def toml_key(key):
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def table(header, fields):
    lines = [header] if header else []
    lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in fields.items()
              if not (isinstance(v, list) and v and isinstance(v[0], dict) and k == "bands")]
    return "\n".join(lines) + "\n\n"


PROSE = {"marking_points", "sources", "description", "looked_for"}


def trim_rubric(toml_text, keep=2):
    """The rubric without prose, each phrase list cut to its first `keep` phrases:
    the structure the compiler checks, at a size the fuzzer can mutate."""
    rubric = tomllib.loads(toml_text)
    strip = lambda d: {k: v for k, v in d.items() if k not in PROSE}
    out = table("", {k: v for k, v in strip(rubric).items() if not isinstance(v, (dict, list)) or k == "sources" and False})
    scoring = rubric.get("scoring", {})
    out += table("[scoring]", scoring)
    for band in scoring.get("bands", []):
        out += table("[[scoring.bands]]", band)
    for name, lexicon in rubric.get("lexicons", {}).items():
        lexicon = strip(lexicon)
        lexicon["phrases"] = lexicon.get("phrases", [])[:keep]
        out += table(f"[lexicons.{toml_key(name)}]", lexicon)
    for behaviour in rubric.get("behaviours", []):
        out += table("[[behaviours]]", strip(behaviour))
    for criterion in rubric.get("criteria", []):
        out += table("[[criteria]]", strip(criterion))
    return out


SMALL_RUBRIC = '''id = "small"
title = "Small"
version = "1"

[scoring]
met_at = 0.75
partially_met_at = 0.35
required_cap = "fail"

[[scoring.bands]]
grade = "fail"
label = "Fail"
min = 0.0

[[scoring.bands]]
grade = "pass"
label = "Pass"
min = 0.5

[lexicons.apology]
phrases = ["{I am|I'm} [so|really] sorry", "I apologise"]

[lexicons.anger]
negatable = false
phrases = ["this is ridiculous", "{I want|I'd like} ... {refund|money back}"]

[lexicons.hold]
phrases = ["bear with me"]

[[behaviours]]
id = "angry"
title = "Angry"
cues = ["anger"]

[[criteria]]
id = "apology"
title = "Apologises"
weight = 2.0
required = true
applies_when = { behaviour = ["angry"] }
rule = { all = [ { says = { cues = ["apology"], by = "learner", at_least = 1, in = { first_turns = 4 } } }, { before = { first = ["apology"], then = ["hold"] } } ] }
red_flags = { cues = ["anger"], rules = [{ interrupts = { overlap = 1.0 } }], penalty = 0.25 }

[[criteria]]
id = "listens"
title = "Listens"
rule = { any = [ { reply = { to = ["anger"], with = ["apology"], within = 2 } }, { paraphrase = { at_least = 1, min_shared = 2, min_overlap = 0.5 } }, { not = { silence = { over = 20.0, unless = ["hold"] } } } ] }

[[criteria]]
id = "asks"
title = "Asks"
rule = { count = { of = [ { question = { cues = [], lead = 3 } }, { says = { cues = ["hold"], in = { from_seconds = 0.0, to_seconds = 30.0 } } } ], at_least = 2 } }
'''

EXTRA_PHRASES = [
    "sorry", "{I am|I'm} sorry", "[really|so] sorry", "{a|} b", "{a|[b|{c|d}]} e",
    "I want ... refund", "{I want|I'd like} ... {refund|money back}", "Can’t", "won't",
    "café Zoë", "e\u0301", "👍🏽 ok", "it's 5 o'clock", "a {b|c", "a ] b", "[x]", "{|}",
    "{a|b}{c|d}{e|f}{g|h}", "a ... ... b", "... a", "don't don't", "I'll", "rock 'n' roll",
]


def main():
    for target, sources in FORMAT_SEEDS.items():
        for source in sources:
            if isinstance(source, str):
                write(target, json_seed(source))
                write("parse_auto", json_seed(source))
            else:
                write(target, text_seed(source))
                write("parse_auto", text_seed(source))
        for extra in EXTRA_TEXT.get(target, []):
            write(target, extra)
            write("parse_auto", extra)

    rubric_texts = sorted((ROOT / "rubrics").glob("*.toml"))
    phrases = []
    for path in rubric_texts:
        source = path.read_text()
        write("rubric", trim_rubric(source))
        phrases.extend(phrases_of(source))
    write("rubric", SMALL_RUBRIC)
    # The most structured phrases: most groups and gaps, then a spread of the rest.
    phrases = sorted(set(phrases), key=lambda p: (-(p.count("{") + p.count("[") + p.count("...")), p))
    for phrase in phrases[:40] + phrases[40::max(1, len(phrases) // 40)]:
        write("phrase", phrase)
    for phrase in EXTRA_PHRASES:
        write("phrase", phrase)

    for i, path in enumerate(sorted(GOLDEN.glob("*.txt")) + [FIXTURES / "refund.txt"]):
        selector = bytes([i % 3 | (0x80 if i % 2 else 0)])
        write("score", selector + text_seed(path)[:3000].encode())
    for i, line_text in enumerate(["I'm so sorry.\nThis is ridiculous!\n", "\n\n\n", "a\u00e9\u0301\n👩‍👩‍👧?"]):
        write("score", bytes([0x80 | i]) + line_text.encode())


if __name__ == "__main__":
    main()
