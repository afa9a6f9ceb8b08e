// The assessor's page in a real browser: Debian's chromium driven by
// playwright-core, against the real `rolemark serve` on a loopback port.
//
//   ROLEMARK_BIN   the binary (default: ../../target/debug/rolemark)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   ARTIFACTS      where screenshots and downloads go (default: ../../target/browser)

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";
import xapiValidation from "@learninglocker/xapi-validation";

// The package is CommonJS with an ES-module-style default export.
const validateStatement = xapiValidation.default;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const binary = process.env.ROLEMARK_BIN || path.join(root, "target/debug/rolemark");
const artifacts = process.env.ARTIFACTS || path.join(root, "target/browser");
const fixture = path.join(root, "tests/fixtures/refund-captions.vtt");
mkdirSync(artifacts, { recursive: true });

let server;
let base;
let browser;

function startServer(extra = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["serve", "--bind", "127.0.0.1:0", "--workers", "2", ...extra], {
      env: { ...process.env, RUST_LOG: "info" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    const timer = setTimeout(() => reject(new Error(`no "serving on" line in 60 s:\n${log}`)), 60000);
    child.stderr.on("data", (chunk) => {
      log += chunk;
      const found = log.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/);
      if (found) {
        clearTimeout(timer);
        resolve({ child, address: found[1] });
      }
    });
    child.on("exit", (code) => reject(new Error(`rolemark serve exited with ${code}:\n${log}`)));
  });
}

before(async () => {
  ({ child: server, address: base } = await startServer());
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
});

// A page that records every request it makes and every console error; on the
// shared server it waits for the rubrics and chooses one.
async function openPage(viewport = { width: 1280, height: 900 }, address = base) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const seen = { requests: [], errors: [], sent: [] };
  page.on("request", (request) => {
    seen.requests.push(request.url());
    if (request.url().includes("/v1/")) {
      seen.sent.push({ url: request.url(), method: request.method(),
        authorization: request.headers().authorization, body: request.postData() });
    }
  });
  page.on("console", (message) => { if (message.type() === "error") seen.errors.push(message.text()); });
  page.on("pageerror", (error) => seen.errors.push(String(error)));
  await page.goto(`${address}/`);
  if (address === base) {
    await page.waitForSelector("#rubric option[value=challenging-customers]", { state: "attached" });
    await page.selectOption("#rubric", "challenging-customers");
  }
  return { context, page, seen };
}

// Drops a file on the page as a user dragging it from the desktop would.
async function dropText(page, fileName, text, type) {
  const transfer = await page.evaluateHandle(([content, name, kind]) => {
    const data = new DataTransfer();
    data.items.add(new File([content], name, { type: kind }));
    return data;
  }, [text, fileName, type]);
  await page.dispatchEvent("#drop-zone", "dragover", { dataTransfer: transfer });
  await page.dispatchEvent("#drop-zone", "drop", { dataTransfer: transfer });
}

async function dropFile(page, file) {
  await dropText(page, path.basename(file), readFileSync(file, "utf8"), "text/vtt");
}

// What the reader sees: computed styles and boxes, not the `hidden` attribute.
async function visible(page, selector) {
  return page.locator(selector).isVisible();
}

const DOWNLOAD_BUTTONS = ["#download-json", "#download-report", "#download-csv", "#download-xapi"];

// Nothing of a result is left to see or to download.
async function assertNoResult(page, when) {
  assert.equal(await visible(page, "#results"), false, `${when}: the results panel is hidden`);
  for (const button of DOWNLOAD_BUTTONS) {
    assert.equal(await visible(page, button), false, `${when}: ${button} is hidden`);
  }
  assert.equal(await page.locator(".override-note").count(), 0, `${when}: no override is left`);
  assert.equal(await page.locator(".criterion").count(), 0, `${when}: no marking point is left`);
  assert.equal(await page.locator("#turns li").count(), 0, `${when}: no transcript is left`);
  assert.equal(await page.textContent("#overall"), "", `${when}: no grade is left`);
}

