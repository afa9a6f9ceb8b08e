// The assessor's page: everything it shows comes from the service's own API
// (/v1/rubrics, /v1/score); nothing is fetched from anywhere else.
"use strict";

const FORMATS = ["json", "text", "vtt", "srt", "whisper", "aws-transcribe", "deepgram",
  "assemblyai", "teams-txt", "zoom-txt"];
const EXTENSION_FORMATS = { vtt: "vtt", srt: "srt" };
const OUTCOME_LABELS = {
  met: "Met", partially_met: "Partially met", not_met: "Not met", not_applicable: "Not applicable",
};
const ROLES = ["learner", "customer", "other"];

const state = {
  assessment: null,
  roles: null,        // speaker -> role, once the assessor has confirmed or changed them
  overrides: new Map(), // criterion id -> { outcome, comment, assessor, at }
  request: null,      // the last score request, re-sent for downloads
};

const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function percent(score) {
  return `${Math.round(score * 100)}%`;
}

function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

function setStatus(message) {
  $("status").textContent = message;
}

function headers(extra = {}) {
  const key = $("api-key").value.trim();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

// A problem+json reply becomes one readable sentence; a 401 reveals the key field.
async function failure(response) {
  let detail = `${response.status} ${response.statusText}`;
  let problem = null;
  try {
    problem = await response.json();
    if (problem.detail) detail = problem.detail;
  } catch (_) { /* not JSON: keep the status line */ }
  if (response.status === 401) {
    $("api-key-field").hidden = false;
    detail += " Enter the service's API key and try again.";
  }
  const error = new Error(detail);
  error.problem = problem;
  return error;
}

async function getJson(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  return response.json();
}

async function loadRubrics() {
  const select = $("rubric");
  try {
    // Every version is listed; the latest goes by its id, older ones are pinned.
    const rubrics = await getJson("/v1/rubrics");
    select.replaceChildren(...rubrics.map((r) => element("option", {
      value: r.latest === false ? `${r.id}@${r.version}` : r.id,
      text: `${r.title} (${r.id} ${r.version}${r.latest === false ? ", an earlier version" : ""})`,
    })));
    await showMarkingPoints();
  } catch (error) {
    select.replaceChildren(element("option", { value: "", text: "Rubrics could not be loaded" }));
    showError(`The rubrics could not be loaded: ${error.message}`);
  }
}

async function showMarkingPoints() {
  const id = $("rubric").value;
  const list = $("marking-points-list");
  if (!id) return;
  const rubric = await getJson(`/v1/rubrics/${encodeURIComponent(id)}`);
  list.replaceChildren(element("ol", {}, rubric.criteria.map((c) =>
    element("li", {},
      element("strong", { text: c.title }),
      c.required ? " (required)" : "",
      element("ul", {}, (c.marking_points || []).map((p) => element("li", { text: p })))))));
}

async function readFile(file) {
  if (!file) return;
  const text = await file.text();
  $("transcript").value = text;
  const extension = file.name.includes(".") ? file.name.split(".").pop().toLowerCase() : "";
  $("format").value = EXTENSION_FORMATS[extension] || "";
  $("file-name").textContent = `Loaded ${file.name} (${text.length} characters).`;
  state.roles = null;
  state.overrides.clear();
  if ($("rubric").value) await score();
}

function scoreRequest() {
  const request = {
    rubric: $("rubric").value,
    transcript_text: $("transcript").value,
  };
  const format = $("format").value;
  if (format) request.format = format;
  if (state.roles) request.roles = state.roles;
  const learnerId = $("learner-id").value.trim();
  if (learnerId) request.learner_id = learnerId;
  if (state.overrides.size > 0) {
    // Each keeps the time it was applied, so a re-sent request (the report
    // download) records the same override as the record on screen.
    request.overrides = [...state.overrides].map(([criterion, o]) =>
      ({ criterion, outcome: o.outcome, comment: o.comment, assessor: o.assessor, at: o.at }));
  }
  return request;
}

async function post(request, accept) {
  const response = await fetch("/v1/score", {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: accept }),
    body: JSON.stringify(request),
  });
  if (!response.ok) throw await failure(response);
  return response;
}

async function score() {
  showError("");
  if (!$("rubric").value) return showError("Choose a rubric first.");
  if (!$("transcript").value.trim()) {
    return showError("Paste a transcript, or choose or drop a transcript file.");
  }
  setStatus("Scoring…");
  try {
    const request = scoreRequest();
    const assessment = await (await post(request, "application/json")).json();
    state.request = request;
    state.assessment = assessment;
    render(assessment);
    setStatus(`Scored against ${assessment.rubric.title}.`);
  } catch (error) {
    setStatus("");
    const problem = error.problem;
    const aboutRoles = ["no-learner", "no-customer", "invalid-roles"];
    if (problem && aboutRoles.includes(problem.code) && Array.isArray(problem.speakers)) {
      askForRoles(problem.speakers, error.message, problem.suggested);
    } else {
      showError(error.message);
    }
  }
}

