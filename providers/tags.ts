/**
 * Default tags: every taggable resource Herald creates carries the stack, the logical name of the
 * topology resource it realizes and that resource's kind, so a console search, a cost report or a
 * Resource Graph query finds everything one declaration produced. Keys are namespaced so they never
 * collide with the user's tags. One rule for the clouds whose tag keys take `:` (AWS, Azure: aws/tags.ts,
 * azure/tags.ts); GCP's labels fold names into their narrower alphabet (gcp/labels.ts).
 */

/** The tag keys, as data. */
export const TAG_KEYS = { stack: 'herald:stack', logicalName: 'herald:logicalName', kind: 'herald:kind' } as const;

export type Tags = Readonly<Record<string, string>>;

/** The default tags of a resource realizing `logicalName` of `kind` in `stack`. */
export function defaultTags(stack: string, logicalName: string, kind: string): Tags {
  return { [TAG_KEYS.stack]: stack, [TAG_KEYS.logicalName]: logicalName, [TAG_KEYS.kind]: kind };
}
