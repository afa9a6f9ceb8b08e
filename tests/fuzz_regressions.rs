//! Every input a fuzz target ever crashed on, replayed through the same checks the
//! target runs (`fuzz/src/lib.rs`), so that a fixed crash stays fixed without a
//! nightly toolchain. Inputs live in `tests/fuzz_regressions/<target>/`, one file
//! each, named for what went wrong.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz_checks;
mod support;

use rolemark::transcript::Format;
use std::path::Path;

fn replay(target: &str, data: &[u8]) {
    let format = match target {
        "parse_auto" => None,
        "parse_text" => Some(Format::Text),
        "parse_json" => Some(Format::Json),
        "parse_vtt" => Some(Format::Vtt),
        "parse_srt" => Some(Format::Srt),
        "parse_whisper" => Some(Format::Whisper),
        "parse_aws" => Some(Format::AwsTranscribe),
        "parse_deepgram" => Some(Format::Deepgram),
        "parse_assemblyai" => Some(Format::AssemblyAi),
        "parse_teams" => Some(Format::TeamsTxt),
        "parse_zoom" => Some(Format::ZoomTxt),
        "parse_google_stt" => Some(Format::GoogleStt),
        "parse_azure_batch" => Some(Format::AzureBatch),
        "parse_rev_ai" => Some(Format::RevAi),
        "parse_otter" => Some(Format::OtterTxt),
        "parse_google_meet" => Some(Format::GoogleMeet),
        "phrase" => return fuzz_checks::check_phrase(data),
        "rubric" => return fuzz_checks::check_rubric(data),
        "score" => return fuzz_checks::check_score(data),
        other => panic!("tests/fuzz_regressions/{other}: no fuzz target of that name"),
    };
    fuzz_checks::check_parse(data, format);
}

#[test]
fn every_kept_crash_input_passes_its_target_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut replayed = 0;
    for dir in support::sorted_entries(&root) {
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        for input in support::sorted_entries(&dir) {
            let data = std::fs::read(&input).expect("input reads");
            let outcome = std::panic::catch_unwind(|| replay(&target, &data));
            assert!(outcome.is_ok(), "{} fails again", input.display());
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no kept crash inputs found under {}",
        root.display()
    );
}
