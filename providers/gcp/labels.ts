/**
 * Default labels, GCP's tags: every labelable resource Herald creates carries the stack, the logical name
 * of the topology resource it realizes and that resource's kind, so a console filter or a billing export
 * finds everything one declaration produced. GCP label keys and values are lower-case letters, digits,
 * `_` and `-`, at most 63 characters, so values are folded into that form.
 * @see https://cloud.google.com/resource-manager/docs/labels-overview#requirements
 */

/** The label keys, as data (namespaced so they never collide with the user's labels). */
export const LABEL_KEYS = { stack: 'herald-stack', logicalName: 'herald-name', kind: 'herald-kind' } as const;

export const MAX_LABEL_LENGTH = 63;

export type Labels = Readonly<Record<string, string>>;

/** A value in the label alphabet: lower-cased, other characters as `_`, cut to 63. */
export function labelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, MAX_LABEL_LENGTH);
}

/** The default labels of a resource realizing `logicalName` of `kind` in `stack`. */
export function defaultLabels(stack: string, logicalName: string, kind: string): Labels {
  return { [LABEL_KEYS.stack]: labelValue(stack), [LABEL_KEYS.logicalName]: labelValue(logicalName), [LABEL_KEYS.kind]: labelValue(kind) };
}
