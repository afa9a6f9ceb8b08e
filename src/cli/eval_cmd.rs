//! `rolemark eval`: how well a rubric's turn-level detectors agree with
//! human-annotated dialogues, per label, per file and overall.

use super::rubric_choice::resolve_rubric;
use super::score_cmd::read_input;
use super::{write_out, CliError, RubricSource};
use crate::engine::eval::{read_dialogues, Evaluation, Figures};
use crate::engine::Rubric;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The rubric whose detectors are measured: an id, or a rubric file's path.
    #[arg(long, value_name = "ID")]
    rubric: String,
    #[command(flatten)]
    source: RubricSource,
    /// `text`: tables and the commonest errors; `json`: the figures only, for scripts.
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    format: EvalFormat,
    /// How many of the commonest false positives and misses to list.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// JSON Lines files, one annotated dialogue a line.
    #[arg(required = true, value_name = "FILE.jsonl")]
    files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EvalFormat {
    Text,
    Json,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    overall: BTreeMap<&'a str, Figures>,
    files: BTreeMap<&'a str, BTreeMap<&'a str, Figures>>,
}

pub fn run(args: EvalArgs) -> Result<(), CliError> {
    let rubric = resolve_rubric(&args.rubric, &args.source)?;
    let names = file_names(&args.files);
    let mut per_file = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let text = read_input(path)?;
        let dialogues = read_dialogues(&text)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
        if dialogues.is_empty() {
            return Err(CliError::input(format!(
                "{}: holds no dialogues: give one JSON object a line",
                path.display()
            )));
        }
        per_file.push(Evaluation::of(&rubric, &dialogues));
    }
    let mut overall = Evaluation::default();
    per_file.iter().for_each(|e| overall.absorb(e));

    let out = match args.format {
        EvalFormat::Json => {
            let report = JsonReport {
                overall: overall.figures().into_iter().collect(),
                files: names
                    .iter()
                    .zip(&per_file)
                    .map(|(name, e)| (name.as_str(), e.figures().into_iter().collect()))
                    .collect(),
            };
            serde_json::to_string_pretty(&report).map_err(|e| CliError::internal(e.to_string()))?
                + "\n"
        }
        EvalFormat::Text => render_text(&rubric, &names, &per_file, &overall, args.top),
    };
    write_out(&out)
}

/// Files are named by their file name, or by the path as given when two share one.
fn file_names(files: &[PathBuf]) -> Vec<String> {
    let base = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let bases: Vec<String> = files.iter().map(base).collect();
    files
        .iter()
        .zip(&bases)
        .map(|(path, name)| {
            if bases.iter().filter(|b| *b == name).count() > 1 {
                path.display().to_string()
            } else {
                name.clone()
            }
        })
        .collect()
}

fn render_text(
    rubric: &Rubric,
    names: &[String],
    per_file: &[Evaluation],
    overall: &Evaluation,
    top: usize,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rubric {} {} (sha256 {})",
        rubric.id,
        rubric.version,
        &rubric.sha256[..12]
    );
    for (name, evaluation) in names.iter().zip(per_file) {
        table(&mut out, name, evaluation);
    }
    if per_file.len() > 1 {
        table(
            &mut out,
            &format!("overall ({} files)", per_file.len()),
            overall,
        );
    }
    let _ = writeln!(
        out,
        "\nA label no turn of a file carries was not annotated there and is left out of that file and of the overall figures."
    );
    let rows = |out: &mut String, title: &str, what: &str, rows: Vec<(usize, &str, &str)>| {
        let _ = writeln!(out, "\n{title}");
        if rows.is_empty() {
            let _ = writeln!(out, "  none");
            return;
        }
        let _ = writeln!(out, "  {:>6}  {:<12} {what}", "turns", "label");
        for (count, label, pattern) in rows {
            let _ = writeln!(out, "  {count:>6}  {label:<12} {pattern}");
        }
    };
    rows(
        &mut out,
        "Commonest false positives, by the detector that fired:",
        "detector",
        overall.top_false_positives(top),
    );
    rows(
        &mut out,
        "Commonest misses, by the shape of the turn (content words shown as …):",
        "turn shape",
        overall.top_misses(top),
    );
    out
}

fn table(out: &mut String, title: &str, evaluation: &Evaluation) {
    let _ = writeln!(
        out,
        "\n{title}: {} dialogues, {} learner turns",
        evaluation.dialogues, evaluation.learner_turns
    );
    let _ = writeln!(
        out,
        "  {:<12} {:>9} {:>7} {:>7} {:>8} {:>10}",
        "label", "precision", "recall", "f1", "support", "predicted"
    );
    for (label, figures) in evaluation.figures() {
        let _ = writeln!(
            out,
            "  {label:<12} {:>9.3} {:>7.3} {:>7.3} {:>8} {:>10}",
            figures.precision,
            figures.recall,
            figures.f1,
            figures.support,
            evaluation.tallies[label].predicted()
        );
    }
}
