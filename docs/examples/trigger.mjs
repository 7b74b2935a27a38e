#!/usr/bin/env node
// Trigger a Hookcast webhook: signed when a signing secret is given, idempotent, retried with backoff.
//
// Node.js 18 or newer, built-in fetch and crypto only. docs/integrating.md explains every step; this file is tested
// against a real gateway (Tests/HookcastServerTests/Integrating/CallerExamplesTests.swift).
//
//   export HOOKCAST_API_KEY=hk_...                 # or --key-file FILE
//   export HOOKCAST_SIGNING_SECRET=whsec_...       # only for a key with a signing secret (or --secret-file FILE)
//   node trigger.mjs --url https://hookcast.example.net fire-alarm --sensor-data '{"id":"smoke-3","event":"alarm","value":"1"}'
//
// Prints the verified answer (one JSON line) on standard output. Exit status: 0 triggered (also when the gateway
// recognised a repeat: "duplicate": true), 1 refused (an answer that retrying cannot change), 2 gave up after
// --attempts, 3 the answer was not what Hookcast promises, 64 wrong usage.

import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const WEBHOOK_PATH = '/public-api/integration/webhooks';
// Worth sending again, with the same id and body: the gateway stored nothing (429, 503), or the answer may have
// been lost on the way (500, 502, 504, no answer at all). Every other status is final.
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const log = (message) => process.stderr.write(`trigger: ${message}\n`);
const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** A secret from a file ('-' for standard input) or the environment, never from the command line. */
function readSecret(fileName, variable) {
  if (fileName === '-') return readFileSync(0, 'utf8').split('\n')[0].trim();
  if (fileName) return readFileSync(fileName, 'utf8').trim();
  return (process.env[variable] ?? '').trim();
}

