//! `rolemark score --summary`: many transcript files, or `--batch` lines, scored
//! through the same use-case as every other run, and printed as one cohort
//! summary instead of a result each ([`crate::assess::summarise_line`] and
//! [`crate::report::cohort`]).
//!
//! Only the summary is printed: a cohort's results would bury it, and each
//! file's result is a run without `--summary` away. Files that cannot be scored
//! are listed in it with their error codes, and make the exit status 2, as in
//! any run over several files.

use super::{progress_bar, read_bytes, Files, ScoreArgs, FILES_PER_ROUND};
use crate::assess::{
    self, render_summary, summarise_line, ErrorCode, ScoreRequest, Scored, SummaryRendering,
    TranscriptLimits,
};
use crate::cli::rubric_choice::CliRubrics;
use crate::cli::{score_ndjson, write_out, CliError};
use crate::report::cohort::{CohortSummary, LearnerRef};
use rayon::prelude::*;
use std::path::Path;

/// Scores the run's files or batch lines and prints their summary.
pub(super) fn run(
    args: &ScoreArgs,
    rubrics: &CliRubrics,
    pool: &rayon::ThreadPool,
) -> Result<(), CliError> {
    let rendering = SummaryRendering::try_from(args.format.rendering()).map_err(|_| {
        CliError::input(
            "--summary describes a group and xAPI statements one learner: use --format json, text, csv or html",
        )
    })?;
    let (summary, what) = match &args.batch {
        Some(path) => (batch(path, rubrics, pool)?, "request lines"),
        None => (files(args, rubrics, pool)?, "files"),
    };
    write_out(&render_summary(rendering, &summary, true))?;
    if summary.not_scored > 0 {
        return Err(CliError::input(format!(
            "{} of {} {what} could not be scored: the summary lists them with their error codes (score one without --summary to see why)",
            summary.not_scored,
            summary.total()
        )));
    }
    Ok(())
}

/// The summary of every `--batch` request line, each learner named by the
/// line's `learner_id`, else its `id`, else its number.
fn batch(
    path: &Path,
    rubrics: &CliRubrics,
    pool: &rayon::ThreadPool,
) -> Result<CohortSummary, CliError> {
    let mut summary = CohortSummary::new();
    score_ndjson::each_answer(
        path,
        rubrics,
        pool,
        |mut answer| {
            // Only counts are kept: the transcript need not wait for them.
            if let Some(assessment) = &mut answer.result.assessment {
                assessment.transcript = None;
            }
            answer
        },
        |answer| {
            summarise_line(&mut summary, &answer);
            Ok(())
        },
    )?;
    Ok(summary)
}

/// The summary of every transcript file, each learner named by --learner-id
/// when given, else by the file, and counted in the order given.
fn files(
    args: &ScoreArgs,
    rubrics: &CliRubrics,
    pool: &rayon::ThreadPool,
) -> Result<CohortSummary, CliError> {
    if !args.overrides.is_empty() && args.files.len() > 1 {
        return Err(CliError::input(
            "--override applies to one transcript: score it on its own",
        ));
    }
    let template = ScoreRequest::try_from(args)?.including_transcript(false);
    let files = Files {
        args,
        template: &template,
        rubrics,
    };
    let progress = progress_bar(args.files.len())?;
    let mut summary = CohortSummary::new();
    for round in args.files.chunks(FILES_PER_ROUND) {
        let results: Vec<Result<Scored, ErrorCode>> =
            pool.install(|| round.par_iter().map(|path| files.scored(path)).collect());
        for (path, result) in round.iter().zip(results) {
            let learner = LearnerRef::file(path.display().to_string())
                .with_learner_id(args.learner_id.as_deref());
            match result {
                Ok(scored) => summary.add_scored(learner, &scored.assessment, &scored.rubric),
                Err(code) => summary.add_failed(learner, code.code()),
            }
            progress.inc(1);
        }
    }
    progress.finish_and_clear();
    Ok(summary)
}

impl Files<'_> {
    /// One file scored with the run's request, or the code of why it was not.
    fn scored(&self, path: &Path) -> Result<Scored, ErrorCode> {
        let bytes = read_bytes(path).map_err(|_| ErrorCode::UnreadableFile)?;
        let input = String::from_utf8(bytes).map_err(|_| ErrorCode::InvalidUtf8)?;
        let request = self.request(path, &input);
        assess::score(&request, self.rubrics, &TranscriptLimits::NONE).map_err(|p| p.code)
    }
}
