/**
 * The problems of a refused request, capped: the first MAX_LISTED_PROBLEMS word for word, the rest only
 * counted. A 4 MB batch can hold two million bad items; the answer to it stays a few kilobytes (it was
 * 126 MB, built in seconds while every other request waited). Events whose data was not checked once the
 * list was full are counted apart: whether their data is valid is not known.
 */
import { MAX_LISTED_PROBLEMS, andMore, type SchemaValidationError } from '../../contracts';
import { HttpError } from './http';

/** Why one event was refused. A schema refusal counts each of its issues as a problem. */
export class Refusal {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly message: string,
    readonly schema?: SchemaValidationError,
  ) {}
}

// Read once: the imported binding is a getter chain, and `add` may run millions of times per request.
const LISTED = MAX_LISTED_PROBLEMS;

export class ProblemList {
  private readonly parts: string[] = [];
  private listed = 0;
  private total = 0;
  private uncheckedData = 0;
  private status: Refusal['status'] | undefined;

  /** @param label names the events of a batch in messages, `event` → `event[3]: …`; '' for a lone event */
  constructor(private readonly label = '') {}

  /** Whether nothing was refused. */
  get empty(): boolean {
    return this.total === 0;
  }

  /** Whether no more problems will be listed (later ones are only counted). */
  get full(): boolean {
    return this.listed >= LISTED;
  }

  /** Counts an event whose data was not checked, once the list was full. */
  unchecked(): void {
    this.uncheckedData += 1;
  }

  /** Adds the refusal of the event at `index`. */
  add(refusal: Refusal, index = 0): void {
    this.status ??= refusal.status;
    const { schema } = refusal;
    this.total += schema ? schema.total : 1;
    const room = LISTED - this.listed;
    if (room <= 0) return;
    const at = this.label ? `${this.label}[${index}]: ` : '';
    if (!schema) return this.list(`${at}${refusal.message}`, 1);
    const issues = schema.issues.slice(0, room);
    if (issues.length > 0) this.list(`${at}${schema.eventType} data is invalid: ${issues.join('; ')}`, issues.length);
  }

  /** The refusal of the whole request: the first problem's status, the listed problems and how many more. */
  error(): HttpError {
    const n = this.uncheckedData;
    const unchecked = n > 0 ? `; the data of ${n} more ${n === 1 ? 'event was' : 'events were'} not checked` : '';
    return new HttpError(this.status ?? 400, `${this.parts.join('; ')}${andMore(this.listed, this.total)}${unchecked}`);
  }

  private list(text: string, problems: number): void {
    this.parts.push(text);
    this.listed += problems;
  }
}
