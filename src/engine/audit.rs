//! The facts an awarding body files with an assessment beside the rubric: whose
//! role-play it was, on what day, which transcript was scored and which rolemark
//! scored it.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The version of rolemark that scores, as its package names it.
pub const ROLEMARK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What an audit needs to match an assessment to its learner, day and
/// transcript, and to tell which rolemark scored it. The rubric's id, version
/// and sha256 are in the assessment's `rubric`.
///
/// Every field comes from the request or from the build, never from the clock:
/// the same request gives the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Audit {
    /// The learner's id in the centre's records (candidate or enrolment number),
    /// when the request gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "C-0042")]
    pub learner_id: Option<String>,
    /// The day of the assessment, `YYYY-MM-DD`, when the request gave one (the
    /// printable report falls back to the day it is made; the record does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2026-11-27")]
    pub date: Option<String>,
    /// sha256 (hex) of the transcript as received, before any parsing: a file's
    /// bytes, a raw request body's bytes (less a UTF-8 byte-order mark), the
    /// `transcript_text` string, or the `transcript` JSON exactly as written in
    /// the request. For a file it is what `sha256sum FILE` prints, so the record
    /// can be matched to its transcript without keeping the transcript.
    pub transcript_sha256: String,
    /// The version of rolemark that scored.
    #[schema(example = "0.1.0")]
    pub rolemark_version: String,
}

impl Audit {
    /// The audit of `transcript` as received, scored by this rolemark, with no
    /// learner id or date yet.
    pub fn of_transcript(transcript: &str) -> Audit {
        Audit {
            learner_id: None,
            date: None,
            transcript_sha256: sha256_hex(transcript.as_bytes()),
            rolemark_version: ROLEMARK_VERSION.to_owned(),
        }
    }
}

/// sha256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transcript_digest_is_sha256_of_its_bytes() {
        // sha256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            Audit::of_transcript("abc").transcript_sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Audit::of_transcript("").rolemark_version, ROLEMARK_VERSION);
    }
}
