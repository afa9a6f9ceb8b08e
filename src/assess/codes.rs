//! The table of error codes: every problem the service or the command line
//! reports has one, with its HTTP status and title. Clients branch on the code,
//! so a code, once published, keeps its meaning.

use serde::{Serialize, Serializer};

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => ($code:literal, $status:literal, $title:literal),)*) => {
        /// A stable, kebab-case error code: the last part of a problem's `type`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as clients see it, e.g. `unknown-rubric`.
            pub const fn code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status the code is answered with.
            pub const fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            /// The problem's short, fixed title.
            pub const fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }
        }
    };
}

error_codes! {
    /// The request names neither a rubric id nor an inline rubric.
    MissingRubric => ("missing-rubric", 400, "Bad request"),
    /// The request names a rubric id and sends an inline rubric.
    AmbiguousRubric => ("ambiguous-rubric", 400, "Bad request"),
    /// An inline rubric where only ids are taken (the command line's batch lines).
    InlineRubric => ("inline-rubric", 400, "Bad request"),
    /// The request sends no transcript.
    MissingTranscript => ("missing-transcript", 400, "Bad request"),
    /// The request sends the transcript twice, as JSON and as text.
    AmbiguousTranscript => ("ambiguous-transcript", 400, "Bad request"),
    /// An explain request with neither a sentence nor a transcript.
    MissingText => ("missing-text", 400, "Bad request"),
    /// A body that had to hold something was empty.
    EmptyBody => ("empty-body", 400, "Bad request"),
    /// The request is not valid JSON of the expected shape.
    InvalidJson => ("invalid-json", 400, "Bad request"),
    /// A JSON body that mixes a score request's fields with a transcript export's.
    AmbiguousBody => ("ambiguous-body", 400, "Bad request"),
    /// The query string cannot be read.
    InvalidQuery => ("invalid-query", 400, "Bad request"),
    /// A query string beside a body that carries its own options.
    UnexpectedQuery => ("unexpected-query", 400, "Bad request"),
    /// A batch line's `id` sent to the single-score endpoint.
    UnexpectedId => ("unexpected-id", 400, "Bad request"),
    /// A transcript format name that is not one of ours.
    UnknownFormat => ("unknown-format", 400, "Bad request"),
    /// An assessment date that is not `YYYY-MM-DD`.
    InvalidDate => ("invalid-date", 400, "Bad request"),
    /// A scenario brief that cannot be used.
    InvalidScenario => ("invalid-scenario", 400, "Bad request"),
    /// xAPI statements asked for without the learner's id.
    MissingLearnerId => ("missing-learner-id", 400, "Bad request"),
    /// The request body broke off or was badly framed.
    UnreadableBody => ("unreadable-body", 400, "Bad request"),
    /// The command line's other rubrics could not be loaded.
    RubricsUnavailable => ("rubrics-unavailable", 400, "Bad request"),
    /// A transcript file the command line cannot read.
    UnreadableFile => ("unreadable-file", 400, "Bad request"),
    /// No API key, or not a valid one.
    Unauthorized => ("unauthorized", 401, "Unauthorized"),
    /// No rubric with that id (or id and version).
    UnknownRubric => ("unknown-rubric", 404, "Unknown rubric"),
    /// No such endpoint.
    NotFound => ("not-found", 404, "Not found"),
    /// The endpoint does not take that method.
    MethodNotAllowed => ("method-not-allowed", 405, "Method Not Allowed"),
    /// `Accept` names no rendering the endpoint has.
    NotAcceptable => ("not-acceptable", 406, "Not acceptable"),
    /// The request (or a batch line) did not arrive in time.
    RequestTimeout => ("request-timeout", 408, "Request timeout"),
    /// The body (or a batch line) is over its byte limit.
    TooLarge => ("too-large", 413, "Request too large"),
    /// A content type the endpoint does not take.
    UnsupportedMediaType => ("unsupported-media-type", 415, "Unsupported media type"),
    /// The transcript is not UTF-8.
    InvalidUtf8 => ("invalid-utf8", 422, "Transcript is not UTF-8"),
    /// The transcript holds no turns.
    EmptyTranscript => ("empty-transcript", 422, "Empty transcript"),
    /// No turn of the transcript is the learner's.
    NoLearner => ("no-learner", 422, "No learner turn"),
    /// A learner but no turn of the customer's.
    NoCustomer => ("no-customer", 422, "No customer turn"),
    /// A roles mapping that does not fit the transcript's speakers.
    InvalidRoles => ("invalid-roles", 422, "Roles do not fit the transcript"),
    /// The transcript cannot be read in its format.
    InvalidTranscript => ("invalid-transcript", 422, "Invalid transcript"),
    /// A rubric that does not compile.
    InvalidRubric => ("invalid-rubric", 422, "Invalid rubric"),
    /// An assessor override that cannot be applied.
    InvalidOverride => ("invalid-override", 422, "Invalid override"),
    /// A limit of the service (turns, characters, phrases, lines) was exceeded.
    LimitExceeded => ("limit-exceeded", 422, "A limit was exceeded"),
    /// A bug; the problem says nothing of the request.
    InternalError => ("internal-error", 500, "Internal server error"),
    /// An HTTP error the web framework raised itself; its status and title are
    /// those of the error, and the table's are the fallback.
    HttpError => ("http-error", 400, "Bad request"),
}

impl ErrorCode {
    /// The problem `type` URN of the code.
    pub fn urn(self) -> String {
        format!("urn:rolemark:problem:{}", self.code())
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_distinct_kebab_case_with_an_error_status() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.code();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{text}"
            );
            assert!((400..600).contains(&code.status()), "{text}");
            assert!(!code.title().is_empty(), "{text}");
        }
    }
}
