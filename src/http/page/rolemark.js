// The assessor's page: everything it shows comes from the service's own API
// (/v1/rubrics, /v1/score, /v1/score/xapi); nothing is fetched from anywhere else,
// and nothing typed or dropped here is stored in the browser.
"use strict";

const FORMATS = ["json", "text", "vtt", "srt", "whisper", "aws-transcribe", "deepgram",
  "assemblyai", "teams-txt", "zoom-txt", "google-stt", "azure-batch", "rev-ai", "otter-txt",
  "google-meet"];
const EXTENSION_FORMATS = { vtt: "vtt", srt: "srt" };

// The format a file's extension names, or "" to let the service detect it.
function formatOf(fileName) {
  const extension = fileName.includes(".") ? fileName.split(".").pop().toLowerCase() : "";
  return EXTENSION_FORMATS[extension] || "";
}
const OUTCOME_LABELS = {
  met: "Met", partially_met: "Partially met", not_met: "Not met", not_applicable: "Not applicable",
};
const ROLES = ["learner", "customer", "other"];

// Invariant: `assessment` and `request` are the result on screen and the request
// that made it, or both null when nothing is shown; the downloads re-send `request`.
const state = {
  assessment: null,
  roles: null,        // speaker -> role, once the assessor has confirmed or changed them
  overrides: new Map(), // criterion id -> { outcome, comment, assessor, at }
  request: null,
  ticket: 0,          // bumped by every score and every new transcript: older replies are dropped
  busy: false,        // a score is on its way for the current ticket
  scoring: Promise.resolve(), // the score in flight, which a download waits for
  rubricsLoad: 0,     // likewise for the rubric list
  keyInFlight: null,  // the API key the rubric list is being loaded with
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

function apiKey() {
  return $("api-key").value.trim();
}

// The key typed on the page goes with every call to the service.
function headers(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

// The key field shows only once the service has asked for a key (a 401), so a
// service without keys never shows it.
function askForKey() {
  const refused = Boolean(apiKey());
  $("api-key-form").hidden = false;
  $("api-key-message").textContent = refused
    ? "The service refused this API key. Check it and enter it again."
    : "This service needs an API key. Enter it here to load the rubrics and score.";
  $("api-key").focus();
  return refused ? "The service refused the API key." : "The service needs an API key.";
}

// A problem+json reply becomes one readable sentence, the service's own `detail`.
async function failure(response) {
  let detail = `${response.status} ${response.statusText}`;
  let problem = null;
  try {
    problem = await response.json();
    if (problem.detail) detail = problem.detail;
  } catch (_) { /* not JSON: keep the status line */ }
  if (response.status === 401) detail = askForKey();
  const error = new Error(detail);
  error.problem = problem;
  error.status = response.status;
  return error;
}

async function getJson(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  return response.json();
}

async function loadRubrics() {
  const select = $("rubric");
  const load = ++state.rubricsLoad;
  const before = select.value;
  state.keyInFlight = apiKey();
  try {
    // Every version is listed; the latest goes by its id, others are pinned.
    const { rubrics } = await getJson("/v1/rubrics");
    if (load !== state.rubricsLoad) return;
    const value = (r) => (r.latest === false ? `${r.id}@${r.version}` : r.id);
    const note = (r) => {
      if (r.state === "removed") return ", removed from the rubric files";
      return r.latest === false ? ", an earlier version" : "";
    };
    select.replaceChildren(...rubrics.map((r) => element("option", {
      value: value(r),
      text: `${r.title} (${r.id} ${r.version}${note(r)})`,
      selected: value(r) === before,
    })));
    if (before && select.value !== before) clearResult();
    if (!$("api-key-form").hidden) {
      $("api-key-message").textContent = "";
      setStatus("The service accepted the API key; the rubrics are loaded.");
    }
    showError("");
    await showMarkingPoints();
  } catch (error) {
    if (load !== state.rubricsLoad) return;
    select.replaceChildren(element("option", {
      value: "",
      text: error.status === 401 ? "Rubrics load once the service accepts your API key" : "Rubrics could not be loaded",
    }));
    clearResult();
    if (error.status !== 401) showError(`The rubrics could not be loaded: ${error.message}`);
  } finally {
    if (load === state.rubricsLoad) state.keyInFlight = null;
  }
}

// Enter, the button and leaving the field all use the key; one load per key at a time.
function useKey(event) {
  if (event) event.preventDefault();
  if (apiKey() === state.keyInFlight) return;
  if (!apiKey()) {
    $("api-key-message").textContent = "Enter the API key first.";
    return;
  }
  loadRubrics();
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

// Forgets the result on screen and all that came with it (overrides, roles note,
// downloads), so nothing of an earlier transcript can be recorded against a new one.
function clearResult() {
  withdrawResult();
  state.overrides.clear();
  $("roles").hidden = true;
  $("roles-note").textContent = "";
  $("roles-list").replaceChildren();
}

// Takes the result away but keeps the roles step, which the new score uses, and
// the overrides, which a caller that changed only the record may carry over.
function withdrawResult() {
  state.assessment = null;
  state.request = null;
  $("results").hidden = true;
  for (const id of ["overall", "behaviour", "criteria", "turns"]) $(id).replaceChildren();
}

// A new transcript, chosen, dropped or typed: nothing earlier applies to it, and a
// reply still on its way for the old one is dropped.
function newTranscript() {
  state.ticket += 1;
  state.busy = false;
  state.roles = null;
  clearResult();
  showError("");
  setStatus("");
  $("file-name").textContent = "";
  $("cohort").hidden = true;
}

// One file is one transcript on the form; several are a cohort, each scored as
// the form stands (rubric, learner name, record fields, brief) and tabled.
function readFiles(files) {
  if (files.length > 1) return scoreCohort([...files]);
  $("cohort").hidden = true;
  return readFile(files[0]);
}

async function scoreCohort(files) {
  newTranscript();
  const ticket = state.ticket;
  $("transcript").value = "";
  $("cohort").hidden = false;
  $("cohort-criteria").tBodies[0].replaceChildren();
  $("cohort-learners").replaceChildren();
  if (!$("rubric").value) return showError("Choose a rubric first.");
  const results = [];
  for (const [index, file] of files.entries()) {
    $("cohort-progress").textContent = `Scoring ${index + 1} of ${files.length}…`;
    const text = await file.text();
    let request;
    try {
      request = { ...scoreRequest(), transcript_text: text };
      delete request.roles;
      delete request.overrides;
      const format = formatOf(file.name);
      if (format) request.format = format; else delete request.format;
      const assessment = await (await post(request, "application/json")).json();
      results.push({ name: file.name, request, assessment });
    } catch (error) {
      results.push({ name: file.name, request, problem: error.message });
    }
    if (ticket !== state.ticket) return;
  }
  const scored = results.filter((r) => r.assessment).length;
  $("cohort-progress").textContent = `Scored ${scored} of ${files.length}.`;
  renderCohort(results);
}

const OUTCOMES = ["met", "partially_met", "not_met", "not_applicable"];

// Counts per criterion, from the outcomes the service gave each learner.
function renderCohort(results) {
  const counts = new Map();
  for (const { assessment } of results) {
    if (!assessment) continue;
    for (const c of assessment.criteria) {
      if (!counts.has(c.id)) counts.set(c.id, { title: c.title, met: 0, partially_met: 0, not_met: 0, not_applicable: 0 });
      counts.get(c.id)[c.outcome] += 1;
    }
  }
  $("cohort-criteria").tBodies[0].replaceChildren(...[...counts].map(([id, row]) =>
    element("tr", { "data-criterion": id },
      element("th", { scope: "row", text: row.title }),
      ...OUTCOMES.map((o) => element("td", { text: String(row[o]) })))));
  $("cohort-learners").replaceChildren(...results.map((r) => {
    if (!r.assessment) return element("li", { text: `${r.name}: not scored (${r.problem})` });
    const open = element("button", { type: "button", class: "open-learner", text: `${r.name}: ${r.assessment.overall.grade_label}` });
    open.addEventListener("click", () => {
      clearResult();
      state.request = r.request;
      state.assessment = r.assessment;
      render(r.assessment);
      setStatus(`Showing ${r.name}.`);
    });
    return element("li", {}, open);
  }));
}

async function readFile(file) {
  if (!file) return;
  newTranscript();
  const text = await file.text();
  $("transcript").value = text;
  $("format").value = formatOf(file.name);
  $("file-name").textContent = `Loaded ${file.name} (${text.length} characters).`;
  if ($("rubric").value) await score();
}

// Something that changes what is scored, changed after scoring: the result on
// screen no longer answers the form, so it goes, and is scored again.
function scoredInputChanged({ forgetRoles = false, keepOverrides = false } = {}) {
  const shown = state.assessment !== null || state.busy;
  const overrides = new Map(keepOverrides ? state.overrides : []);
  state.ticket += 1;
  state.busy = false;
  if (forgetRoles) state.roles = null;
  clearResult();
  state.overrides = overrides;
  if (shown) score();
}

// The brief as the assessor typed it: empty fields are left out, lists are one
// entry a line; null when nothing was typed.
function scenarioBrief() {
  const text = (id) => $(id).value.trim();
  const lines = (id) => $(id).value.split("\n").map((line) => line.trim()).filter(Boolean);
  const fields = {
    title: text("scenario-title"),
    organisation: text("scenario-organisation"),
    policies: lines("scenario-policies"),
    authority_limit: text("scenario-authority-limit"),
    customer_demand: text("scenario-customer-demand"),
    expected_resolutions: lines("scenario-resolutions"),
  };
  const brief = Object.fromEntries(Object.entries(fields).filter(([, value]) => value.length > 0));
  return Object.keys(brief).length > 0 ? brief : null;
}

// The learner id and date: they label the record and change no outcome, so the
// downloads take them as they stand when clicked.
function recordFields() {
  const fields = {};
  const learnerId = $("learner-id").value.trim();
  if (learnerId) fields.learner_id = learnerId;
  if ($("date").validity.badInput) {
    $("date").focus();
    throw new Error("The date of the assessment is not a whole date: give the day, month and year, or clear it.");
  }
  if ($("date").value) fields.date = $("date").value;
  return fields;
}

function withRecordFields(request) {
  const { learner_id: _id, date: _date, ...rest } = request;
  return { ...rest, ...recordFields() };
}

function scoreRequest() {
  const request = {
    rubric: $("rubric").value,
    transcript_text: $("transcript").value,
  };
  const format = $("format").value;
  if (format) request.format = format;
  const learner = $("learner").value.trim();
  if (learner) request.learner = learner;
  if (state.roles) request.roles = state.roles;
  Object.assign(request, recordFields());
  const scenario = scenarioBrief();
  if (scenario) request.scenario = scenario;
  if (state.overrides.size > 0) {
    // Each keeps the time it was applied, so a re-sent request (the report
    // download) records the same override as the record on screen.
    request.overrides = [...state.overrides].map(([criterion, o]) =>
      ({ criterion, outcome: o.outcome, comment: o.comment, assessor: o.assessor, at: o.at }));
  }
  return request;
}

async function post(request, accept, path = "/v1/score") {
  const response = await fetch(path, {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: accept }),
    body: JSON.stringify(request),
  });
  if (!response.ok) throw await failure(response);
  return response;
}

function score() {
  const run = scoreNow();
  state.scoring = run.catch(() => {});
  return run;
}

// Whatever the outcome, the screen then shows this score's answer and nothing
// older: the result, or the question about roles, or the problem.
async function scoreNow() {
  const ticket = ++state.ticket;
  showError("");
  const refuse = (message) => {
    clearResult();
    setStatus("");
    showError(message);
  };
  if (!$("rubric").value) return refuse("Choose a rubric first.");
  if (!$("transcript").value.trim()) {
    return refuse("Paste a transcript, or choose or drop a transcript file.");
  }
  let request;
  try {
    request = scoreRequest();
  } catch (error) {
    return refuse(error.message);
  }
  setStatus("Scoring…");
  state.busy = true;
  // The result on screen answered the earlier input (other roles, say): while the
  // new one is on its way, it must not be read, overridden or downloaded.
  withdrawResult();
  try {
    const assessment = await (await post(request, "application/json")).json();
    if (ticket !== state.ticket) return;
    state.busy = false;
    state.request = request;
    state.assessment = assessment;
    render(assessment);
    setStatus(`Scored against ${assessment.rubric.title}.`);
  } catch (error) {
    if (ticket !== state.ticket) return;
    state.busy = false;
    clearResult();
    setStatus("");
    const problem = error.problem;
    const aboutRoles = ["no-learner", "no-customer", "invalid-roles"];
    if (problem && aboutRoles.includes(problem.code) && Array.isArray(problem.speakers)) {
      askForRoles(problem.speakers, error.message, problem.suggested);
    } else if (error.status !== 401) {
      // A 401 has already said so beside the key field, where the answer goes.
      showError(error.message);
    }
  }
}

// The service could not tell who is who: the assessor says. The speaker the
// service suggests as the learner comes preselected (and, of two, the other as
// the customer), so confirming the likely answer is one click.
function askForRoles(speakerLabels, detail, suggested) {
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
  const chosen = Object.keys(roles).find((speaker) => roles[speaker] === "learner");
  if (!chosen) {
    showError("Choose which speaker is the learner.");
    return Promise.resolve();
  }
  // Both say who the learner is; the service would refuse two different answers.
  const named = $("learner").value.trim();
  if (named && named.toLowerCase() !== chosen.toLowerCase()) {
    showError(`You chose ${chosen} as the learner, but “Learner’s name” says ${named}: ` +
      "change one of them so that they agree, or clear the name.");
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
      overall.assessable
        ? ` (${overall.passed ? "pass" : "not yet a pass"}), score ${percent(overall.score)}`
        : ": no marking point applied to this transcript, so there is nothing to grade; check the rubric and who is the learner"),
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
  updateXapi();
  $("results").hidden = false;
}

// xAPI statements name the learner by id: the button waits for one.
function updateXapi() {
  const missing = !$("learner-id").value.trim();
  $("download-xapi").disabled = missing;
  $("xapi-hint").hidden = !missing;
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

// Each download is the service's answer to the request behind the result on
// screen, with the learner id and date as they stand now.
const DOWNLOADS = {
  json: { what: "record", path: "/v1/score", accept: "application/json", suffix: ".json" },
  report: { what: "report", path: "/v1/score", accept: "text/html", suffix: "-report.html" },
  csv: { what: "CSV", path: "/v1/score", accept: "text/csv", suffix: ".csv" },
  xapi: { what: "xAPI statements", path: "/v1/score/xapi", accept: "application/json", suffix: "-xapi.json" },
};

async function download(kind) {
  const { what, path, accept, suffix } = DOWNLOADS[kind];
  // A click that left a changed field has just set off a new score: that comes first.
  await state.scoring;
  if (!state.request) return;
  showError("");
  try {
    const response = await post(withRecordFields(state.request), accept, path);
    const blob = accept === "application/json"
      ? new Blob([JSON.stringify(await response.json(), null, 2) + "\n"], { type: accept })
      : await response.blob();
    save(blob, `${fileStem()}${suffix}`);
  } catch (error) {
    showError(`The ${what} could not be made: ${error.message}`);
  }
}

function setUp() {
  $("format").append(...FORMATS.map((f) => element("option", { value: f, text: f })));
  $("rubric").addEventListener("change", () => {
    scoredInputChanged();
    showMarkingPoints().catch((error) => showError(error.message));
  });
  $("api-key-form").addEventListener("submit", useKey);
  $("api-key").addEventListener("change", () => useKey());
  $("transcript-file").addEventListener("change", (event) => readFiles(event.target.files));
  $("transcript").addEventListener("input", newTranscript);
  $("format").addEventListener("change", () => scoredInputChanged({ forgetRoles: true }));
  $("learner").addEventListener("change", () => scoredInputChanged({ forgetRoles: true }));
  for (const field of $("scenario").querySelectorAll("input, textarea")) {
    field.addEventListener("change", () => scoredInputChanged({ keepOverrides: true }));
  }
  $("learner-id").addEventListener("input", updateXapi);
  // A file dropped anywhere on the page is read, never opened by the browser.
  const zone = $("drop-zone");
  document.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  document.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) readFiles(event.dataTransfer.files);
  });
  $("score").addEventListener("click", score);
  $("swap-roles").addEventListener("click", swapRoles);
  $("rescore").addEventListener("click", rescore);
  for (const kind of Object.keys(DOWNLOADS)) {
    $(`download-${kind}`).addEventListener("click", () => download(kind));
  }
  updateXapi();
  loadRubrics();
}

setUp();
