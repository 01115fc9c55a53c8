/**
 * HTTP in neutral form, for the entries that answer requests (a webhook's ingress on every target): the
 * request as the platform received it, the answer as status and JSON body, and the shape of a binding
 * between them and the platform's native request and response.
 */

/** A request in neutral form. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** Names lower-case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as the client sent it (signatures are computed over these bytes). */
  readonly body: Buffer;
  /** The platform's id of this request, for logs. */
  readonly requestId: string;
}

/** An answer in neutral form: a status and a JSON body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** What `encode` builds a native request from. */
export interface HttpRequestInit {
  /** @default 'POST' */
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A platform's HTTP trigger. */
export interface HttpBinding<Native, Response> {
  readonly name: string;
  detect(event: unknown): event is Native;
  decode(event: Native): HttpRequest;
  /** The native request (tests, `herald invoke` samples). */
  encode(request: HttpRequestInit): Native;
  respond(answer: HttpAnswer): Response;
}