// Overrides the first marking point, as an assessor would.
async function overrideFirst(page) {
  const card = page.locator(".criterion").first();
  await card.locator(".override-form summary").click();
  await card.locator("select").selectOption("not_applicable");
  await card.locator("textarea").fill("Out of scope for this role-play.");
  await page.fill("#assessor", "AS-0107");
  await card.locator("button.apply-override").click();
  await page.waitForSelector(".override-note");
}

// A small CSV reader (quoted cells may hold commas, quotes and line breaks).
function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// Drops the VTT, says who the learner is (its speakers are named, not labelled),
// and waits for the result.
async function scoreFixture(page) {
  await dropFile(page, fixture);
  await page.waitForSelector("#roles:not([hidden])");
  const speakers = await page.$$eval("#roles-list select", (all) => all.map((s) => s.dataset.speaker));
  assert.deepEqual(speakers, ["Priya Shah", "Mr. Davis"]);
  await page.selectOption('#roles-list select[data-speaker="Priya Shah"]', "learner");
  await page.selectOption('#roles-list select[data-speaker="Mr. Davis"]', "customer");
  await page.click("#rescore");
  await page.waitForSelector("#results:not([hidden]) .criterion");
}

async function serviceAssessment() {
  const response = await fetch(`${base}/v1/score`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      rubric: "challenging-customers",
      format: "vtt",
      transcript_text: readFileSync(fixture, "utf8"),
      roles: { "Priya Shah": "learner", "Mr. Davis": "customer" },
    }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

test("a dropped VTT shows every marking point with its evidence highlighted in the transcript", async () => {
  const { context, page, seen } = await openPage();
  await scoreFixture(page);
  const expected = await serviceAssessment();

  const choices = await page.$$eval("#rubric option", (all) => all.map((o) => o.value));
  assert.deepEqual(choices, [...new Set(choices)], "one choice per rubric version");
  const criteria = await page.$$eval(".criterion h4", (all) => all.map((h) => h.firstChild.textContent));
  assert.deepEqual(criteria, expected.criteria.map((c) => c.title));
  const badges = await page.$$eval(".criterion .outcome", (all) => all.map((b) => b.textContent));
  const labels = { met: "Met", partially_met: "Partially met", not_met: "Not met", not_applicable: "Not applicable" };
  assert.deepEqual(badges, expected.criteria.map((c) => labels[c.outcome]));

  // Every quote is highlighted, exactly, in its own turn.
  const quotes = expected.criteria.flatMap((c) => c.evidence);
  assert.ok(quotes.length > 0, "the fixture should give evidence");
  for (const e of quotes) {
    const turn = expected.transcript.turns[e.turn];
    assert.equal(Array.from(turn.text).slice(e.start, e.end).join(""), e.quote);
    const marked = await page.$eval(`#turn-${e.turn}`, (li) =>
      [...li.querySelectorAll("mark")].map((m) => m.firstChild.textContent).join(""));
    assert.ok(marked.includes(e.quote) || e.quote.includes(marked) && marked.length > 0,
      `turn ${e.turn} should highlight the quote`);
  }
  const grade = await page.textContent("#overall");
  assert.ok(grade.includes(expected.overall.grade_label), grade);
  const behaviour = await page.textContent("#behaviour");
  for (const b of expected.customer_behaviour.filter((b) => b.shown)) {
    assert.ok(behaviour.includes(b.title), `behaviour ${b.title} listed`);
  }

  // A criterion not met says what was looked for.
  const unmet = expected.criteria.find((c) => c.outcome === "not_met" && c.looked_for);
  if (unmet) {
    const text = await page.textContent(`#criterion-${unmet.id} .looked-for`);
    assert.ok(text.includes(unmet.looked_for[0]));
  }

  await page.screenshot({ path: path.join(artifacts, "page.png"), fullPage: true });
  // The one failed request is the first score, which asks who the learner is.
  const unexpected = seen.errors.filter((e) => !e.includes("status of 422"));
  assert.deepEqual(unexpected, []);
  const foreign = seen.requests.filter((url) => !url.startsWith(base) && !url.startsWith("blob:"));
  assert.deepEqual(foreign, [], "the page reaches nothing but the service");
  await context.close();
});

test("evidence is reachable by keyboard and takes the reader to its turn", async () => {
  const { context, page } = await openPage();
  await scoreFixture(page);
  const button = page.locator(".criterion button.evidence").first();
  const turn = await button.getAttribute("data-turn");
  await button.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction((id) => document.activeElement && document.activeElement.id === id, `turn-${turn}`);
  assert.ok(await page.$eval(`#turn-${turn}`, (li) => li.classList.contains("current")));
  // Tab order starts at the skip link, and reaches the rubric choice.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip");
  await context.close();
});

test("an override needs a comment and an assessor, shows as such, and is kept in both downloads", async () => {
  const { context, page } = await openPage();
  await scoreFixture(page);
  const expected = await serviceAssessment();
  const target = expected.criteria.find((c) => c.outcome === "met") || expected.criteria[0];
  const card = page.locator(`#criterion-${target.id}`);
  await card.locator(".override-form summary").click();
  await card.locator("select").selectOption("not_met");
  await card.locator("button.apply-override").click();
  const refusal = await card.locator(".form-error").textContent();
  assert.match(refusal, /comment/);
  assert.equal(await page.locator(".override-note").count(), 0);

  const comment = "Apologised, but only after arguing with the customer.";
  await card.locator("textarea").fill(comment);
  await card.locator("button.apply-override").click();
  assert.match(await card.locator(".form-error").textContent(), /assessor/);
  assert.equal(await page.locator(".override-note").count(), 0);

  const assessor = "A. Assessor (AS-0107)";
  await page.fill("#assessor", assessor);
  await card.locator("button.apply-override").click();
  await page.waitForSelector(`#criterion-${target.id} .override-note`);
  const note = await page.textContent(`#criterion-${target.id} .override-note`);
  assert.ok(note.includes("Not met") && note.includes(comment) && note.includes(assessor), note);
  assert.equal(await page.textContent(`#criterion-${target.id} .outcome`), "Not met");
  assert.ok((await page.textContent("#overall")).includes("With your overrides"));

  const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  const record = JSON.parse(readFileSync(await jsonDownload.path(), "utf8"));
  const kept = record.criteria.find((c) => c.id === target.id);
  assert.equal(kept.outcome, target.outcome, "the system's outcome stays in the record");
  assert.deepEqual({ outcome: kept.assessor_override.outcome, comment: kept.assessor_override.comment,
    assessor: kept.assessor_override.assessor }, { outcome: "not_met", comment, assessor });
  assert.match(kept.assessor_override.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.ok(record.overall_after_overrides, "the record grades with the override");
  assert.equal(record.audit.transcript_sha256.length, 64);

  const [reportDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-report")]);
  const reportPath = path.join(artifacts, "report.html");
  await reportDownload.saveAs(reportPath);
  const report = readFileSync(reportPath, "utf8");
  assert.ok(report.includes("Assessor override") && report.includes(comment));
  assert.ok(report.includes(kept.assessor_override.at), "the report shows the time the record has");
  assert.ok(report.includes(expected.rubric.sha256));

  const reportPage = await context.newPage();
  await reportPage.goto(`file://${reportPath}`);
  await reportPage.pdf({ path: path.join(artifacts, "report.pdf"), format: "A4" });
  await context.close();
});

test("the page reads on a narrow screen without sideways scrolling", async () => {
  const { context, page } = await openPage({ width: 390, height: 844 });
  await page.click("#scenario summary");
  await scoreFixture(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: path.join(artifacts, "page-narrow.png"), fullPage: false });
  await context.close();
});

test("xAPI statements from the service pass Learning Locker's statement validation", async () => {
  const response = await fetch(`${base}/v1/score/xapi`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      rubric: "challenging-customers",
      transcript_text: readFileSync(fixture, "utf8"),
      roles: { "Priya Shah": "learner", "Mr. Davis": "customer" },
      learner_id: "candidate-0042",
      date: "2026-11-27",
    }),
  });
  assert.equal(response.status, 200);
  const statements = await response.json();
  assert.equal(statements.length, 13, "twelve criteria and the whole assessment");
  assert.ok(statements.every((s) => s.timestamp === "2026-11-27T00:00:00Z"), "dated statements carry a timestamp");
  for (const statement of statements) {
    assert.deepEqual(validateStatement(statement), [], JSON.stringify(statement.object.id));
  }
});

