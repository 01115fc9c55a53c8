/**
 * The layout rules of DESIGN.md §1, enforced: cloud-neutral code never imports Pulumi or a cloud SDK,
 * each cloud's SDK stays in that cloud's runtime folder, and handlers import only the contract.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
const CLOUD_SDKS: Record<string, RegExp> = {
  aws: /^@aws-sdk\//,
  azure: /^@azure\//,
  gcp: /^@google-cloud\//,
  kafka: /^kafkajs$/,
};

function sources(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.(ts|js)$/.test(name) ? [rel] : [];
  });
}

/** Every import specifier of a file. */
export function importsOf(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[1]!);
}

function violations(files: string[], bad: (specifier: string, file: string) => boolean): string[] {
  return files.flatMap((file) => importsOf(readFileSync(path.join(ROOT, file), 'utf8')).filter((s) => bad(s, file)).map((s) => `${file} imports ${s}`));
}

const runtimeDirs = readdirSync(path.join(ROOT, 'providers')).map((c) => path.join('providers', c, 'runtime'));
const neutral = ['contracts', 'runtime', 'functions', ...runtimeDirs].flatMap(sources);

describe('layout rules', () => {
  it('finds import specifiers in every form (the scanner itself)', () => {
    expect(importsOf(`import a from 'x';\nimport { b } from "y";\nimport 'z';\nconst c = require('w');\nawait import('v');\nexport * from './u';`))
      .to.deep.equal(['x', 'y', 'z', 'w', 'v', './u']);
  });

  it('scans the folders it guards', () => {
    expect(neutral.some((f) => f.startsWith('contracts/'))).to.equal(true);
    expect(neutral.some((f) => f.startsWith('functions/'))).to.equal(true);
  });

  it('contracts/, runtime/, functions/ and providers/*/runtime/ never import @pulumi/*', () => {
    expect(violations(neutral, (s) => s.startsWith('@pulumi/'))).to.deep.equal([]);
  });

  it("a cloud's SDK is imported only in that cloud's runtime folder (kafkajs only in providers/kafka/)", () => {
    const all = ['contracts', 'runtime', 'functions', 'app', 'providers', 'cli', 'index.ts'].flatMap((d) => (d.endsWith('.ts') ? [d] : sources(d)));
    const misplaced = violations(all, (s, file) => Object.entries(CLOUD_SDKS).some(([cloud, sdk]) => {
      if (!sdk.test(s)) return false;
      const home = cloud === 'kafka' ? 'providers/kafka/' : `providers/${cloud}/runtime/`;
      return !file.startsWith(home);
    }));
    expect(misplaced).to.deep.equal([]);
  });

  it('functions/ import only the contract, the app\'s event definitions and plain npm packages', () => {
    const allowed = (s: string) => s.startsWith('../contracts') || s === '../app/events'
      || (!s.startsWith('.') && !s.startsWith('@pulumi/') && !Object.values(CLOUD_SDKS).some((r) => r.test(s)));
    expect(violations(sources('functions'), (s) => !allowed(s))).to.deep.equal([]);
  });
});
