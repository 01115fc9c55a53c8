/**
 * Default tags: every taggable Azure resource Herald creates carries the stack, the logical name of the
 * topology resource it realizes and that resource's kind, so a cost report or a Resource Graph query
 * finds everything one declaration produced. The keys avoid the characters Azure forbids in tag names
 * (`<>%&\?/`).
 * @see https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
 */

/** The tag keys, as data: the same keys as on AWS. */
export const TAG_KEYS = { stack: 'herald:stack', logicalName: 'herald:logicalName', kind: 'herald:kind' } as const;

export type Tags = Readonly<Record<string, string>>;

/** The default tags of a resource realizing `logicalName` of `kind` in `stack`. */
export function defaultTags(stack: string, logicalName: string, kind: string): Tags {
  return { [TAG_KEYS.stack]: stack, [TAG_KEYS.logicalName]: logicalName, [TAG_KEYS.kind]: kind };
}
