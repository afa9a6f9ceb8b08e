//! `rolemark score`: score transcript files, or batch request lines, through
//! the same use-case as the service ([`crate::assess`]).

use super::rubric_choice::{resolve_rubric, CliRubrics};
use super::{write_out, CliError, RubricSource};
use crate::assess::{self, Problem, RenderSettings, Rendering, ScoreRequest, TranscriptLimits};
use crate::engine::{AssessorOverride, Outcome, Scenario};
use crate::report;
use crate::transcript::{Format, Role, RoleHints};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

mod summary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// The assessment document: one pretty document for one file; for several, one
    /// line per file, `{"file", "assessment"}` or `{"file", "error"}`.
    Json,
    /// A readable report for an assessor at a terminal.
    Text,
    /// The printable evidence report, one HTML page (one transcript at a time;
    /// with --summary, the cohort's page).
    Html,
    /// One row per transcript per criterion, for spreadsheets (with --summary,
    /// one per criterion with its counts).
    Csv,
    /// xAPI 1.0.3 statements, a JSON array ready to POST to a learning record
    /// store (one transcript at a time; needs --learner-id).
    Xapi,
}

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// A rubric id (see `rolemark rubrics list`) or the path of a rubric file;
    /// with --batch, the rubric of lines that name none.
    #[arg(long, value_name = "ID_OR_PATH", required_unless_present = "batch")]
    rubric: Option<String>,
    #[command(flatten)]
    source: RubricSource,
    /// The speaker label of the learner, when labels do not say it.
    #[arg(long, value_name = "NAME")]
    learner: Option<String>,
    /// A speaker's role, as SPEAKER=learner|customer|other (repeatable).
    #[arg(long = "role", value_name = "SPEAKER=ROLE", value_parser = parse_role)]
    roles: Vec<(String, Role)>,
    /// Input format (json, text, vtt, srt, whisper, aws-transcribe, deepgram, assemblyai,
    /// teams-txt, zoom-txt, google-stt, azure-batch, rev-ai, otter-txt, google-meet); taken from the file extension (.vtt, .srt, .json) or the
    /// content when omitted.
    #[arg(long, value_name = "FORMAT")]
    input_format: Option<String>,
    /// Keep every caption cue or segment as its own turn instead of merging
    /// consecutive ones of one speaker.
    #[arg(long)]
    keep_cues: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// The role-play's scenario brief (TOML or JSON): the organisation's
    /// policies, the learner's authority limit, the customer's demand.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// The day of the assessment, for reports (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = report::parse_date)]
    date: Option<String>,
    /// The learner's id in your records (candidate or enrolment number): shown on
    /// reports, and the xAPI actor's account name.
    #[arg(long, value_name = "ID")]
    learner_id: Option<String>,
    /// Base IRI of xAPI activity and extension ids.
    #[arg(long, value_name = "IRI", default_value = report::DEFAULT_XAPI_BASE, value_parser = super::iri)]
    xapi_base: String,
    /// Home page of the system that issued --learner-id (default: --xapi-base).
    #[arg(long, value_name = "URL", value_parser = super::iri)]
    xapi_account_home: Option<String>,
    /// The assessor's judgement of a criterion, replacing the system's outcome
    /// (which is kept beside it): CRITERION=OUTCOME:COMMENT, OUTCOME one of met,
    /// partially_met, not_met, not_applicable (repeatable; one transcript only;
    /// needs --assessor).
    #[arg(long = "override", value_name = "CRITERION=OUTCOME:COMMENT", value_parser = parse_override)]
    overrides: Vec<AssessorOverride>,
    /// Who made the --override judgements: the assessor's name or id, kept with
    /// each override (required with --override).
    #[arg(long, value_name = "NAME")]
    assessor: Option<String>,
    /// When the --override judgements were made, RFC 3339 with an offset
    /// (default: the time of scoring; give it for byte-identical records).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    overridden_at: Option<String>,
    /// Threads scoring several files at once (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Leave the parsed transcript out of JSON output.
    #[arg(long)]
    no_transcript: bool,
    /// Print one summary of all the files (or --batch lines) instead of each
    /// result: per criterion how many met, partially met, not met and not
    /// applicable, the grades, who has a criterion to check before failing, and
    /// what could not be scored (--format json, text, csv or html).
    #[arg(long)]
    summary: bool,
    /// Score request lines in the service's batch format (NDJSON, `-` for standard
    /// input) instead of transcript files; each result line says its `line` and `id`.
    /// Each line carries its own rubric, roles, scenario, date and overrides.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = [
            "files", "learner", "roles", "input_format", "keep_cues", "scenario", "date",
            "learner_id", "overrides", "assessor", "overridden_at"
        ]
    )]
    batch: Option<PathBuf>,
    /// Transcript files (`-` reads standard input).
    #[arg(required_unless_present = "batch", value_name = "FILE")]
    files: Vec<PathBuf>,
}

