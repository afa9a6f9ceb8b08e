//! `rolemark generate`: synthetic role-plays for load tests and benchmarks.
//!
//! Hidden from `--help`: it is a tool for measuring rolemark, not for assessing
//! learners, and its output is made up.

use super::CliError;
use crate::synth;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Seed: the same seed always gives the same output.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Target size of one transcript in bytes (never exceeded, except that the
    /// opening exchange always goes in).
    #[arg(long, default_value_t = 4096, value_name = "N")]
    bytes: usize,
    /// Print batch request lines for `POST /v1/score/batch` instead of one transcript.
    #[arg(long)]
    ndjson: bool,
    /// Number of NDJSON lines; each transcript is 0.5 to 1.5 times `--bytes`.
    #[arg(long, default_value_t = 100, value_name = "N", requires = "ndjson")]
    count: usize,
    /// Rubric id named in each NDJSON line.
    #[arg(long, default_value = synth::DEFAULT_RUBRIC, value_name = "ID", requires = "ndjson")]
    rubric: String,
}

pub fn run(args: GenerateArgs) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    // Lines are written as they are made, so a large batch never sits in memory.
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = if args.ndjson {
        synth::batch_lines(args.seed, args.count, args.bytes, &args.rubric)
            .try_for_each(|line| writeln!(out, "{line}"))
    } else {
        out.write_all(synth::roleplay(args.seed, args.bytes).as_bytes())
    };
    match result.and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::internal(format!("cannot write output: {e}"))),
    }
}
