/**
 * Default tags: every taggable AWS resource Herald creates carries the stack, the logical name of the
 * topology resource it realizes and that resource's kind, so a console search or a cost report finds
 * everything one declaration produced. Keys are namespaced so they never collide with the user's tags.
 */

/** The tag keys, as data. */
export const TAG_KEYS = { stack: 'herald:stack', logicalName: 'herald:logicalName', kind: 'herald:kind' } as const;

export type Tags = Readonly<Record<string, string>>;

/** The default tags of a resource realizing `logicalName` of `kind` in `stack`. */
export function defaultTags(stack: string, logicalName: string, kind: string): Tags {
  return { [TAG_KEYS.stack]: stack, [TAG_KEYS.logicalName]: logicalName, [TAG_KEYS.kind]: kind };
}
