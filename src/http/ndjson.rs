//! The body of a batch response: request lines read one at a time as they
//! arrive, each answered through [`assess::score_line`] as soon as it is whole;
//! or, for a summary, each folded into a [`CohortSummary`] that is the body
//! once the last line is in.

use crate::assess::{self, LineAnswer, Problem, SummaryRendering};
use crate::http::body::unreadable;
use crate::http::state::AppState;
use crate::report::{self, cohort::CohortSummary};
use actix_web::rt::time::{sleep, Sleep};
use actix_web::web;
use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Reads the batch body line by line and scores each as it completes, so memory
/// holds one line at a time however long the batch.
pub struct BatchLines {
    payload: web::Payload,
    buffer: BytesMut,
    /// 1-based number of the last line taken from the buffer.
    line: usize,
    /// Non-blank lines answered so far.
    scored: usize,
    /// Set while skipping the rest of an over-long line.
    discarding: bool,
    input_done: bool,
    /// Set once the line limit is reached: nothing more is read or written.
    stopped: bool,
    /// When the line being received must be in; set when the server starts waiting
    /// for it, cleared when it is complete, so slow scoring never counts against
    /// the client but a line dribbled in a byte at a time does.
    line_deadline: Option<Pin<Box<Sleep>>>,
    state: std::sync::Arc<AppState>,
    output: Output,
}

/// What a batch answers with.
enum Output {
    /// A result line (NDJSON) per request line.
    Lines,
    /// CSV: one row per criterion of each scored line, a row for each failed
    /// one, under one header (sent before the first row, or alone at the end).
    Csv { header_sent: bool },
    /// One summary: lines are counted here instead of answered, and it is
    /// taken, rendered, as the whole body when the input ends.
    Summary(Option<Box<(CohortSummary, SummaryRendering)>>),
}

impl BatchLines {
    /// The response body for a batch request's body.
    pub fn new(payload: web::Payload, state: std::sync::Arc<AppState>) -> BatchLines {
        BatchLines {
            payload,
            buffer: BytesMut::new(),
            line: 0,
            scored: 0,
            discarding: false,
            input_done: false,
            stopped: false,
            line_deadline: None,
            state,
            output: Output::Lines,
        }
    }

    /// The response body of a batch request that asked for CSV: the same lines
    /// scored the same way, each answered with its rows.
    pub fn as_csv(payload: web::Payload, state: std::sync::Arc<AppState>) -> BatchLines {
        BatchLines {
            output: Output::Csv { header_sent: false },
            ..BatchLines::new(payload, state)
        }
    }

    /// The response body of a batch request that asked for a summary: the same
    /// lines scored the same way, answered with one summary in `rendering`.
    /// Memory holds the line being read and the counts, however long the batch.
    pub fn summarising(
        payload: web::Payload,
        state: std::sync::Arc<AppState>,
        rendering: SummaryRendering,
    ) -> BatchLines {
        BatchLines {
            output: Output::Summary(Some(Box::new((CohortSummary::new(), rendering)))),
            ..BatchLines::new(payload, state)
        }
    }
}

impl Stream for BatchLines {
    type Item = Result<Bytes, actix_web::Error>;

    // A hand-written stream rather than `stream::unfold`: unfold drops its state,
    // and with it the request body, as soon as the output ends, and actix then
    // drains a chunked body that is still open (for ever, if the client stalled on
    // purpose). Held here until the response is written, it makes actix close.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let lines = self.get_mut();
        loop {
            if lines.stopped {
                return Poll::Ready(lines.finish().map(Ok));
            }
            if let Some(bytes) = lines.next_ready() {
                return Poll::Ready(Some(Ok(bytes)));
            }
            if lines.input_done || lines.stopped {
                return Poll::Ready(lines.finish().map(Ok));
            }
            match Pin::new(&mut lines.payload).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => lines.take(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    if let Some(bytes) = lines.stop_with(unreadable(e)) {
                        return Poll::Ready(Some(Ok(bytes)));
                    }
                }
                Poll::Ready(None) => lines.input_done = true,
                Poll::Pending => {
                    let timeout_secs = lines.state.limits.request_timeout_secs;
                    let deadline = lines
                        .line_deadline
                        .get_or_insert_with(|| Box::pin(sleep(Duration::from_secs(timeout_secs))));
                    if deadline.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    lines.line += 1;
                    let problem = Problem::request_timeout(
                        timeout_secs,
                        &format!("line {} of the batch", lines.line),
                    );
                    if let Some(bytes) = lines.stop_with(problem) {
                        return Poll::Ready(Some(Ok(bytes)));
                    }
                }
            }
        }
    }
}

