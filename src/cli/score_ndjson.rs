//! `rolemark score --batch FILE`: score request lines in the service's batch
//! format (`POST /v1/score/batch`), scored on every core and answered line by
//! line in the same shape, `{"line", "id"?, "assessment" | "error"}`.

// Errors are the service's problem documents, made at most once per line: boxing
// them would only add an allocation, as in the HTTP layer.
#![allow(clippy::result_large_err)]

use super::score_cmd::Job;
use super::{write_out, CliError};
use crate::engine::{Assessment, Rubric, Scorer};
use crate::http::problem::Problem;
use crate::http::scoring::ScoreRequest;
use crate::rubrics::Registry;
use crate::transcript::{self, ParseOptions};
use rayon::prelude::*;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::OnceLock;

/// Lines scored together before their results are written.
const LINES_PER_ROUND: usize = 64;

/// Scores every request line of `path` (`-` for standard input).
pub(super) fn run(job: &Job, path: &Path, pool: &rayon::ThreadPool) -> Result<(), CliError> {
    let source: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| CliError::input(format!("{}: cannot read: {e}", path.display())))?,
        )
    };
    let mut reader = BufReader::new(source);
    let others = OtherRubrics::default();
    let (mut answered, mut failed, mut number) = (0, 0, 0);
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
            if !line.trim_ascii().is_empty() {
                round.push((number, line));
            }
        }
        if round.is_empty() {
            break;
        }
        let records: Vec<(String, bool)> = pool.install(|| {
            round
                .par_iter()
                .map(|(number, line)| record(job, &others, *number, line))
                .collect()
        });
        for (record, ok) in records {
            answered += 1;
            failed += usize::from(!ok);
            write_out(&record)?;
        }
    }
    if failed > 0 {
        return Err(CliError::input(format!(
            "{failed} of {answered} request lines could not be scored: see their error records"
        )));
    }
    Ok(())
}

/// Rubrics other than `--rubric` that lines name, compiled once when first needed.
#[derive(Default)]
struct OtherRubrics(OnceLock<Result<Registry, String>>);

/// The result line for one request line, and whether it was scored.
fn record(job: &Job, others: &OtherRubrics, number: usize, line: &[u8]) -> (String, bool) {
    let request = std::str::from_utf8(line)
        .map_err(|e| Problem::invalid_utf8(e.valid_up_to()))
        .and_then(|text| {
            serde_json::from_str::<ScoreRequest>(text).map_err(|e| {
                Problem::bad_request("invalid-json", format!("not a valid score request: {e}"))
            })
        });
    let id = request.as_ref().ok().and_then(|r| r.id.clone());
    let mut record = serde_json::json!({ "line": number });
    if let Some(id) = id {
        record["id"] = id.into();
    }
    let result = request.and_then(|request| assess(job, others, &request));
    let ok = result.is_ok();
    match result {
        Ok(assessment) => record["assessment"] = serde_json::json!(assessment),
        Err(problem) => record["error"] = serde_json::json!(problem),
    }
    (record.to_string() + "\n", ok)
}

fn assess(job: &Job, others: &OtherRubrics, request: &ScoreRequest) -> Result<Assessment, Problem> {
    let work = request.job()?;
    if work.rubric_source.is_some() {
        return Err(Problem::bad_request(
            "inline-rubric",
            "`rubric_source` is for the service; on the command line pass the rubric file with --rubric",
        ));
    }
    let rubric: &Rubric = match work.rubric {
        None => job.rubric(),
        Some(id) if id == job.rubric().id => job.rubric(),
        Some(id) => {
            let registry = others
                .0
                .get_or_init(|| job.registry().map_err(|e| e.to_string()))
                .as_ref()
                .map_err(|e| Problem::bad_request("rubrics-unavailable", e.clone()))?;
            registry
                .get(id)
                .map(|r| r.as_ref())
                .ok_or_else(|| Problem::unknown_rubric(id, &registry.ids()))?
        }
    };
    let options = ParseOptions {
        format: work.format,
        keep_cues: work.keep_cues,
    };
    let (transcript, report) = transcript::parse_with(work.transcript, &options, &work.hints)?;
    let mut scorer = Scorer::new(rubric);
    if !work.include_transcript || job.without_transcript() {
        scorer = scorer.without_transcript();
    }
    Ok(scorer.score(&transcript).with_input(report))
}
