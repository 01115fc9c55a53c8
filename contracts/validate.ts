/**
 * `validateTopology` returns every problem of a topology at once, each a named error naming the
 * offending field (`queues[payments].maxAttempts`). `assertValidTopology` throws them together.
 */
import { cronProblems } from './cron';
import { isDuration, toSeconds } from './duration';
import {
  AttemptsOutOfRangeError, DuplicateNameError, InvalidCronError, InvalidNameError, InvalidOptionError,
  TimeoutMismatchError, TopologyError, TopologyIssue, UnknownReferenceError, UnportableFilterError,
} from './errors';
import type { EventDefinition } from './events';
import { CORE_FILTER_FIELDS, toClauses, type Clause, type Filter } from './filter';
import { FILTER_LIMITS, MAX_ATTEMPTS, MAX_FUNCTION_TIMEOUT_SECONDS, MAX_NAME_LENGTH, MIN_ATTEMPTS, NAME_PATTERN } from './limits';
import type { Ref, SubscriptionSpec, Topology } from './topology';

type Issues = TopologyIssue[];

/** Every problem of the topology; empty when it is valid. */
export function validateTopology(t: Topology): TopologyIssue[] {
  const issues: Issues = [];
  const events = new Map(t.events.map((e) => [e.wireType, e] as const));
  const named = new Map<string, Set<string>>();
  const lists = {
    bus: t.buses, queue: t.queues, topic: t.topics, stream: t.streams, fn: t.functions, schedule: t.schedules,
    webhook: t.webhooks, bucket: t.buckets, table: t.tables, alarm: t.alarms,
  } as const;
  for (const [kind, list] of Object.entries(lists)) {
    const seen = new Set<string>();
    for (const r of list) {
      const field = `${plural(kind)}[${r.name}]`;
      if (seen.has(r.name)) issues.push(new DuplicateNameError(`${field}.name`, `two ${plural(kind)} are named "${r.name}"`));
      seen.add(r.name);
      checkName(issues, `${field}.name`, r.name);
    }
    named.set(kind, seen);
  }
  const exists = (r: Ref | undefined, field: string, kinds: readonly string[]) => {
    if (!r) return;
    if (!kinds.includes(r.kind)) issues.push(new InvalidOptionError(field, `must reference a ${kinds.join(' or ')}, not a ${r.kind}`));
    else if (!named.get(r.kind)?.has(r.name)) issues.push(new UnknownReferenceError(field, `no ${r.kind} named "${r.name}"`));
  };
  const event = (wireType: string, field: string) => {
    const d = events.get(wireType);
    if (!d) issues.push(new UnknownReferenceError(field, `no event definition "${wireType}"`));
    return d;
  };

  for (const q of t.queues) checkQueue(issues, q);
  for (const s of t.streams) {
    const f = `streams[${s.name}]`;
    checkAttempts(issues, `${f}.maxAttempts`, s.maxAttempts);
    checkDurations(issues, f, { retention: s.retention, maxEventAge: s.maxEventAge, 'batch.window': s.batch.window });
    checkBatch(issues, f, s.batch.size);
    if (!/^(subject|source|type|data(\.[A-Za-z0-9_]+)+)$/.test(s.key)) {
      issues.push(new InvalidOptionError(`${f}.key`, `"${s.key}" must be subject, source, type or data.<path>`));
    }
  }
  for (const fn of t.functions) {
    const f = `functions[${fn.name}]`;
    if (!/\.(ts|js|mjs|cjs)$/.test(fn.handler)) issues.push(new InvalidOptionError(`${f}.handler`, `"${fn.handler}" must be a .ts or .js module path`));
    if (checkDurations(issues, f, { timeout: fn.timeout }) && toSeconds(fn.timeout) > MAX_FUNCTION_TIMEOUT_SECONDS) {
      issues.push(new TimeoutMismatchError(`${f}.timeout`, `${fn.timeout} is over ${MAX_FUNCTION_TIMEOUT_SECONDS}s, the longest every cloud runs an event-driven function`));
    }
    if (!Number.isInteger(fn.memory) || fn.memory < 1) issues.push(new InvalidOptionError(`${f}.memory`, `${fn.memory} must be a positive integer (MB)`));
    if (fn.concurrency !== undefined && (!Number.isInteger(fn.concurrency) || fn.concurrency < 1)) {
      issues.push(new InvalidOptionError(`${f}.concurrency`, `${fn.concurrency} must be a positive integer`));
    }
    if (fn.publishes) {
      exists(fn.publishes.to, `${f}.publishes.to`, ['bus', 'topic']);
      fn.publishes.events.forEach((e, i) => event(e, `${f}.publishes.events[${i}]`));
    }
  }
  const consumerOf = new Map<string, string>();
  for (const s of t.subscriptions) {
    const f = `subscriptions[${s.name}]`;
    exists({ kind: 'fn', name: s.function }, `${f}.function`, ['fn']);
    exists(s.from, `${f}.from`, ['bus', 'topic', 'stream']);
    exists(s.via, `${f}.via`, ['queue', 'stream']);
    if (s.via && s.from.kind === 'stream') issues.push(new InvalidOptionError(`${f}.via`, 'a stream subscription is already ordered and retried; drop via'));
    if (s.via && s.from.kind === 'topic' && s.via.kind !== 'queue') issues.push(new InvalidOptionError(`${f}.via`, 'a topic subscriber reads through a queue'));
    if (s.via) {
      const key = `${s.via.kind}:${s.via.name}`;
      const other = consumerOf.get(key);
      if (other && other !== s.function) {
        issues.push(new InvalidOptionError(`${f}.via`, `${s.via.kind} "${s.via.name}" is already read by function "${other}"; give each function its own`));
      }
      consumerOf.set(key, s.function);
    }
    if (s.events.length === 0) issues.push(new InvalidOptionError(`${f}.events`, 'list at least one event'));
    const defs = s.events.map((e, i) => event(e, `${f}.events[${i}]`)).filter((d): d is EventDefinition<any> => !!d);
    if (s.where) checkFilter(issues, `${f}.where`, s.where, s, defs);
  }
  if (new Set(t.subscriptions.map((s) => s.name)).size !== t.subscriptions.length) {
    const dup = t.subscriptions.find((s, i) => t.subscriptions.findIndex((o) => o.name === s.name) !== i)!;
    issues.push(new DuplicateNameError(`subscriptions[${dup.name}].name`, `two subscriptions are named "${dup.name}"; give one a name`));
  }
  for (const s of t.schedules) {
    const f = `schedules[${s.name}]`;
    for (const p of cronProblems(s.cron)) issues.push(new InvalidCronError(`${f}.cron`, p));
    event(s.emits, `${f}.emits`);
    exists(s.to, `${f}.to`, ['bus', 'topic']);
  }
  const paths = new Set<string>();
  for (const w of t.webhooks) {
    const f = `webhooks[${w.name}]`;
    if (!/^\/[A-Za-z0-9/_-]*$/.test(w.path)) issues.push(new InvalidOptionError(`${f}.path`, `"${w.path}" must start with / and use [A-Za-z0-9/_-]`));
    if (paths.has(w.path)) issues.push(new DuplicateNameError(`${f}.path`, `two webhooks serve ${w.path}`));
    paths.add(w.path);
    if (!/^[A-Z_][A-Z0-9_]*$/.test(w.verify.secretEnv)) issues.push(new InvalidOptionError(`${f}.verify.secretEnv`, `"${w.verify.secretEnv}" must be an UPPER_SNAKE environment variable name`));
    event(w.emits, `${f}.emits`);
    exists(w.to, `${f}.to`, ['bus', 'topic']);
  }
  for (const b of t.buckets) {
    if (!b.onUpload) continue;
    const f = `buckets[${b.name}].onUpload`;
    const d = event(b.onUpload.emits, `${f}.emits`);
    exists(b.onUpload.to, `${f}.to`, ['bus', 'topic']);
    if (d && !d.schema.safeParse({ bucket: 'b', key: `${b.onUpload.prefix}k`, size: 1, contentType: 'application/octet-stream' }).success) {
      issues.push(new InvalidOptionError(`${f}.emits`, `${d.wireType} must accept { bucket, key, size, contentType } as its data`));
    }
  }
  for (const tb of t.tables) {
    if (!tb.onChange) continue;
    event(tb.onChange.emits, `tables[${tb.name}].onChange.emits`);
    exists(tb.onChange.to, `tables[${tb.name}].onChange.to`, ['bus', 'topic']);
  }
  for (const a of t.alarms) {
    const f = `alarms[${a.name}]`;
    exists(a.on, `${f}.on`, ['queue', 'stream', 'fn']);
    checkDurations(issues, f, { period: a.period });
    if (!(a.threshold >= 0)) issues.push(new InvalidOptionError(`${f}.threshold`, 'must be a number ≥ 0'));
  }
  return issues;
}