impl BatchLines {
    /// Answers a failure to read the body as the last line: nothing after it can
    /// be trusted to be whole.
    fn stop_with(&mut self, problem: Problem) -> Option<Bytes> {
        self.input_done = true;
        self.stopped = true;
        self.refuse(problem)
    }

    /// The summary, rendered, the first time the input is over (or a CSV
    /// header, when no line gave a row); then nothing.
    fn finish(&mut self) -> Option<Bytes> {
        match &mut self.output {
            Output::Lines => None,
            Output::Csv { header_sent } => {
                (!std::mem::replace(header_sent, true)).then(|| Bytes::from(report::csv_header()))
            }
            Output::Summary(summary) => {
                let (summary, rendering) = *summary.take()?;
                Some(Bytes::from(assess::render_summary(
                    rendering, &summary, false,
                )))
            }
        }
    }

    fn take(&mut self, mut chunk: &[u8]) {
        if self.discarding {
            match chunk.iter().position(|&b| b == b'\n') {
                Some(end) => {
                    self.discarding = false;
                    chunk = &chunk[end + 1..];
                }
                None => return,
            }
        }
        self.buffer.extend_from_slice(chunk);
    }

    /// The next output line that can be produced without reading more input.
    fn next_ready(&mut self) -> Option<Bytes> {
        loop {
            // A summary answers no line on its own, so this loop goes on past
            // the line that stopped the batch unless told here.
            if self.stopped {
                return None;
            }
            let line = if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let mut line = self.buffer.split_to(end + 1);
                line.truncate(end);
                line
            } else if self.buffer.len() > self.state.limits.max_batch_line_bytes {
                self.buffer.clear();
                self.line += 1;
                self.discarding = !self.input_done;
                let limit = self.state.limits.max_batch_line_bytes;
                let problem = Problem::too_large(
                    "max_batch_line_bytes",
                    limit as u64,
                    format!("line {} is over the limit of {limit} bytes", self.line),
                );
                match self.refuse(problem) {
                    Some(bytes) => return Some(bytes),
                    None => continue,
                }
            } else if self.input_done && !self.buffer.is_empty() {
                self.buffer.split()
            } else {
                return None;
            };
            self.line += 1;
            self.line_deadline = None;
            if let Some(bytes) = self.score_line(&line) {
                return Some(bytes);
            }
        }
    }

    /// Scores one line; blank lines give no output, nor does any line of a summary.
    fn score_line(&mut self, line: &[u8]) -> Option<Bytes> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let max_line = self.state.limits.max_batch_line_bytes;
        if line.len() > max_line {
            let problem = Problem::too_large(
                "max_batch_line_bytes",
                max_line as u64,
                format!("line {} is over the limit of {max_line} bytes", self.line),
            );
            return self.refuse(problem);
        }
        let limit = self.state.limits.max_batch_lines;
        if self.scored >= limit {
            self.stopped = true;
            let problem = Problem::limit_exceeded(
                "max_batch_lines",
                limit as u64,
                format!(
                    "a batch holds at most {limit} lines; line {} and the rest were not scored",
                    self.line
                ),
            );
            return self.refuse(problem);
        }
        let answer = assess::score_line(
            self.line,
            line,
            self.state.as_ref(),
            &self.state.transcript_limits(),
        );
        if let Some(label) = &answer.rubric_label {
            self.state.metrics.scored(label);
        }
        self.answer(answer)
    }

    /// Answers the current line with a problem.
    fn refuse(&mut self, problem: Problem) -> Option<Bytes> {
        self.answer(LineAnswer::refused(self.line, problem))
    }

    /// The line's result line, or nothing when it is counted in a summary.
    fn answer(&mut self, answer: LineAnswer) -> Option<Bytes> {
        self.scored += 1;
        if let Some(problem) = &answer.result.error {
            self.state.metrics.error(problem.code.code());
        }
        match &mut self.output {
            Output::Summary(summary) => {
                if let Some(summary) = summary {
                    assess::summarise_line(&mut summary.0, &answer);
                }
                None
            }
            Output::Lines => Some(Bytes::from(answer.result.to_line())),
            Output::Csv { header_sent } => {
                let mut rows = if std::mem::replace(header_sent, true) {
                    String::new()
                } else {
                    report::csv_header()
                };
                rows.push_str(&csv_rows(&answer));
                Some(Bytes::from(rows))
            }
        }
    }
}

/// A line's CSV rows, named by its `id`, else by its line number as the
/// result line would be.
fn csv_rows(answer: &LineAnswer) -> String {
    let result = &answer.result;
    let name = result
        .id
        .clone()
        .unwrap_or_else(|| format!("line {}", result.line));
    match (&result.assessment, &result.error) {
        (Some(assessment), _) => report::csv_rows(&name, assessment),
        (None, Some(problem)) => report::csv_error_row(&name, &problem.detail),
        (None, None) => String::new(),
    }
}
