//! `rolemark score`: score transcript files against one rubric.

use super::{write_out, CliError, RubricSource};
use crate::engine::{Rubric, Scorer};
use crate::report::render_text;
use crate::transcript::{self, Format, ParseOptions, Role, RoleHints};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// The assessment document: one pretty document for one file; for several, one
    /// line per file, `{"file", "assessment"}` or `{"file", "error"}`.
    Json,
    /// A readable report for an assessor at a terminal.
    Text,
}

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// A rubric id (see `rolemark rubrics list`) or the path of a rubric file.
    #[arg(long, value_name = "ID_OR_PATH")]
    rubric: String,
    #[command(flatten)]
    source: RubricSource,
    /// The speaker label of the learner, when labels do not say it.
    #[arg(long, value_name = "NAME")]
    learner: Option<String>,
    /// A speaker's role, as SPEAKER=learner|customer|other (repeatable).
    #[arg(long = "role", value_name = "SPEAKER=ROLE", value_parser = parse_role)]
    roles: Vec<(String, Role)>,
    /// Input format (json, text, vtt, srt, whisper, aws-transcribe, deepgram, assemblyai,
    /// teams-txt, zoom-txt); taken from the file extension (.vtt, .srt, .json) or the
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
    /// Threads scoring several files at once (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Leave the parsed transcript out of JSON output.
    #[arg(long)]
    no_transcript: bool,
    /// Score request lines in the service's batch format (NDJSON, `-` for standard
    /// input) instead of transcript files; each result line says its `line` and `id`.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
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

/// An embedded rubric, one from `--rubrics DIR`, or a rubric file's path.
pub(super) fn resolve_rubric(id: &str, source: &RubricSource) -> Result<Arc<Rubric>, CliError> {
    // Compiling one embedded rubric, not all, keeps a one-file score quick.
    if source.is_embedded_only() {
        if let Some(compiled) = crate::rubrics::Registry::embedded_one(id) {
            return compiled
                .map(Arc::new)
                .map_err(|e| CliError::internal(e.to_string()));
        }
    }
    let registry = source.registry()?;
    if let Some(rubric) = registry.get(id) {
        return Ok(rubric.clone());
    }
    let path = Path::new(id);
    if path.exists() {
        return crate::rubrics::load_file(path)
            .map(Arc::new)
            .map_err(|e| CliError::input(e.to_string()));
    }
    Err(CliError::input(format!(
        "unknown rubric `{id}`: use one of {} or the path of a rubric file",
        registry.ids().join(", ")
    )))
}

pub(super) fn read_input(path: &Path) -> Result<String, CliError> {
    let bytes = if path == Path::new("-") {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer)
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
        buffer
    } else {
        std::fs::read(path)
            .map_err(|e| CliError::input(format!("{}: cannot read: {e}", path.display())))?
    };
    String::from_utf8(bytes).map_err(|e| {
        CliError::input(format!(
            "{}: not UTF-8 text (invalid byte at offset {}): save the transcript as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Files scored together before their lines are written: enough to keep every
/// core busy, few enough that memory stays flat however many files there are.
const FILES_PER_ROUND: usize = 64;

pub fn run(args: ScoreArgs) -> Result<(), CliError> {
    let rubric = resolve_rubric(&args.rubric, &args.source)?;
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
    let job = Job {
        args: &args,
        rubric: &rubric,
        format,
        hints: RoleHints {
            learner: args.learner.clone(),
            roles: args.roles.iter().cloned().collect(),
        },
        scorer: if args.no_transcript {
            Scorer::new(&rubric).without_transcript()
        } else {
            Scorer::new(&rubric)
        },
    };
    if let Some(batch) = &args.batch {
        return super::score_ndjson::run(&job, batch, &job.pool()?);
    }
    if let [path] = args.files.as_slice() {
        let assessment = job.assess(path)?;
        let text = match args.format {
            OutputFormat::Json => {
                serde_json::to_string_pretty(&assessment)
                    .map_err(|e| CliError::internal(e.to_string()))?
                    + "\n"
            }
            OutputFormat::Text => render_text(&assessment, Some(&path.display().to_string())),
        };
        return write_out(&text);
    }
    job.run_batch()
}

/// One scoring run over the command line's files.
pub(super) struct Job<'a> {
    args: &'a ScoreArgs,
    rubric: &'a Rubric,
    format: Option<Format>,
    hints: RoleHints,
    scorer: Scorer<'a>,
}

impl Job<'_> {
    /// The rubric named by `--rubric`.
    pub(super) fn rubric(&self) -> &Rubric {
        self.rubric
    }

    /// Every rubric known to the command line (embedded, and `--rubrics DIR`).
    pub(super) fn registry(&self) -> Result<crate::rubrics::Registry, CliError> {
        self.args.source.registry()
    }

    pub(super) fn without_transcript(&self) -> bool {
        self.args.no_transcript
    }

    /// Threads for scoring many transcripts: `--jobs`, or one per core.
    pub(super) fn pool(&self) -> Result<rayon::ThreadPool, CliError> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.args.jobs.unwrap_or(0))
            .build()
            .map_err(|e| CliError::internal(format!("cannot start scoring threads: {e}")))
    }

    fn assess(&self, path: &Path) -> Result<crate::engine::Assessment, CliError> {
        let input = read_input(path)?;
        let options = ParseOptions {
            format: self.format.or_else(|| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .filter(|name| name.contains('.'))
                    .and_then(Format::from_extension)
            }),
            keep_cues: self.args.keep_cues,
        };
        let (transcript, report) = transcript::parse_with(&input, &options, &self.hints)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
        Ok(self.scorer.score(&transcript).with_input(report))
    }

    /// Scores many files on every core, writing each file's result in the order
    /// given as soon as it and those before it are done. A file that cannot be
    /// scored gets an error record (JSON) or paragraph (text) and the run goes on;
    /// the exit status is then 2.
    fn run_batch(&self) -> Result<(), CliError> {
        let files = &self.args.files;
        let progress = if std::io::stderr().is_terminal() {
            ProgressBar::new(files.len() as u64).with_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} files, {per_sec}, eta {eta}")
                    .map_err(|e| CliError::internal(e.to_string()))?,
            )
        } else {
            ProgressBar::hidden()
        };
        let pool = self.pool()?;
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
        let outcome = self.assess(path);
        let ok = outcome.is_ok();
        let record = match (self.args.format, outcome) {
            (OutputFormat::Json, Ok(assessment)) => {
                serde_json::json!({ "file": file, "assessment": assessment }).to_string() + "\n"
            }
            (OutputFormat::Json, Err(error)) => {
                serde_json::json!({ "file": file, "error": error.to_string() }).to_string() + "\n"
            }
            (OutputFormat::Text, Ok(assessment)) => render_text(&assessment, Some(&file)) + "\n",
            (OutputFormat::Text, Err(error)) => format!("Transcript: {file}\nError: {error}\n\n"),
        };
        (record, ok)
    }
}