/** @throws TopologyError carrying every problem, when there is any. */
export function assertValidTopology(t: Topology): Topology {
  const issues = validateTopology(t);
  if (issues.length) throw new TopologyError(issues);
  return t;
}

function checkQueue(issues: Issues, q: Topology['queues'][number]): void {
  const f = `queues[${q.name}]`;
  checkAttempts(issues, `${f}.maxAttempts`, q.maxAttempts);
  const ok = checkDurations(issues, f, {
    retention: q.retention, deadLetterRetention: q.deadLetterRetention, 'batch.window': q.batch.window,
    ...(q.alarmOnAge ? { alarmOnAge: q.alarmOnAge } : {}),
  });
  checkBatch(issues, f, q.batch.size);
  if (!ok) return;
  if (toSeconds(q.deadLetterRetention) < toSeconds(q.retention)) {
    issues.push(new InvalidOptionError(`${f}.deadLetterRetention`, `${q.deadLetterRetention} is shorter than retention ${q.retention}: dead letters would expire before the events they come from`));
  }
}

function checkFilter(issues: Issues, field: string, where: Filter, sub: SubscriptionSpec, defs: EventDefinition<any>[]): void {
  let clauses: Clause[];
  try {
    clauses = toClauses(where);
  } catch (error) {
    issues.push(new UnportableFilterError(field, (error as Error).message));
    return;
  }
  if (clauses.length > FILTER_LIMITS.maxFields) {
    issues.push(new UnportableFilterError(field, `${clauses.length} fields; at most ${FILTER_LIMITS.maxFields} filter natively everywhere`));
  }
  let values = 0;
  let combinations = 1;
  for (const c of clauses) {
    const cf = `${field}.${c.field}`;
    const core = (CORE_FILTER_FIELDS as readonly string[]).includes(c.field);
    const undeclared = defs.filter((d) => !(c.field in d.extensions));
    if (!core && undeclared.length) {
      issues.push(new UnportableFilterError(cf, `"${c.field}" is neither type, source, subject nor an extension declared by ${undeclared.map((d) => d.wireType).join(', ')}`));
    }
    values += c.values.length + (c.op === 'notIn' ? 1 : 0);
    combinations *= Math.max(1, c.values.length);
    for (const v of c.values) {
      if (v.length > FILTER_LIMITS.maxValueLength) issues.push(new UnportableFilterError(cf, `a value is over ${FILTER_LIMITS.maxValueLength} characters`));
      // Event Grid compares strings without case; lower-case values make every target agree.
      if (c.field !== 'type' && v !== v.toLowerCase()) issues.push(new UnportableFilterError(cf, `"${v}" must be lower-case (some clouds compare without case)`));
    }
  }
  if (values + sub.events.length > FILTER_LIMITS.maxValues) {
    issues.push(new UnportableFilterError(field, `${values + sub.events.length} values in all (event types included); at most ${FILTER_LIMITS.maxValues}`));
  }
  if (combinations > FILTER_LIMITS.maxValueCombinations) {
    issues.push(new UnportableFilterError(field, `${combinations} value combinations; at most ${FILTER_LIMITS.maxValueCombinations}`));
  }
}

