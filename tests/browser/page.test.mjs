// The assessor's page in a real browser: Debian's chromium driven by
// playwright-core, against the real `rolemark serve` on a loopback port.
//
//   ROLEMARK_BIN   the binary (default: ../../target/debug/rolemark)
//   CHROMIUM       the browser (default: /usr/bin/chromium)
//   ARTIFACTS      where screenshots and downloads go (default: ../../target/browser)

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
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

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["serve", "--bind", "127.0.0.1:0", "--workers", "2"], {
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

// A page that records every request it makes and every console error.
async function openPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const seen = { requests: [], errors: [] };
  page.on("request", (request) => seen.requests.push(request.url()));
  page.on("console", (message) => { if (message.type() === "error") seen.errors.push(message.text()); });
  page.on("pageerror", (error) => seen.errors.push(String(error)));
  await page.goto(`${base}/`);
  await page.waitForSelector("#rubric option[value=challenging-customers]", { state: "attached" });
  await page.selectOption("#rubric", "challenging-customers");
  return { context, page, seen };
}

// Drops the fixture on the page as a user dragging it from the desktop would.
async function dropFile(page, file) {
  const content = readFileSync(file, "utf8");
  const name = path.basename(file);
  const transfer = await page.evaluateHandle(([text, fileName]) => {
    const data = new DataTransfer();
    data.items.add(new File([text], fileName, { type: "text/vtt" }));
    return data;
  }, [content, name]);
  await page.dispatchEvent("#drop-zone", "dragover", { dataTransfer: transfer });
  await page.dispatchEvent("#drop-zone", "drop", { dataTransfer: transfer });
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