// The service could not tell who is who: the assessor says. The speaker the
// service suggests as the learner comes preselected (and, of two, the other as
// the customer), so confirming the likely answer is one click.
function askForRoles(speakerLabels, detail, suggested) {
  $("results").hidden = true;
  const preselected = (label) => {
    if (state.roles && state.roles[label]) return state.roles[label];
    if (!suggested) return "";
    if (label === suggested) return "learner";
    return speakerLabels.length === 2 ? "customer" : "";
  };
  const known = new Map(speakerLabels.map((label) => [label, preselected(label)]));
  const lead = suggested
    ? `rolemark is not sure who the learner is; its best guess, ${suggested}, is chosen below (${detail}). `
    : `rolemark could not tell who is who (${detail}). `;
  showRoleChoices(known, lead + "Check each speaker's role, then score again.");
  $("roles-list").querySelector("select").focus();
}

// Speakers in order of first turn, with the role the service settled on.
function speakers(assessment) {
  const seen = new Map();
  for (const turn of assessment.transcript.turns) {
    if (!seen.has(turn.speaker)) seen.set(turn.speaker, turn.role);
  }
  return seen;
}

function renderRoles(assessment) {
  const guess = assessment.input && assessment.input.roles_guessed;
  let note = "The roles were read from the transcript. Change them here if they are wrong.";
  if (state.roles) note = "The roles are as you set them. Change them here and score again if they are wrong.";
  else if (guess) note = `The roles were guessed: ${guess.reason}. Check them before you rely on the result.`;
  showRoleChoices(speakers(assessment), note);
}

function showRoleChoices(speakerRoles, note) {
  $("roles").hidden = false;
  $("roles-note").textContent = note;
  const rows = [];
  for (const [speaker, role] of speakerRoles) {
    const id = `role-${rows.length}`;
    const choices = ROLES.map((r) => element("option", { value: r, text: r, selected: r === role }));
    if (!role) choices.unshift(element("option", { value: "", text: "choose…", selected: true }));
    const select = element("select", { id, "data-speaker": speaker }, choices);
    rows.push(element("div", { class: "field" }, element("label", { for: id, text: speaker }), select));
  }
  $("roles-list").replaceChildren(...rows);
}

function chosenRoles() {
  const roles = {};
  for (const select of $("roles-list").querySelectorAll("select")) {
    if (select.value) roles[select.dataset.speaker] = select.value;
  }
  return roles;
}

function swapRoles() {
  for (const select of $("roles-list").querySelectorAll("select")) {
    if (select.value === "learner") select.value = "customer";
    else if (select.value === "customer") select.value = "learner";
  }
  rescore();
}

function rescore() {
  const roles = chosenRoles();
  if (!Object.values(roles).includes("learner")) {
    showError("Choose which speaker is the learner.");
    return Promise.resolve();
  }
  state.roles = roles;
  state.overrides.clear();
  return score();
}

function renderOverall(assessment) {
  const block = (overall, heading) => element("div", { class: "overall-block" },
    element("h3", { text: heading }),
    element("p", { class: "grade" }, "Grade: ",
      element("strong", { text: overall.grade_label }),
      ` (${overall.passed ? "pass" : "not yet a pass"}), score ${percent(overall.score)}`),
    element("p", {
      text: `Met ${overall.met}, partially met ${overall.partially_met}, not met ${overall.not_met}, ` +
        `not applicable ${overall.not_applicable}; learner turns with a red flag: ${overall.red_flags}.`,
    }),
    overall.capped_by.length
      ? element("p", { text: `Grade capped: required criteria not met: ${overall.capped_by.join(", ")}.` })
      : null);
  const parts = [];
  if (assessment.overall_after_overrides) {
    parts.push(block(assessment.overall_after_overrides, "With your overrides"));
  }
  parts.push(block(assessment.overall, "As scored by rolemark"));
  if (assessment.review && assessment.review.length) {
    parts.push(element("div", { class: "review" },
      element("h3", { text: "Check before you fail" }),
      element("ul", {}, ...assessment.review.map((note) =>
        element("li", {}, element("strong", { text: note.title }), `: ${note.reason}`)))));
  }
  $("overall").replaceChildren(...parts);
}

