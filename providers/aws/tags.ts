/**
 * AWS's default tags: Herald's (providers/tags.ts). AWS allows `:` in tag keys, and reserves only the
 * `aws:` prefix.
 */
export { TAG_KEYS, defaultTags, type Tags } from '../tags';
