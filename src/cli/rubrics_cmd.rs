//! `rolemark rubrics list` and `rolemark rubrics check`.

use super::{write_out, CliError, RubricSource};
use std::fmt::Write;
use std::path::PathBuf;

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
    /// Validate rubric files; errors name the file, line and column.
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

pub fn run(command: RubricsCommand) -> Result<(), CliError> {
    match command {
        RubricsCommand::List { source, json } => {
            let registry = source.registry()?;
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
            write_out(&out)
        }
        RubricsCommand::Check { files } => {
            let mut out = String::new();
            for path in &files {
                let rubric =
                    crate::rubrics::load_file(path).map_err(|e| CliError::input(e.to_string()))?;
                let _ = writeln!(
                    out,
                    "{}: ok: {} {} ({} criteria, {} lexicons, {} phrases, sha256 {})",
                    path.display(),
                    rubric.id,
                    rubric.version,
                    rubric.criteria.len(),
                    rubric.lexicons.len(),
                    rubric.phrase_count(),
                    rubric.sha256
                );
            }
            write_out(&out)
        }
    }
}