function quoteButton(evidence, label) {
  const time = evidence.time !== undefined ? ` at ${clock(evidence.time)}` : "";
  return element("button", {
    type: "button",
    class: `evidence ${evidence.polarity}`,
    "data-turn": evidence.turn,
    onclick: () => showTurn(evidence.turn),
  },
  element("span", { class: "evidence-where", text: `${label}Turn ${evidence.turn}${time}, ${evidence.speaker}` }),
  element("q", { text: evidence.quote }));
}

function renderBehaviour(assessment) {
  const shown = assessment.customer_behaviour.filter((b) => b.shown);
  if (shown.length === 0) {
    $("behaviour").replaceChildren(element("p", { text: "No challenging behaviour recognised." }));
    return;
  }
  $("behaviour").replaceChildren(element("ul", { class: "behaviours" }, shown.map((b) =>
    element("li", {}, element("strong", { text: `${b.title} (${b.evidence.length})` }),
      element("div", { class: "evidence-list" }, b.evidence.slice(0, 3).map((e) => quoteButton(e, "")))))));
}

function outcomeBadge(outcome) {
  return element("span", { class: `outcome ${outcome}`, text: OUTCOME_LABELS[outcome] });
}

function overrideForm(criterion) {
  const id = criterion.id;
  const current = state.overrides.get(id);
  const outcomeId = `override-outcome-${id}`, commentId = `override-comment-${id}`;
  const outcome = element("select", { id: outcomeId },
    Object.entries(OUTCOME_LABELS).map(([value, text]) => element("option", {
      value, text, selected: current ? current.outcome === value : criterion.outcome === value,
    })));
  const comment = element("textarea", { id: commentId, rows: 2, required: true },
    current ? current.comment : "");
  const message = element("p", { class: "form-error", role: "alert" });
  const apply = () => {
    if (!comment.value.trim()) {
      message.textContent = "Write a comment saying why: an override needs one.";
      comment.focus();
      return;
    }
    const assessor = $("assessor").value.trim();
    if (!assessor) {
      message.textContent = "Enter your name or assessor id under “Assessor name or id”: an override records who made it.";
      $("assessor").focus();
      return;
    }
    state.overrides.set(id, {
      outcome: outcome.value, comment: comment.value.trim(), assessor, at: new Date().toISOString(),
    });
    score().then(() => focusCriterion(id));
  };
  const remove = () => {
    state.overrides.delete(id);
    score().then(() => focusCriterion(id));
  };
  return element("details", { class: "override-form", open: Boolean(current) },
    element("summary", { text: current ? "Change or remove your override" : "Override this outcome" }),
    element("div", { class: "field" }, element("label", { for: outcomeId, text: "Your outcome" }), outcome),
    element("div", { class: "field" },
      element("label", { for: commentId, text: "Comment (required): why you disagree" }), comment),
    message,
    element("button", { type: "button", class: "apply-override", onclick: apply, text: "Apply override" }),
    current ? element("button", { type: "button", onclick: remove, text: "Remove override" }) : null);
}

function renderCriteria(assessment) {
  $("criteria").replaceChildren(...assessment.criteria.map((c) => {
    const final = c.assessor_override ? c.assessor_override.outcome : c.outcome;
    const score = c.score === null || c.score === undefined ? "no score" : percent(c.score);
    return element("li", { class: "criterion", id: `criterion-${c.id}`, tabindex: -1 },
      element("h4", {}, c.title, " ", outcomeBadge(final)),
      element("p", {
        class: "facts",
        text: `Score ${score}, weight ${c.weight}${c.required ? ", required" : ""}` +
          (c.references && c.references.length ? `; evidences ${c.references.join(", ")}` : ""),
      }),
      c.assessor_override ? element("p", { class: "override-note" },
        element("strong", { text: "Overridden by the assessor: " }),
        `${OUTCOME_LABELS[c.assessor_override.outcome]} (rolemark found: ${OUTCOME_LABELS[c.outcome]}), `,
        `by ${c.assessor_override.assessor}${c.assessor_override.at ? ` at ${c.assessor_override.at}` : ""}. `,
        `Comment: ${c.assessor_override.comment}`) : null,
      c.marking_points.length ? element("details", {},
        element("summary", { text: "Marking points" }),
        element("ul", {}, c.marking_points.map((p) => element("li", { text: p })))) : null,
      c.evidence.length
        ? element("div", { class: "evidence-list" }, c.evidence.map((e) =>
          quoteButton(e, e.polarity === "against" ? "Counts against: " : "")))
        : element("p", { class: "none", text: "No evidence found." }),
      c.looked_for && c.looked_for.length ? element("div", { class: "looked-for" },
        element("p", {}, element("strong", { text: "Looked for:" })),
        element("ul", {}, c.looked_for.map((l) => element("li", { text: l })))) : null,
      c.feedback ? element("p", { class: "feedback" },
        element("strong", { text: "Feedback for the learner: " }), c.feedback) : null,
      overrideForm(c));
  }));
}

