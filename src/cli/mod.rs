//! The `rolemark` command: parse arguments into a validated request, then dispatch.
//!
//! Exit codes: 0 on success, 2 on bad input (with a one-line message on stderr),
//! 1 when output cannot be written.

// The score use-case's `Problem` is made at most once per file or line, on the
// way out; boxing it would only add an allocation to every error.
#![allow(clippy::result_large_err)]

mod eval_cmd;
mod generate_cmd;
mod rubric_choice;
mod rubrics_cmd;
mod score_cmd;
mod score_ndjson;
mod serve_cmd;

use clap::{Parser, Subcommand};
use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "rolemark",
    version,
    about = "Scores customer-service role-play transcripts against rubrics, with exact evidence quotes",
    long_about = None
)]
/// The command line's arguments.
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score transcripts against a rubric.
    Score(score_cmd::ScoreArgs),
    /// List and validate rubrics.
    #[command(subcommand)]
    Rubrics(rubrics_cmd::RubricsCommand),
    /// Measure a rubric's turn-level detectors against annotated dialogues (JSON Lines).
    Eval(eval_cmd::EvalArgs),
    /// Run the REST service.
    Serve(serve_cmd::ServeArgs),
    /// Print the OpenAPI document of the REST service.
    Openapi,
    /// Print synthetic role-plays for load tests and benchmarks.
    #[command(hide = true)]
    Generate(generate_cmd::GenerateArgs),
}

/// An xAPI base IRI or home page given on the command line.
fn iri(value: &str) -> Result<String, crate::report::InvalidIri> {
    crate::report::check_iri(value).map(|()| value.to_owned())
}

/// Options shared by commands that look rubrics up.
#[derive(Debug, clap::Args)]
pub struct RubricSource {
    /// Also load every *.toml in this directory (replacing embedded rubrics with the same id).
    #[arg(long, value_name = "DIR")]
    rubrics: Option<PathBuf>,
    /// Set once the failing files of `rubrics` have been warned about, so a
    /// command that loads the directory twice warns once.
    #[arg(skip)]
    warned: std::sync::OnceLock<()>,
}

impl RubricSource {
    fn is_embedded_only(&self) -> bool {
        self.rubrics.is_none()
    }

    /// The embedded rubrics and every file of `--rubrics DIR` that loads; the
    /// files that fail are in [`crate::rubrics::Registry::failing_files`].
    fn load(&self) -> Result<crate::rubrics::Registry, CliError> {
        let mut registry =
            crate::rubrics::Registry::embedded().map_err(|e| CliError::internal(e.to_string()))?;
        if let Some(dir) = &self.rubrics {
            registry
                .load_dir_reporting(dir)
                .map_err(|e| CliError::input(e.to_string()))?;
        }
        Ok(registry)
    }

    /// The rubrics for a command that uses `name` (or any, with `None`): a
    /// failing file that is for `name` is the error, since it is what the
    /// command was asked for; any other failing file is one warning line on
    /// stderr, and the command goes on without it.
    fn registry_for(&self, name: Option<&str>) -> Result<crate::rubrics::Registry, CliError> {
        let registry = self.load()?;
        if let Some(name) = name {
            if let Some(failed) = registry.failing_files().find(|f| f.is_for(name)) {
                return Err(CliError::input(failed_file(name, failed)));
            }
        }
        self.warned.get_or_init(|| {
            for failed in registry.failing_files() {
                if let Some(error) = failed.error() {
                    eprintln!(
                        "rolemark: warning: skipping a rubric file that fails to load: {}",
                        error.to_string().replace('\n', " ")
                    );
                }
            }
        });
        Ok(registry)
    }
}

/// Why rubric `name` cannot be used: the file that holds it fails to load.
fn failed_file(name: &str, failed: &crate::rubrics::FileStatus) -> String {
    let why = failed.error().map(ToString::to_string).unwrap_or_default();
    format!("rubric `{name}` cannot be used: its file fails to load: {why}")
}

/// A failure with the exit code it deserves.
#[derive(Debug)]
pub struct CliError {
    message: String,
    code: u8,
}

impl CliError {
    /// Bad input: exit 2.
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: 2,
        }
    }

    /// Output or environment failure: exit 1.
    pub fn internal(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: 1,
        }
    }

    /// A problem of the score use-case, after the file it concerns: bad input
    /// unless it is a bug.
    pub fn from_problem(problem: &crate::assess::Problem, file: Option<&std::path::Path>) -> Self {
        let detail = problem.cli_detail.as_ref().unwrap_or(&problem.detail);
        let message = match file {
            Some(path) => format!("{}: {detail}", path.display()),
            None => detail.clone(),
        };
        if problem.status >= 500 {
            CliError::internal(message)
        } else {
            CliError::input(message)
        }
    }

    /// The process exit code.
    pub fn code(&self) -> u8 {
        self.code
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, always: multi-line messages are folded.
        f.write_str(&self.message.replace('\n', " "))
    }
}

/// Runs the command line and returns the process exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return 0;
        }
        Err(e) => {
            eprintln!(
                "rolemark: {}",
                one_line_usage_error(&e.render().to_string())
            );
            return 2;
        }
    };
    let result = match cli.command {
        Command::Score(args) => score_cmd::run(args),
        Command::Rubrics(command) => rubrics_cmd::run(command),
        Command::Eval(args) => eval_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(args),
        Command::Openapi => serve_cmd::openapi(),
        Command::Generate(args) => generate_cmd::run(args),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("rolemark: {e}");
            e.code()
        }
    }
}

fn write_out(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match lock.write_all(text.as_bytes()).and_then(|_| lock.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::internal(format!("cannot write output: {e}"))),
    }
}

/// Folds clap's multi-line usage error into the one line scripts can log.
fn one_line_usage_error(rendered: &str) -> String {
    let message: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    format!("{message} (see `rolemark --help`)")
}