fn parse_role(value: &str) -> Result<(String, Role), String> {
    let (speaker, role) = value
        .rsplit_once('=')
        .ok_or_else(|| format!("`{value}` should be SPEAKER=ROLE, e.g. Priya=learner"))?;
    let role = Role::parse(role)
        .ok_or_else(|| format!("role `{role}` should be learner, customer or other"))?;
    Ok((speaker.trim().to_owned(), role))
}

fn parse_override(value: &str) -> Result<AssessorOverride, String> {
    let shape = "should be CRITERION=OUTCOME:COMMENT, e.g. empathy=met:\"acknowledged the delay at turn 6\"";
    let (criterion, rest) = value.split_once('=').ok_or(shape)?;
    let (outcome, comment) = rest.split_once(':').ok_or(shape)?;
    let outcome = match outcome.trim() {
        "met" => Outcome::Met,
        "partially_met" | "partially-met" | "partial" => Outcome::PartiallyMet,
        "not_met" | "not-met" => Outcome::NotMet,
        "not_applicable" | "not-applicable" | "n/a" => Outcome::NotApplicable,
        _ => {
            return Err(format!(
                "the outcome {shape}: met, partially_met, not_met or not_applicable"
            ))
        }
    };
    Ok(AssessorOverride {
        criterion: criterion.trim().to_owned(),
        outcome,
        comment: comment.trim().to_owned(),
        // Both come from --assessor and --overridden-at, for every override.
        assessor: String::new(),
        at: None,
    })
}

fn parse_time(value: &str) -> Result<String, String> {
    value
        .parse::<jiff::Timestamp>()
        .map(|_| value.to_owned())
        .map_err(|_| "should be an RFC 3339 time with its offset, e.g. 2026-11-27T14:05:00Z".into())
}

/// The --override judgements with who made them and when, or why they cannot
/// be recorded.
fn attributed_overrides(args: &ScoreArgs) -> Result<Vec<AssessorOverride>, CliError> {
    let assessor = args.assessor.as_deref().map(str::trim);
    if args.overrides.is_empty() {
        if assessor.is_some() || args.overridden_at.is_some() {
            return Err(CliError::input(
                "--assessor and --overridden-at describe --override judgements: give an --override, or leave them out",
            ));
        }
        return Ok(Vec::new());
    }
    let assessor = assessor.filter(|a| !a.is_empty()).ok_or_else(|| {
        CliError::input(
            "--override needs --assessor NAME: the name or id of the assessor who made the judgement",
        )
    })?;
    Ok(args
        .overrides
        .iter()
        .map(|o| AssessorOverride {
            assessor: assessor.to_owned(),
            at: args.overridden_at.clone(),
            ..o.clone()
        })
        .collect())
}

/// Files scored together before their lines are written: enough to keep every
/// core busy, few enough that memory stays flat however many files there are.
const FILES_PER_ROUND: usize = 64;

pub(super) fn read_input(path: &Path) -> Result<String, CliError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::input(format!(
            "{}: not UTF-8 text (invalid byte at offset {}): save the transcript as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// A file's bytes (`-` reads standard input).
fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    if path == Path::new("-") {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer)
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
        Ok(buffer)
    } else {
        std::fs::read(path)
            .map_err(|e| CliError::input(format!("{}: cannot read: {e}", path.display())))
    }
}

/// Reads a scenario brief: JSON when the file says so by name or content, else TOML.
fn read_scenario(path: &Path) -> Result<Scenario, CliError> {
    let text = read_input(path)?;
    let is_json =
        path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    let scenario: Scenario = if is_json {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str(&text).map_err(|e| e.message().to_owned())
    }
    .map_err(|e| CliError::input(format!("{}: not a scenario brief: {e}", path.display())))?;
    scenario
        .validate()
        .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    Ok(scenario)
}