// Quote offsets count Unicode scalar values, as Array.from does.
function highlightedText(text, ranges) {
  const chars = Array.from(text);
  const bounds = new Set([0, chars.length]);
  for (const r of ranges) { bounds.add(r.start); bounds.add(r.end); }
  const points = [...bounds].filter((b) => b >= 0 && b <= chars.length).sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const piece = chars.slice(from, to).join("");
    const covering = ranges.filter((r) => r.start <= from && r.end >= to);
    if (covering.length === 0) { nodes.push(piece); continue; }
    const against = covering.some((r) => r.polarity === "against");
    const criteria = [...new Set(covering.map((r) => r.label))];
    nodes.push(element("mark", {
      class: against ? "against" : "for",
      title: `Evidence: ${criteria.join("; ")}`,
    }, piece, against ? element("span", { class: "visually-hidden", text: " (counts against)" }) : null));
  }
  return nodes;
}

function renderTurns(assessment) {
  const ranges = new Map();
  const add = (e, label) => {
    if (!ranges.has(e.turn)) ranges.set(e.turn, []);
    ranges.get(e.turn).push({ start: e.start, end: e.end, polarity: e.polarity, label });
  };
  for (const c of assessment.criteria) for (const e of c.evidence) add(e, c.title);
  for (const b of assessment.customer_behaviour) for (const e of b.evidence) add(e, b.title);
  $("turns").replaceChildren(...assessment.transcript.turns.map((turn, index) => {
    const time = turn.start !== undefined ? ` ${clock(turn.start)}` : "";
    return element("li", { id: `turn-${index}`, class: `turn ${turn.role}`, tabindex: -1 },
      element("p", { class: "speaker" }, element("span", { class: "turn-number", text: `Turn ${index}` }),
        ` ${turn.speaker} (${turn.role})${time}`),
      element("p", { class: "text" }, highlightedText(turn.text, ranges.get(index) || [])));
  }));
}

function showTurn(index) {
  const turn = $(`turn-${index}`);
  if (!turn) return;
  for (const old of document.querySelectorAll(".turn.current")) old.classList.remove("current");
  turn.classList.add("current");
  turn.scrollIntoView({ behavior: "smooth", block: "center" });
  turn.focus({ preventScroll: true });
}

function focusCriterion(id) {
  const node = $(`criterion-${id}`);
  if (node) node.focus();
}

function render(assessment) {
  renderRoles(assessment);
  renderOverall(assessment);
  renderBehaviour(assessment);
  renderCriteria(assessment);
  renderTurns(assessment);
  $("results").hidden = false;
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = element("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function fileStem() {
  const a = state.assessment;
  const learner = ($("learner-id").value.trim() || "assessment").replace(/[^A-Za-z0-9._-]+/g, "-");
  return `${learner}-${a.rubric.id}`;
}

function downloadJson() {
  if (!state.assessment) return;
  const text = JSON.stringify(state.assessment, null, 2) + "\n";
  save(new Blob([text], { type: "application/json" }), `${fileStem()}.json`);
}

async function downloadReport() {
  if (!state.request) return;
  showError("");
  try {
    const response = await post(state.request, "text/html");
    save(await response.blob(), `${fileStem()}-report.html`);
  } catch (error) {
    showError(`The report could not be made: ${error.message}`);
  }
}

function setUp() {
  $("format").append(...FORMATS.map((f) => element("option", { value: f, text: f })));
  $("rubric").addEventListener("change", () => {
    state.overrides.clear();
    showMarkingPoints().catch((error) => showError(error.message));
  });
  $("transcript-file").addEventListener("change", (event) => readFile(event.target.files[0]));
  $("transcript").addEventListener("input", () => { state.roles = null; state.overrides.clear(); });
  // A file dropped anywhere on the page is read, never opened by the browser.
  const zone = $("drop-zone");
  document.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  document.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) readFile(event.dataTransfer.files[0]);
  });
  $("score").addEventListener("click", score);
  $("swap-roles").addEventListener("click", swapRoles);
  $("rescore").addEventListener("click", rescore);
  $("download-json").addEventListener("click", downloadJson);
  $("download-report").addEventListener("click", downloadReport);
  loadRubrics();
}

setUp();
