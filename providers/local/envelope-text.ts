/**
 * The JSON text of envelopes already serialised: ingest serialises every event it accepts to hold it to
 * the size limit, and the durable transport stores the same text rather than serialising it a second time.
 * Held weakly by the envelope object, so an entry goes when its envelope does. Envelopes are not changed
 * once built (their attributes are readonly; each handler gets its own parsed copy of the data), so a text
 * stays its envelope's.
 */
import type { Envelope } from '../../contracts';

const texts = new WeakMap<Envelope, string>();

/** Records `text` as `JSON.stringify(envelope)`. */
export function rememberText(envelope: Envelope, text: string): void {
  texts.set(envelope, text);
}

/** The envelope's JSON text: the one recorded, or made now. */
export function envelopeText(envelope: Envelope): string {
  return texts.get(envelope) ?? JSON.stringify(envelope);
}
