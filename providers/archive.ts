/**
 * A bundle as Pulumi code: one `StringAsset` per file of its set, in an `AssetArchive`. Every target hands
 * its code over this way (a Lambda's `code`, a blob's or bucket object's `source`).
 */
import * as pulumi from '@pulumi/pulumi';
import type { Bundle } from './bundle';

/** The archive of a bundle's files, named as in the set. */
export function codeArchive(bundle: Bundle): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive(Object.fromEntries(Object.entries(bundle.files).map(([name, text]) => [name, new pulumi.asset.StringAsset(text)])));
}