/** Standard Webhooks: v1,base64(HMAC-SHA256(secret bytes, "id.timestamp.body")). */
export function sign(secret, messageID, timestamp, body) {
  if (!secret.startsWith('whsec_')) throw new Error('a signing secret starts with whsec_');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${messageID}.${timestamp}.`).update(body).digest('base64');
}

/** One attempt: { status, headers, answer }; throws when no answer came. */
async function send(url, apiKey, body, requestID, secret, timeoutSeconds) {
  const headers = { 'Content-Type': 'application/json', 'x-webhook-apikey': apiKey };
  if (secret) {
    // Signed fresh on every attempt (the gateway refuses a timestamp 5 minutes off), always with the same id:
    // the id is what makes a repeat a duplicate rather than a second command.
    const timestamp = String(Math.floor(Date.now() / 1000));
    headers['webhook-id'] = requestID;
    headers['webhook-timestamp'] = timestamp;
    headers['webhook-signature'] = sign(secret, requestID, timestamp, body);
  } else {
    headers['Idempotency-Key'] = requestID;
  }
  const response = await fetch(url, {
    method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutSeconds * 1000),
  });
  const text = await response.text();
  let answer = null;
  try { answer = JSON.parse(text); } catch { /* not JSON: verify() and the refusal say so */ }
  return { status: response.status, headers: response.headers, answer };
}

/** Retry-After when the gateway gave one, else 1, 2, 4, ... seconds with jitter; never above maxDelay. */
function delayBefore(attempt, headers, maxDelay) {
  const retryAfter = headers?.get('retry-after');
  const delay = retryAfter && /^\d+$/.test(retryAfter)
    ? Number(retryAfter)
    : Math.min(2 ** (attempt - 1), 60) * (0.8 + Math.random() * 0.4);
  return Math.min(delay, maxDelay);
}

/** What a 200 promises (docs/integrating.md, "The answer"); a list of what is wrong, empty when all is well. */
export function verify(answer) {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return ['the answer is not a JSON object'];
  const problems = [];
  const id = answer.command_id;
  if (answer.message !== 'success') problems.push('"message" is not "success"');
  if (typeof id !== 'string' || !UUID_PATTERN.test(id)) problems.push('"command_id" is not a lower-case UUID');
  else if (answer.status_url !== `/api/v1/commands/${id}`) problems.push('"status_url" does not name the command');
  if (!Number.isInteger(answer.targets) || answer.targets < 0) problems.push('"targets" is not a count');
  if (typeof answer.queued !== 'boolean') problems.push('"queued" is not true or false');
  if (answer.report_url !== undefined && (typeof answer.report_url !== 'string' || !answer.report_url.includes(id))) {
    problems.push('"report_url" does not name the command');
  }
  return problems;
}

/** Reads the command's delivery report until every device answered or the time is up; returns the last one. */
async function follow(baseURL, apiKey, secret, answer, timeoutSeconds, followSeconds) {
  if (!answer.report_url) {
    log("this gateway's answer has no report_url (a version before it): nothing to follow");
    return null;
  }
  const url = new URL(answer.report_url, baseURL);
  const deadline = Date.now() + followSeconds * 1000;
  let pause = 0.5;
  for (;;) {
    const headers = { 'x-webhook-apikey': apiKey };
    if (secret) {
      // A key that requires signatures signs its reads as a POST with an empty body, each read with an id of its own.
      const readID = `msg_${randomUUID().replaceAll('-', '')}`;
      const timestamp = String(Math.floor(Date.now() / 1000));
      Object.assign(headers, {
        'webhook-id': readID, 'webhook-timestamp': timestamp, 'webhook-signature': sign(secret, readID, timestamp, ''),
      });
    }
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    if (response.status === 429 && Date.now() < deadline) { // reads have a bucket of their own
      await sleep(delayBefore(1, response.headers, 5));
      continue;
    }
    if (!response.ok) {
      log(`report: HTTP ${response.status}`);
      return null;
    }
    const report = await response.json();
    if (report.complete || Date.now() >= deadline) return report;
    await sleep(pause);
    pause = Math.min(pause * 2, 5);
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        'key-file': { type: 'string' },
        'secret-file': { type: 'string' },
        'sensor-data': { type: 'string' },
        field: { type: 'string', multiple: true, default: [] },
        'request-id': { type: 'string' },
        wait: { type: 'string' },
        attempts: { type: 'string', default: '6' },
        'max-delay': { type: 'string', default: '60' },
        timeout: { type: 'string', default: '10' },
        follow: { type: 'boolean', default: false },
        'follow-timeout': { type: 'string', default: '60' },
      },
    });
  } catch (error) {
    log(error.message);
    return 64;
  }
  const { values: options, positionals } = parsed;
  if (positionals.length !== 1) {
    log('usage: trigger.mjs [--url URL] [--key-file FILE] [--secret-file FILE] [--sensor-data JSON] '
      + '[--field NAME=VALUE] [--request-id ID] [--wait S] [--attempts N] [--max-delay S] [--follow] EVENT_ID');
    return 64;
  }
  const apiKey = readSecret(options['key-file'], 'HOOKCAST_API_KEY');
  if (!apiKey) {
    log('no API key: set HOOKCAST_API_KEY or give --key-file');
    return 64;
  }
  const secret = readSecret(options['secret-file'], 'HOOKCAST_SIGNING_SECRET') || null;
  const fields = { event_id: positionals[0] };
  if (options['sensor-data']) fields.sensor_data = JSON.parse(options['sensor-data']);
  for (const field of options.field) {
    const at = field.indexOf('=');
    if (at < 1) { log(`--field ${field}: give NAME=VALUE`); return 64; }
    fields[field.slice(0, at)] = field.slice(at + 1);
  }
  // The exact bytes are signed and sent again on every attempt.
  const body = Buffer.from(JSON.stringify(fields), 'utf8');
  const requestID = options['request-id'] ?? `msg_${randomUUID().replaceAll('-', '')}`;
  const baseURL = options.url.replace(/\/+$/, '');
  const wait = options.wait ? Number(options.wait) : 0;
  const url = baseURL + WEBHOOK_PATH + (wait ? `?wait=${wait}` : '');
  const attempts = Number(options.attempts);
  const maxDelay = Number(options['max-delay']);
  const timeout = Number(options.timeout) + wait;

  for (let attempt = 1; attempt <= attempts; attempt++) {
    let result = null;
    try {
      result = await send(url, apiKey, body, requestID, secret, timeout);
    } catch (error) { // refused, reset, timed out: the request may or may not have been stored
      log(`attempt ${attempt}: no answer (${error.cause?.code ?? error.name})`);
    }
    if (result?.status === 200) {
      const problems = verify(result.answer);
      if (problems.length > 0) {
        log(`the answer is not what Hookcast promises: ${problems.join('; ')}`);
        process.stdout.write(JSON.stringify(result.answer) + '\n');
        return 3;
      }
      if (result.answer.duplicate) {
        log(`the gateway had this request already (id ${requestID}): the original command is answered`);
      }
      process.stdout.write(JSON.stringify(result.answer) + '\n');
      if (options.follow) {
        const report = await follow(baseURL, apiKey, secret, result.answer, Number(options.timeout),
          Number(options['follow-timeout']));
        if (report) process.stdout.write(JSON.stringify(report) + '\n');
      }
      return 0;
    }
    const code = result?.answer?.error ?? '';
    if (result && !RETRYABLE.has(result.status)) {
      log(`refused: HTTP ${result.status} ${code}: ${result.answer?.detail ?? ''}`);
      return 1;
    }
    if (attempt === attempts) break;
    const delay = delayBefore(attempt, result?.headers, maxDelay);
    log(`attempt ${attempt}: ${result ? `HTTP ${result.status} ${code}; ` : ''}retrying in ${delay.toFixed(1)} s with the same id`);
    await sleep(delay);
  }
  log(`gave up after ${attempts} attempts; send it again later with --request-id ${requestID}`);
  return 2;
}

process.exitCode = await main();