impl OutputFormat {
    fn rendering(self) -> Rendering {
        match self {
            OutputFormat::Json => Rendering::Json,
            OutputFormat::Text => Rendering::Text,
            OutputFormat::Html => Rendering::Html,
            OutputFormat::Csv => Rendering::Csv,
            OutputFormat::Xapi => Rendering::Xapi,
        }
    }
}

/// The request every transcript file of the run is scored with: the flags,
/// checked, waiting for a transcript.
impl TryFrom<&ScoreArgs> for ScoreRequest<'static> {
    type Error = CliError;

    fn try_from(args: &ScoreArgs) -> Result<Self, CliError> {
        let format = match &args.input_format {
            None => None,
            Some(name) => Some(Format::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                CliError::input(format!(
                    "unknown input format `{name}`: use one of {}",
                    known.join(", ")
                ))
            })?),
        };
        let scenario = args.scenario.as_deref().map(read_scenario).transpose()?;
        let overrides = attributed_overrides(args)?;
        let request = ScoreRequest::new("")
            .with_format(format)
            .with_roles(RoleHints {
                learner: args.learner.clone(),
                roles: args.roles.iter().cloned().collect(),
            })
            .keeping_cues(args.keep_cues)
            .including_transcript(!args.no_transcript)
            .with_overrides(overrides)
            .with_learner_id(args.learner_id.clone())
            // Both were checked when read, so neither can fail here.
            .with_date(args.date.as_deref())
            .and_then(|request| request.with_scenario(scenario))
            .map_err(|problem| CliError::input(problem.detail))?;
        Ok(request)
    }
}

pub fn run(args: ScoreArgs) -> Result<(), CliError> {
    let default = args
        .rubric
        .as_deref()
        .map(|id| resolve_rubric(id, &args.source))
        .transpose()?;
    let rubrics = CliRubrics::new(default, &args.source);
    let pool = || {
        rayon::ThreadPoolBuilder::new()
            .num_threads(args.jobs.unwrap_or(0))
            .build()
            .map_err(|e| CliError::internal(format!("cannot start scoring threads: {e}")))
    };
    if args.summary {
        return summary::run(&args, &rubrics, &pool()?);
    }
    if let Some(batch) = &args.batch {
        if !matches!(args.format, OutputFormat::Json) {
            return Err(CliError::input(
                "--batch answers in the service's batch format: leave out --format, or score files with --format csv",
            ));
        }
        return super::score_ndjson::run(batch, &rubrics, !args.no_transcript, &pool()?);
    }
    let template = ScoreRequest::try_from(&args)?;
    let one_file = args.files.len() == 1;
    let needs_one = match args.format {
        OutputFormat::Html => Some("--format html renders one transcript: score the files one at a time, or use --format csv"),
        OutputFormat::Xapi => Some("--format xapi describes one learner: score the files one at a time, each with its --learner-id"),
        _ if !args.overrides.is_empty() => Some("--override applies to one transcript: score it on its own"),
        _ => None,
    };
    if let (Some(message), false) = (needs_one, one_file) {
        return Err(CliError::input(message));
    }
    if args.format == OutputFormat::Xapi && args.learner_id.is_none() {
        return Err(CliError::input(
            "--format xapi needs --learner-id ID: the learner's id in your e-portfolio or LRS",
        ));
    }
    let files = Files {
        args: &args,
        template: &template,
        rubrics: &rubrics,
    };
    if let [path] = args.files.as_slice() {
        return write_out(&files.single(path)?);
    }
    files.run_batch(&pool()?)
}

/// The transcript files of one run, each scored with the run's request.
struct Files<'a> {
    args: &'a ScoreArgs,
    template: &'a ScoreRequest<'static>,
    rubrics: &'a CliRubrics<'a>,
}