test("when the service is unsure who the learner is, the roles step opens with its best guess chosen", async () => {
  const { context, page } = await openPage();
  // One weak sign only: the service asks rather than scores, and suggests Priya.
  await page.fill("#transcript", "Priya Shah: Bear with me.\nMr. Davis: Okay.\nPriya Shah: Right.");
  await page.click("#score");
  await page.waitForSelector("#roles:not([hidden])");
  const chosen = await page.$$eval("#roles-list select", (all) =>
    Object.fromEntries(all.map((s) => [s.dataset.speaker, s.value])));
  assert.deepEqual(chosen, { "Priya Shah": "learner", "Mr. Davis": "customer" });
  assert.match(await page.textContent("#roles-note"), /best guess, Priya Shah/);
  assert.ok(await page.$eval("#results", (r) => r.hidden), "no result before the roles are confirmed");
  // Confirming the guess scores with it.
  await page.click("#rescore");
  await page.waitForSelector("#results:not([hidden]) .criterion");
  await context.close();
});

test("the printed report keeps every digit of evidence numbers of ten and above", async () => {
  // A role-play with more than ten pieces of evidence for one criterion.
  const lines = [];
  for (let i = 0; i < 14; i += 1) {
    lines.push(`Customer: Question ${i}, where is my refund?`);
    lines.push(`Agent: I'm so sorry, can I ask when you ordered it, item ${i}?`);
  }
  const response = await fetch(`${base}/v1/score`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/html" },
    body: JSON.stringify({ rubric: "challenging-customers", transcript_text: lines.join("\n") }),
  });
  assert.equal(response.status, 200);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent(await response.text());
  await page.emulateMedia({ media: "print" });
  const clipped = await page.evaluate(() => {
    const probe = document.createElement("span");
    probe.style.position = "absolute";
    const failures = [];
    for (const list of document.querySelectorAll("ol.evidence-list")) {
      const items = list.querySelectorAll(":scope > li");
      if (items.length < 10) continue;
      const tenth = items[9];
      probe.style.font = getComputedStyle(tenth).font;
      probe.textContent = `${items.length}. `;
      document.body.appendChild(probe);
      const markerWidth = probe.getBoundingClientRect().width;
      probe.remove();
      // The marker sits left of the item's box: it must not run off the page.
      const room = tenth.getBoundingClientRect().left - document.documentElement.getBoundingClientRect().left;
      if (room < markerWidth) failures.push({ room, markerWidth });
    }
    return { failures, lists: document.querySelectorAll("ol.evidence-list").length };
  });
  assert.ok(clipped.lists > 0, "the report lists evidence");
  assert.deepEqual(clipped.failures, []);
  await context.close();
});

