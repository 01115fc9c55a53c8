/**
 * JSON text as it arrives over the wire: bytes that must be UTF-8 (RFC 8259 §8.1), then JSON. Buffer's
 * own decoding silently turns invalid bytes into U+FFFD, so a request could be accepted with its strings
 * changed; here they are refused. A `\uD800`-style escape of half a surrogate pair is refused for the
 * same reason: no UTF-8 encoding exists for it, and every transport would have to rewrite it.
 */

// Fatal: throws a TypeError on invalid input instead of substituting.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

// Only a text with a surrogate escape can parse to a lone surrogate (raw ones are invalid UTF-8).
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bytes that are not valid JSON text; the message completes "malformed JSON: …". */
export class JsonTextError extends SyntaxError {
  override readonly name = 'JsonTextError';
}

/**
 * Parses JSON from bytes.
 * @throws JsonTextError for invalid UTF-8, malformed JSON or a lone surrogate, saying which
 */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new JsonTextError('the body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JsonTextError(`the body is not JSON (${(error as Error).message})`);
  }
  if (SURROGATE_ESCAPE.test(text) && holdsLoneSurrogate(value)) {
    throw new JsonTextError('a string holds an unpaired UTF-16 surrogate escape, which has no UTF-8 form');
  }
  return value;
}

// Iterative: a hostile body can nest arrays a million deep, past any call stack.
function holdsLoneSurrogate(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}
