/**
 * Azure's default tags: Herald's (providers/tags.ts), the same keys as on AWS. They avoid the characters
 * Azure forbids in tag names (`<>%&\?/`).
 * @see https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
 */
export { TAG_KEYS, defaultTags, type Tags } from '../tags';