function checkAttempts(issues: Issues, field: string, attempts: number): void {
  if (!Number.isInteger(attempts) || attempts < MIN_ATTEMPTS || attempts > MAX_ATTEMPTS) {
    issues.push(new AttemptsOutOfRangeError(field, `${attempts} must be an integer ${MIN_ATTEMPTS}–${MAX_ATTEMPTS}, the range every cloud honours`));
  }
}

function checkBatch(issues: Issues, field: string, size: number): void {
  if (!Number.isInteger(size) || size < 1) issues.push(new InvalidOptionError(`${field}.batch.size`, `${size} must be a positive integer`));
}

/** Reports malformed durations; true when all of them parse. */
function checkDurations(issues: Issues, field: string, durations: Record<string, string>): boolean {
  let ok = true;
  for (const [key, value] of Object.entries(durations)) {
    if (!isDuration(value)) {
      issues.push(new InvalidOptionError(`${field}.${key}`, `"${value}" is not a duration (e.g. 10s, 5m, 4d)`));
      ok = false;
    }
  }
  return ok;
}

function checkName(issues: Issues, field: string, name: string): void {
  if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) {
    issues.push(new InvalidNameError(field, `"${name}" must be lower-case kebab-case, 1–${MAX_NAME_LENGTH} characters, starting with a letter`));
  }
}

function plural(kind: string): string {
  return ({ bus: 'buses', fn: 'functions' } as Record<string, string>)[kind] ?? `${kind}s`;
}