test("before any scoring, no result, download or key field shows", async () => {
  const { context, page } = await openPage();
  for (const selector of ["#results", ...DOWNLOAD_BUTTONS, "#api-key-form", "#api-key", "#roles", "#error"]) {
    assert.equal(await visible(page, selector), false, `${selector} is not shown`);
  }
  assert.equal(await page.$eval("#results", (r) => getComputedStyle(r).display), "none");
  assert.equal(await page.$eval("#api-key-form", (f) => getComputedStyle(f).display), "none");
  // What the assessor fills in does show.
  for (const selector of ["#rubric", "#transcript", "#learner", "#learner-id", "#date", "#assessor", "#scenario summary", "#score"]) {
    assert.ok(await visible(page, selector), `${selector} is shown`);
  }
  await context.close();
});

test("a new transcript that needs roles, or cannot be read, clears the earlier result, its overrides and downloads", async () => {
  const { context, page } = await openPage();
  await scoreFixture(page);
  await overrideFirst(page);
  assert.ok(await visible(page, ".override-note"));
  for (const button of ["#download-json", "#download-report", "#download-csv"]) {
    assert.ok(await visible(page, button), `${button} shows with a result`);
  }

  // A file whose speakers cannot be told apart: the page asks, and shows nothing older.
  await dropText(page, "second.txt", "Sam Lee: Hello.\nJo Park: Hi.", "text/plain");
  await page.waitForSelector('#roles-list select[data-speaker="Sam Lee"]');
  await assertNoResult(page, "a new file that needs roles");
  const note = await page.textContent("#roles-note");
  assert.doesNotMatch(note, /as you set them|were read from|were guessed/, note);

  // Confirming the roles scores the new transcript, with no override carried over.
  await page.selectOption('#roles-list select[data-speaker="Sam Lee"]', "learner");
  await page.selectOption('#roles-list select[data-speaker="Jo Park"]', "customer");
  await page.click("#rescore");
  await page.waitForSelector("#results:not([hidden]) .criterion");
  assert.equal(await page.locator(".override-note").count(), 0, "the old override is not applied to the new transcript");
  assert.ok((await page.textContent("#turns")).includes("Sam Lee"));

  // A file that cannot be read: the problem shows, and nothing of the last result.
  await scoreFixture(page);
  await overrideFirst(page);
  await dropText(page, "broken.vtt", "WEBVTT\n\n00:00:01.000 --> nonsense\nHello.\n", "text/vtt");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /cue timing/);
  await assertNoResult(page, "a file that cannot be read");
  assert.equal(await visible(page, "#roles"), false, "the earlier roles and their note are gone");

  // Scoring again that fails takes the result away as well: here a half-typed date.
  await scoreFixture(page);
  await overrideFirst(page);
  await page.focus("#date");
  await page.keyboard.type("11");
  await page.click("#score");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /not a whole date/);
  await assertNoResult(page, "a score that failed");
  await page.fill("#date", "");

  // Pasting over a scored transcript clears its result too.
  await scoreFixture(page);
  await page.fill("#transcript", "Customer: It broke.\nAgent: I am so sorry.");
  await assertNoResult(page, "a pasted transcript");
  await context.close();
});