impl Files<'_> {
    /// The output for a single transcript, in any format.
    fn single(&self, path: &Path) -> Result<String, CliError> {
        let input = read_input(path)?;
        let request = self.request(path, &input);
        let assessment = self.score(path, &request)?;
        let settings = RenderSettings {
            source: Some(path.display().to_string()),
            pretty_json: true,
            xapi_base: self.args.xapi_base.clone(),
            xapi_account_home: self
                .args
                .xapi_account_home
                .clone()
                .unwrap_or_else(|| self.args.xapi_base.clone()),
        };
        assess::render(
            self.args.format.rendering(),
            &request,
            &assessment,
            &settings,
        )
        .map_err(|problem| self.failure(path, problem))
    }

    /// The run's request for one file's text; a format the flags leave open is
    /// taken from the file's extension, then from the content.
    fn request<'t>(&self, path: &Path, input: &'t str) -> ScoreRequest<'t> {
        let request = self.template.for_transcript(input);
        if request.format().is_some() {
            return request;
        }
        let by_extension = path
            .file_name()
            .and_then(|name| name.to_str())
            .filter(|name| name.contains('.'))
            .and_then(Format::from_extension);
        request.with_format(by_extension)
    }

    fn score(
        &self,
        path: &Path,
        request: &ScoreRequest<'_>,
    ) -> Result<crate::engine::Assessment, CliError> {
        assess::score(request, self.rubrics, &TranscriptLimits::NONE)
            .map(|scored| scored.assessment)
            .map_err(|problem| self.failure(path, problem))
    }

    /// A problem as the command line reports it: the file, then what to fix.
    fn failure(&self, path: &Path, problem: Problem) -> CliError {
        CliError::from_problem(&problem, Some(path))
    }

    /// Scores many files on every core, writing each file's result in the order
    /// given as soon as it and those before it are done. A file that cannot be
    /// scored gets an error record (JSON), paragraph (text) or row (CSV) and the
    /// run goes on; the exit status is then 2.
    fn run_batch(&self, pool: &rayon::ThreadPool) -> Result<(), CliError> {
        let files = &self.args.files;
        let progress = progress_bar(files.len())?;
        if self.args.format == OutputFormat::Csv {
            write_out(&report::csv_header())?;
        }
        let mut failed = 0;
        for round in files.chunks(FILES_PER_ROUND) {
            let results: Vec<(String, bool)> = pool.install(|| {
                round
                    .par_iter()
                    .map(|path| self.result_record(path))
                    .collect()
            });
            for (record, ok) in results {
                failed += usize::from(!ok);
                progress.suspend(|| write_out(&record))?;
                progress.inc(1);
            }
        }
        progress.finish_and_clear();
        if failed > 0 {
            return Err(CliError::input(format!(
                "{failed} of {} files could not be scored: see their error records",
                files.len()
            )));
        }
        Ok(())
    }

    /// The output record of one file in a batch, and whether it was scored.
    fn result_record(&self, path: &Path) -> (String, bool) {
        let file = path.display().to_string();
        let outcome = read_input(path).and_then(|input| {
            let request = self.request(path, &input);
            self.score(path, &request)
        });
        let ok = outcome.is_ok();
        let record = match (self.args.format, outcome) {
            (OutputFormat::Json, Ok(assessment)) => {
                serde_json::json!({ "file": file, "assessment": assessment }).to_string() + "\n"
            }
            (OutputFormat::Json, Err(error)) => {
                serde_json::json!({ "file": file, "error": error.to_string() }).to_string() + "\n"
            }
            (OutputFormat::Text, Ok(assessment)) => {
                report::render_text(&assessment, Some(&file)) + "\n"
            }
            (OutputFormat::Text, Err(error)) => format!("Transcript: {file}\nError: {error}\n\n"),
            (OutputFormat::Csv, Ok(assessment)) => report::csv_rows(&file, &assessment),
            (OutputFormat::Csv, Err(error)) => report::csv_error_row(&file, &error.to_string()),
            // `run` sends these formats through `single`.
            (OutputFormat::Html | OutputFormat::Xapi, _) => unreachable!("one transcript only"),
        };
        (record, ok)
    }
}

/// A progress bar over `files` on stderr when it is a terminal, else a hidden one.
fn progress_bar(files: usize) -> Result<ProgressBar, CliError> {
    Ok(if std::io::stderr().is_terminal() {
        ProgressBar::new(files as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files, {per_sec}, eta {eta}")
                .map_err(|e| CliError::internal(e.to_string()))?,
        )
    } else {
        ProgressBar::hidden()
    })
}
