/** The `ctx` a handler receives, with its outbox: published events are held until the handler succeeds. */
import type { Envelope } from '../contracts/envelope';
import { UndeclaredPublishError } from '../contracts/errors';
import type { DataOf, EventDefinition } from '../contracts/events';
import type { HandlerContext, Logger, PublishOptions } from '../contracts/handler';
import { newEnvelope } from './envelopes';

export interface ContextSettings {
  readonly functionName: string;
  readonly timeoutMs: number;
  /** Wire types the function may publish; undefined allows any. */
  readonly allowedPublishes?: ReadonlySet<string>;
  readonly logger: Logger & { child?(fields: Record<string, unknown>): Logger };
}

export class Context implements HandlerContext {
  /** Events published so far, sent by the pipeline after the handler succeeds. */
  readonly outbox: Envelope[] = [];
  private closed = false;
  private controller?: AbortController;
  private childLog?: Logger;

  constructor(
    private readonly settings: ContextSettings,
    readonly event: Envelope,
    readonly attempt: number,
    private readonly startedAt: number,
  ) {}

  get functionName(): string {
    return this.settings.functionName;
  }

  get correlationId(): string {
    return this.event.correlationid ?? this.event.id;
  }

  get deadline(): Date {
    return new Date(this.startedAt + this.settings.timeoutMs);
  }

  // Created on first use: most handlers never look at the signal, and the hot path should not pay for it.
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  get log(): Logger {
    const { logger } = this.settings;
    this.childLog ??= logger.child
      ? logger.child({ function: this.functionName, eventId: this.event.id, correlationId: this.correlationId })
      : logger;
    return this.childLog;
  }

  async publish<D extends EventDefinition<any>>(definition: D, data: DataOf<D>, options?: PublishOptions): Promise<void> {
    if (this.closed) throw new UndeclaredPublishError(`${this.functionName} published ${definition.wireType} after its attempt ended`);
    const allowed = this.settings.allowedPublishes;
    if (allowed && !allowed.has(definition.wireType)) {
      throw new UndeclaredPublishError(
        `${this.functionName} may not publish ${definition.wireType}; declare it in the function's publishes (it may publish: ${[...allowed].join(', ') || 'nothing'})`,
      );
    }
    const cause = { envelope: this.event, functionName: this.functionName, index: this.outbox.length };
    this.outbox.push(newEnvelope(definition, data, options, cause));
  }

  /** Ends the attempt: later publishes fail, and the signal aborts if `reason` is given. */
  close(reason?: Error): void {
    this.closed = true;
    if (reason) this.controller?.abort(reason);
  }
}