test("while scoring again with other roles, the earlier result cannot be read, overridden or downloaded", async () => {
  const { context, page } = await openPage();
  await scoreFixture(page);
  await overrideFirst(page);
  // Hold the next score on its way, as a slow network would.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/v1/score*", async (route) => { await held; await route.continue(); });
  await page.click("#swap-roles");
  await assertNoResult(page, "a score on its way");
  assert.ok(await visible(page, "#roles"), "the roles step stays, to be changed again");
  release();
  await page.waitForSelector("#results:not([hidden]) .criterion");
  assert.equal(await page.locator(".override-note").count(), 0, "the override made under other roles is gone");
  await context.close();
});

test("with API keys, the page asks for a key, loads the rubrics and scores with it, and says when a key is refused", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "rolemark-keys-"));
  const keys = path.join(dir, "api-keys");
  writeFileSync(keys, "# API keys for the browser test, one a line\nkey-for-the-page-0042\n");
  const keyed = await startServer(["--api-keys-file", keys]);
  try {
    const { context, page, seen } = await openPage(undefined, keyed.address);
    await page.locator("#api-key").waitFor({ state: "visible" });
    assert.match(await page.textContent("#api-key-message"), /needs an API key/);
    assert.equal(await page.locator("#rubric option[value=challenging-customers]").count(), 0);
    assert.equal(await visible(page, "#error"), false, "the key field says it; no second alarm");

    // A wrong key is refused, and the page says so.
    await page.fill("#api-key", "not-the-key");
    await page.press("#api-key", "Enter");
    await page.waitForFunction(() => /refused/.test(document.getElementById("api-key-message").textContent));
    assert.equal(await page.locator("#rubric option[value=challenging-customers]").count(), 0);

    // The right one loads the rubrics, and every call after it carries it.
    await page.fill("#api-key", "key-for-the-page-0042");
    await page.click("#api-key-use");
    await page.waitForSelector("#rubric option[value=challenging-customers]", { state: "attached" });
    assert.equal(await visible(page, "#api-key-message"), false, "no refusal is left");
    await page.selectOption("#rubric", "challenging-customers");
    await page.fill("#transcript", "Customer: My refund is six weeks late.\nAgent: I'm so sorry, can I take your order number?");
    await page.click("#score");
    await page.waitForSelector("#results:not([hidden]) .criterion");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
    assert.match(readFileSync(await csv.path(), "utf8"), /^file,learner,learner_id,/);

    const calls = seen.sent.filter((call) => call.url.startsWith(keyed.address));
    const withKey = calls.slice(calls.findIndex((call) => call.authorization === "Bearer key-for-the-page-0042"));
    assert.ok(withKey.some((call) => call.url.endsWith("/v1/rubrics")), "the rubric list was loaded with the key");
    assert.equal(withKey.filter((call) => call.url.endsWith("/v1/score")).length, 2, "the score and the CSV");
    for (const call of withKey) assert.equal(call.authorization, "Bearer key-for-the-page-0042", call.url);
    assert.ok(calls.some((call) => call.authorization === "Bearer not-the-key"), "the wrong key was tried");
    await context.close();
  } finally {
    keyed.child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the learner's name, learner id, date and scenario brief typed on the page reach the JSON, CSV and xAPI downloads", async () => {
  const { context, page, seen } = await openPage();
  await page.fill("#learner", "Priya Shah");
  await page.fill("#learner-id", "C-0042");
  await page.fill("#date", "2026-11-27");
  await page.click("#scenario summary");
  await page.fill("#scenario-title", "Late refund");
  await page.fill("#scenario-organisation", "Northway Energy");
  await page.fill("#scenario-policies", "Northway Promise\n\n  fair billing code  \n");
  await page.fill("#scenario-authority-limit", "Ask a team leader");
  await page.fill("#scenario-customer-demand", "A £120 refund");
  await page.fill("#scenario-resolutions", "Refund within the limit\nEscalate the rest to a team leader");

  // The service checks the brief, and the page shows its own words.
  await dropFile(page, fixture);
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /`authority_limit` names no amount of money/);
  assert.equal(await visible(page, "#results"), false);

  await page.fill("#scenario-authority-limit", "Refunds up to £50");
  await page.click("#score");
  // The learner's name says who is who: no roles step.
  await page.waitForSelector("#results:not([hidden]) .criterion");
  const brief = {
    title: "Late refund",
    organisation: "Northway Energy",
    policies: ["Northway Promise", "fair billing code"],
    authority_limit: "Refunds up to £50",
    customer_demand: "A £120 refund",
    expected_resolutions: ["Refund within the limit", "Escalate the rest to a team leader"],
  };
  const scores = seen.sent.filter((call) => call.url.endsWith("/v1/score"));
  const sent = JSON.parse(scores[scores.length - 1].body);
  assert.deepEqual({ learner: sent.learner, learner_id: sent.learner_id, date: sent.date, scenario: sent.scenario },
    { learner: "Priya Shah", learner_id: "C-0042", date: "2026-11-27", scenario: brief });

  const [json] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  const record = JSON.parse(readFileSync(await json.path(), "utf8"));
  assert.equal(record.audit.learner_id, "C-0042");
  assert.equal(record.audit.date, "2026-11-27");
  for (const [field, value] of Object.entries(brief)) assert.deepEqual(record.scenario[field], value, field);
  const learners = new Set(record.transcript.turns.filter((t) => t.role === "learner").map((t) => t.speaker));
  assert.deepEqual([...learners], ["Priya Shah"]);

  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
  const [header, ...rows] = parseCsv(readFileSync(await csv.path(), "utf8"));
  const column = header.indexOf("learner_id");
  assert.ok(column >= 0, header.join(","));
  assert.equal(rows.length, record.criteria.length, "one row per marking point");
  for (const row of rows) assert.equal(row[column], "C-0042");

  // xAPI needs the learner id: without one the button waits and says why.
  await page.fill("#learner-id", "");
  assert.ok(await page.locator("#download-xapi").isDisabled());
  assert.ok(await visible(page, "#xapi-hint"));
  await page.fill("#learner-id", "C-0042");
  assert.ok(await page.locator("#download-xapi").isEnabled());
  assert.equal(await visible(page, "#xapi-hint"), false);
  const [xapi] = await Promise.all([page.waitForEvent("download"), page.click("#download-xapi")]);
  const statements = JSON.parse(readFileSync(await xapi.path(), "utf8"));
  assert.equal(statements.length, record.criteria.length + 1, "one a marking point and one for the whole");
  for (const statement of statements) {
    assert.equal(statement.actor.account.name, "C-0042");
    assert.equal(statement.timestamp, "2026-11-27T00:00:00Z");
    assert.deepEqual(validateStatement(statement), []);
  }

  // The learner id and date label the record: a change after scoring reaches the next download.
  await page.fill("#date", "2026-11-28");
  const [later] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  assert.equal(JSON.parse(readFileSync(await later.path(), "utf8")).audit.date, "2026-11-28");
  await context.close();
});

