/**
 * Names every cloud's deploy side shares the rule of: a resource's name rule as data (each cloud's
 * `names.ts` lists its own, with links), and how a Pulumi name is fitted to a rule when Pulumi appends a
 * random suffix to make the physical name (auto-naming).
 */
import { createHash } from 'node:crypto';

/** A physical name rule: its length, its characters and where the cloud documents it. */
export interface NameRule {
  readonly maxLength: number;
  readonly pattern: RegExp;
  readonly doc: string;
}

/**
 * The Pulumi name for an auto-named resource: `base` when it fits in `maxLength` less `reserved` (the
 * characters the suffix takes), else a prefix of it plus a hash of the whole, so two long names never
 * collide.
 * @throws RangeError when `base` has a character the rule forbids.
 */
export function fitName(what: string, rule: NameRule, base: string, reserved: number): string {
  if (!rule.pattern.test(base)) throw new RangeError(`"${base}" is not a valid ${what} name (${rule.pattern}); see ${rule.doc}`);
  const room = rule.maxLength - reserved;
  if (base.length <= room) return base;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${base.slice(0, room - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}
