//! The renderings of a scored request, chosen in one place for every transport:
//! the assessment as JSON, the terminal report, the printable HTML report, CSV
//! rows and xAPI statements.

use super::codes::ErrorCode;
use super::problem::Problem;
use super::request::ScoreRequest;
use crate::engine::Assessment;
use crate::report::{self, ReportContext, XapiContext};

/// What a scored request is rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// The assessment document.
    Json,
    /// A readable report for an assessor at a terminal.
    Text,
    /// The printable evidence report, one HTML page.
    Html,
    /// A header and one row per criterion, for spreadsheets.
    Csv,
    /// xAPI 1.0.3 statements for a learning record store (needs the learner's id).
    Xapi,
}

impl Rendering {
    /// The media type a response in this rendering carries.
    pub fn media_type(self) -> &'static str {
        match self {
            Rendering::Json | Rendering::Xapi => "application/json",
            Rendering::Text => "text/plain; charset=utf-8",
            Rendering::Html => "text/html; charset=utf-8",
            Rendering::Csv => "text/csv; charset=utf-8; header=present",
        }
    }
}

/// What a rendering needs beyond the request and its assessment.
#[derive(Debug, Clone, Default)]
pub struct RenderSettings {
    /// Where the transcript came from (a file name), for the reports; CSV rows
    /// fall back to the learner's id.
    pub source: Option<String>,
    /// JSON indented for people, with a final newline, rather than compact.
    pub pretty_json: bool,
    /// Base IRI of xAPI activity and extension ids.
    pub xapi_base: String,
    /// Home page of the system that issued the learner's id.
    pub xapi_account_home: String,
}

/// Renders a scored request. The renderings read whose assessment it is, and of
/// which transcript, from the assessment's `audit`.
pub fn render(
    rendering: Rendering,
    request: &ScoreRequest<'_>,
    assessment: &Assessment,
    settings: &RenderSettings,
) -> Result<String, Problem> {
    Ok(match rendering {
        Rendering::Json => json(assessment, settings.pretty_json)?,
        Rendering::Text => report::render_text(assessment, settings.source.as_deref()),
        Rendering::Html => report::render_html(
            assessment,
            &ReportContext {
                source: settings.source.clone(),
                date: request.date().map_or_else(report::today, str::to_owned),
            },
        ),
        Rendering::Csv => {
            let source = settings
                .source
                .as_deref()
                .or(request.learner_id())
                .unwrap_or("");
            report::csv_header() + &report::csv_rows(source, assessment)
        }
        Rendering::Xapi => {
            let learner_id = request
                .learner_id()
                .filter(|id| !id.trim().is_empty())
                .ok_or_else(|| {
                    Problem::new(
                        ErrorCode::MissingLearnerId,
                        "xAPI statements need `learner_id` (the learner's id in your e-portfolio or LRS) as their actor",
                    )
                })?;
            let context = XapiContext {
                base: settings.xapi_base.clone(),
                account_home: settings.xapi_account_home.clone(),
                learner_id: learner_id.to_owned(),
                transcript_sha256: assessment.audit.as_ref().map_or_else(
                    || report::transcript_digest(request.transcript()),
                    |audit| audit.transcript_sha256.clone(),
                ),
            };
            json(
                &report::xapi_statements(assessment, &context),
                settings.pretty_json,
            )?
        }
    })
}

/// JSON of a value, compact or pretty (indented, with a final newline).
fn json(value: &impl serde::Serialize, pretty: bool) -> Result<String, Problem> {
    let text = if pretty {
        serde_json::to_string_pretty(value).map(|text| text + "\n")
    } else {
        serde_json::to_string(value)
    };
    // Plain data structures always serialise.
    text.map_err(|_| Problem::internal_error())
}