test("several dropped files are scored as a cohort, counted per criterion, each learner openable", async () => {
  const { context, page } = await openPage();
  const files = ["good-angry.txt", "abusive-good.txt", "confused.txt"].map((f) => path.join(root, "tests/golden", f));
  const transfer = await page.evaluateHandle((all) => {
    const data = new DataTransfer();
    for (const [text, name] of all) data.items.add(new File([text], name, { type: "text/plain" }));
    return data;
  }, files.map((f) => [readFileSync(f, "utf8"), path.basename(f)]));
  await page.dispatchEvent("#drop-zone", "drop", { dataTransfer: transfer });
  await page.waitForFunction(() => document.querySelector("#cohort-progress").textContent.startsWith("Scored"));
  assert.equal(await page.textContent("#cohort-progress"), "Scored 3 of 3.");
  // The table agrees with what the service says of each file.
  const expected = new Map();
  const assessments = [];
  for (const file of files) {
    const response = await fetch(`${base}/v1/score`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rubric: "challenging-customers", transcript_text: readFileSync(file, "utf8") }),
    });
    const assessment = await response.json();
    assessments.push(assessment);
    for (const c of assessment.criteria) {
      if (!expected.has(c.id)) expected.set(c.id, { met: 0, partially_met: 0, not_met: 0, not_applicable: 0 });
      expected.get(c.id)[c.outcome] += 1;
    }
  }
  const shown = await page.$$eval("#cohort-criteria tbody tr", (rows) => rows.map((row) =>
    [row.dataset.criterion, [...row.querySelectorAll("td")].map((td) => Number(td.textContent))]));
  assert.deepEqual(shown, [...expected].map(([id, c]) => [id, [c.met, c.partially_met, c.not_met, c.not_applicable]]));
  // Opening the second learner shows that learner's outcomes.
  await page.locator("#cohort-learners button").nth(1).click();
  await page.waitForSelector("#results:not([hidden]) .criterion");
  const labels = { met: "Met", partially_met: "Partially met", not_met: "Not met", not_applicable: "Not applicable" };
  const badges = await page.$$eval(".criterion .outcome", (all) => all.map((b) => b.textContent));
  assert.deepEqual(badges, assessments[1].criteria.map((c) => labels[c.outcome]));
  await context.close();
});
