//! `rolemark rubrics list` and `rolemark rubrics check`.

use super::{write_out, CliError, RubricSource};
use crate::transcript::{self, Format, ParseOptions, Role, RoleHints, Transcript};
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum RubricsCommand {
    /// List the available rubrics: id, version, criteria, sha256 and title.
    List {
        #[command(flatten)]
        source: RubricSource,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show which cues of a rubric fire in a sentence or transcript, which were
    /// held back and why, and which behaviours and criteria they feed.
    Explain(ExplainArgs),
    /// Validate rubrics and run their examples; errors name the file, line and
    /// column, failing examples the cue that fired or did not.
    Check {
        /// Rubric files, or ids of embedded rubrics.
        #[arg(required = true, value_name = "FILE_OR_ID")]
        names: Vec<String>,
        /// Rubrics that the checked ones may extend, besides the embedded ones.
        #[command(flatten)]
        source: RubricSource,
    },
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rubric id or the path of a rubric file.
    #[arg(value_name = "RUBRIC")]
    rubric: String,
    /// A sentence (spoken by `--as`), or the path of a transcript file in any format.
    #[arg(value_name = "SENTENCE_OR_FILE")]
    input: String,
    /// Who speaks a sentence given on the command line.
    #[arg(long = "as", value_name = "ROLE", default_value = "learner", value_parser = parse_role)]
    speaker_role: Role,
    /// The speaker label of the learner in a transcript file, when labels do not say it.
    #[arg(long, value_name = "NAME")]
    learner: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    source: RubricSource,
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(value).ok_or_else(|| format!("`{value}` should be learner, customer or other"))
}

fn explain(args: &ExplainArgs) -> Result<(), CliError> {
    let rubric = super::rubric_choice::resolve_rubric(&args.rubric, &args.source)?;
    let path = Path::new(&args.input);
    let transcript = if path.is_file() {
        let text = super::score_cmd::read_input(path)?;
        let hints = RoleHints {
            learner: args.learner.clone(),
            roles: Default::default(),
        };
        let options = ParseOptions {
            format: path
                .file_name()
                .and_then(|name| name.to_str())
                .filter(|name| name.contains('.'))
                .and_then(Format::from_extension),
            keep_cues: false,
        };
        transcript::parse_with(&text, &options, &hints)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?
            .0
    } else {
        Transcript::one_sentence(args.speaker_role, &args.input)
    };
    let explanation = rubric.explain(&transcript);
    let out = if args.json {
        serde_json::to_string_pretty(&explanation).map_err(|e| CliError::internal(e.to_string()))?
            + "\n"
    } else {
        render_explanation(&explanation)
    };
    write_out(&out)
}

fn render_explanation(explanation: &crate::engine::Explanation) -> String {
    let mut out = String::new();
    if explanation.cues.is_empty() {
        let _ = writeln!(out, "No cue of rubric `{}` fires.", explanation.rubric);
        return out;
    }
    for cue in &explanation.cues {
        let status = match &cue.held_back {
            None => "counts".to_owned(),
            Some(why) => format!("held back: {why}"),
        };
        let _ = writeln!(
            out,
            "turn {}, {} ({}), chars {}-{}: \u{201c}{}\u{201d} is a cue of `{}` (phrase \u{201c}{}\u{201d}): {status}",
            cue.turn, cue.speaker, cue.role.as_str(), cue.start, cue.end, cue.text, cue.lexicon, cue.phrase
        );
        let (used, unused): (Vec<_>, Vec<_>) = cue.feeds.iter().partition(|u| u.takes_this_role);
        if !used.is_empty() {
            let list: Vec<String> = used
                .iter()
                .map(|u| format!("{} ({})", u.target, u.rule))
                .collect();
            let verb = if cue.held_back.is_none() {
                "feeds"
            } else {
                "would feed"
            };
            let _ = writeln!(out, "    {verb}: {}", list.join(", "));
        }
        for u in unused {
            let _ = writeln!(
                out,
                "    not from this speaker: {} ({}): {}",
                u.target,
                u.rule,
                u.why_not.as_deref().unwrap_or_default()
            );
        }
        if cue.feeds.is_empty() {
            let _ = writeln!(out, "    read by no behaviour or criterion");
        }
    }
    out
}

pub fn run(command: RubricsCommand) -> Result<(), CliError> {
    match command {
        RubricsCommand::Explain(args) => explain(&args),
        RubricsCommand::List { source, json } => {
            let registry = source.load()?;
            let mut out = String::new();
            if json {
                let rows: Vec<serde_json::Value> = registry
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "id": r.id, "title": r.title, "version": r.version,
                            "sha256": r.sha256, "criteria": r.criteria.len(),
                        })
                    })
                    .collect();
                out = serde_json::to_string_pretty(&rows)
                    .map_err(|e| CliError::internal(e.to_string()))?
                    + "\n";
            } else {
                let _ = writeln!(
                    out,
                    "{:<24} {:<8} {:>8} {:<14} TITLE",
                    "ID", "VERSION", "CRITERIA", "SHA256"
                );
                for r in registry.iter() {
                    let _ = writeln!(
                        out,
                        "{:<24} {:<8} {:>8} {:<14} {}",
                        r.id,
                        r.version,
                        r.criteria.len(),
                        &r.sha256[..12],
                        r.title
                    );
                }
            }
            write_out(&out)?;
            // As `ls` does with a missing file: the rest is listed, and the exit
            // code says something is wrong.
            let failing: Vec<String> = registry
                .failing_files()
                .filter_map(|f| f.error().map(ToString::to_string))
                .collect();
            if failing.is_empty() {
                Ok(())
            } else {
                let files = if failing.len() == 1 {
                    "file fails"
                } else {
                    "files fail"
                };
                Err(CliError::input(format!(
                    "{} rubric {files} to load and {} not listed: {}",
                    failing.len(),
                    if failing.len() == 1 { "is" } else { "are" },
                    failing.join("; ")
                )))
            }
        }
        RubricsCommand::Check { names, source } => {
            let mut out = String::new();
            let mut failed = 0;
            let bases = source.registry_for(None)?;
            for name in &names {
                let path = Path::new(name);
                let rubric = if path.exists() {
                    crate::rubrics::load_file(path, &bases)
                        .map_err(|e| CliError::input(e.to_string()))?
                } else {
                    crate::rubrics::Registry::embedded_one(name)
                        .ok_or_else(|| {
                            CliError::input(format!(
                                "`{name}` is neither a rubric file nor an embedded rubric id"
                            ))
                        })?
                        .map_err(|e| CliError::internal(e.to_string()))?
                };
                let report = crate::rubrics::check_examples(&rubric);
                failed += report.failures.len();
                for failure in &report.failures {
                    let _ = writeln!(out, "{name}: {failure}");
                }
                let verdict = if report.failures.is_empty() {
                    "ok"
                } else {
                    "FAILED"
                };
                let _ = writeln!(
                    out,
                    "{name}: {verdict}: {} {} ({} criteria, {} lexicons, {} phrases, {} of {} examples pass, sha256 {})",
                    rubric.id,
                    rubric.version,
                    rubric.criteria.len(),
                    rubric.lexicons.len(),
                    rubric.phrase_count(),
                    report.checked - report.failures.len(),
                    report.checked,
                    rubric.sha256
                );
            }
            write_out(&out)?;
            if failed > 0 {
                return Err(CliError::input(format!(
                    "{failed} rubric examples fail: see the lines above"
                )));
            }
            Ok(())
        }
    }
}
