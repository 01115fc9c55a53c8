/**
 * Reading `herald:*` stack settings: every optional setting is declared with the empty string as its
 * default (providers/settings.ts, Pulumi.yaml), so a reader takes `''` as "not set". Its own module, with
 * no provider imports, so every provider can read settings without a cycle through the settings list.
 */
import * as pulumi from '@pulumi/pulumi';

/** A reader of plain `herald:*` values that takes the declared empty default as "not set". */
export function settingReader(config: pulumi.Config = new pulumi.Config('herald')): (key: string) => string | undefined {
  return (key) => {
    const value = config.get(key);
    return value === '' ? undefined : value;
  };
}
