//! `rolemark score --batch FILE`: score request lines in the service's batch
//! format (`POST /v1/score/batch`), scored on every core and answered line by
//! line in the same shape, `{"line", "id"?, "assessment" | "error"}`, through
//! the same [`assess::score_line`] as the service; or, with `--summary`,
//! folded into one cohort summary through [`each_answer`].

use super::rubric_choice::CliRubrics;
use super::{write_out, CliError};
use crate::assess::{self, LineAnswer, TranscriptLimits};
use rayon::prelude::*;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Lines scored together before their results are written.
const LINES_PER_ROUND: usize = 64;

/// Scores every request line of `path` (`-` for standard input); with
/// `keep_transcript` false, no result carries the parsed transcript.
pub(super) fn run(
    path: &Path,
    rubrics: &CliRubrics,
    keep_transcript: bool,
    pool: &rayon::ThreadPool,
) -> Result<(), CliError> {
    let (mut answered, mut failed) = (0, 0);
    each_answer(
        path,
        rubrics,
        pool,
        |mut answer| {
            if !keep_transcript {
                if let Some(assessment) = &mut answer.result.assessment {
                    assessment.transcript = None;
                }
            }
            let ok = answer.result.error.is_none();
            (answer.result.to_line(), ok)
        },
        |(record, ok)| {
            answered += 1;
            failed += usize::from(!ok);
            write_out(&String::from_utf8_lossy(&record))
        },
    )?;
    if failed > 0 {
        return Err(CliError::input(format!(
            "{failed} of {answered} request lines could not be scored: see their error records"
        )));
    }
    Ok(())
}

/// Scores every request line of `path` (`-` for standard input) on `pool`,
/// `shape`s each answer there too, and hands the shaped answers to `take` in
/// line order, a round at a time, so memory holds one round however long the
/// batch.
pub(super) fn each_answer<T: Send>(
    path: &Path,
    rubrics: &CliRubrics,
    pool: &rayon::ThreadPool,
    shape: impl Fn(LineAnswer) -> T + Sync,
    mut take: impl FnMut(T) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let source: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| CliError::input(format!("{}: cannot read: {e}", path.display())))?,
        )
    };
    let mut reader = BufReader::new(source);
    let mut number = 0;
    loop {
        let mut round: Vec<(usize, Vec<u8>)> = Vec::with_capacity(LINES_PER_ROUND);
        while round.len() < LINES_PER_ROUND {
            let mut line = Vec::new();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| CliError::input(format!("{}: cannot read: {e}", path.display())))?;
            if read == 0 {
                break;
            }
            number += 1;
            // As the service reads lines: the newline and a carriage return go.
            let end = line.len() - usize::from(line.ends_with(b"\n"));
            let end = end - usize::from(line[..end].ends_with(b"\r"));
            line.truncate(end);
            if !line.trim_ascii().is_empty() {
                round.push((number, line));
            }
        }
        if round.is_empty() {
            break;
        }
        let shaped: Vec<T> = pool.install(|| {
            round
                .par_iter()
                .map(|(number, line)| {
                    shape(assess::score_line(
                        *number,
                        line,
                        rubrics,
                        &TranscriptLimits::NONE,
                    ))
                })
                .collect()
        });
        for answer in shaped {
            take(answer)?;
        }
    }
    Ok(())
}
