//! `rolemark score`: score transcript files against one rubric.

use super::{write_out, CliError, RubricSource};
use crate::engine::{Rubric, Scorer};
use crate::report::render_text;
use crate::transcript::{self, Format, ParseOptions, Role, RoleHints};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// The assessment document (one pretty document for one file, NDJSON for several).
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
    /// Leave the parsed transcript out of JSON output.
    #[arg(long)]
    no_transcript: bool,
    /// Transcript files (`-` reads standard input).
    #[arg(required = true, value_name = "FILE")]
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

fn resolve_rubric(args: &ScoreArgs) -> Result<Arc<Rubric>, CliError> {
    // Compiling one embedded rubric, not all, keeps a one-file score quick.
    if args.source.is_embedded_only() {
        if let Some(compiled) = crate::rubrics::Registry::embedded_one(&args.rubric) {
            return compiled
                .map(Arc::new)
                .map_err(|e| CliError::internal(e.to_string()));
        }
    }
    let registry = args.source.registry()?;
    if let Some(rubric) = registry.get(&args.rubric) {
        return Ok(rubric.clone());
    }
    let path = Path::new(&args.rubric);
    if path.exists() {
        return crate::rubrics::load_file(path)
            .map(Arc::new)
            .map_err(|e| CliError::input(e.to_string()));
    }
    Err(CliError::input(format!(
        "unknown rubric `{}`: use one of {} or the path of a rubric file",
        args.rubric,
        registry.ids().join(", ")
    )))
}

fn read_input(path: &Path) -> Result<String, CliError> {
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

pub fn run(args: ScoreArgs) -> Result<(), CliError> {
    let rubric = resolve_rubric(&args)?;
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
    let hints = RoleHints {
        learner: args.learner.clone(),
        roles: args.roles.iter().cloned().collect(),
    };
    let mut scorer = Scorer::new(&rubric);
    if args.no_transcript {
        scorer = scorer.without_transcript();
    }
    // Parse everything first so that a bad file fails before any output is written.
    let mut parsed = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let input = read_input(path)?;
        let options = ParseOptions {
            format: format.or_else(|| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .filter(|name| name.contains('.'))
                    .and_then(Format::from_extension)
            }),
            keep_cues: args.keep_cues,
        };
        let (transcript, report) = transcript::parse_with(&input, &options, &hints)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
        parsed.push((path, transcript, report));
    }
    let several = parsed.len() > 1;
    for (path, transcript, report) in parsed {
        let assessment = scorer.score(&transcript).with_input(report);
        let text = match args.format {
            OutputFormat::Json if several => {
                serde_json::to_string(&assessment).map_err(|e| CliError::internal(e.to_string()))?
                    + "\n"
            }
            OutputFormat::Json => {
                serde_json::to_string_pretty(&assessment)
                    .map_err(|e| CliError::internal(e.to_string()))?
                    + "\n"
            }
            OutputFormat::Text => {
                let mut report = render_text(&assessment, Some(&path.display().to_string()));
                if several {
                    report.push('\n');
                }
                report
            }
        };
        write_out(&text)?;
    }
    Ok(())
}
