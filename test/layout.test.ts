/**
 * The layout rules of DESIGN.md §1, enforced: cloud-neutral code never imports Pulumi or a cloud SDK,
 * each cloud's SDK stays in that cloud's runtime folder, handlers import only the contract, and the
 * neutral core speaks no cloud's dialect (a rule in AWS words belongs in providers/aws/).
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

/** AWS words that mean an AWS rule leaked into the neutral core. */
const AWS_WORDS = /\b(sqs|lambda|kinesis|eventbridge|visibility)|\barns?\b/i;

/** The code of a TypeScript file without its comments (line, block and doc comments); strings are kept. */
export function codeOf(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = closing(text, i, c);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      out += text.slice(i, end === -1 ? text.length : end + 2).replace(/[^\n]/g, '');
      i = end === -1 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

function closing(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return text.length - 1;
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

  it('strips comments and keeps code and strings (the AWS-word scanner itself)', () => {
    expect(codeOf("const a = 1; // an sqs queue\n/** lambda */\nconst b = '// kept';\n/* arn */ const c = `x`;")).to.equal("const a = 1; \n\nconst b = '// kept';\n const c = `x`;");
    expect(AWS_WORDS.test(codeOf('const visibilityMs = 1;'))).to.equal(true);
    expect(AWS_WORDS.test(codeOf('// visibility\nconst leaseMs = 1;'))).to.equal(false);
  });

  it('contracts/ and runtime/ use no AWS words outside comments (arn, sqs, lambda, visibility, kinesis, eventbridge)', () => {
    const found = ['contracts', 'runtime'].flatMap(sources).flatMap((file) => codeOf(readFileSync(path.join(ROOT, file), 'utf8')).split('\n')
      .flatMap((line, i) => (AWS_WORDS.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
    expect(found).to.deep.equal([]);
  });

  it('functions/ import only the contract, the app\'s event definitions and plain npm packages', () => {
    const allowed = (s: string) => s.startsWith('../contracts') || s === '../app/events'
      || (!s.startsWith('.') && !s.startsWith('@pulumi/') && !Object.values(CLOUD_SDKS).some((r) => r.test(s)));
    expect(violations(sources('functions'), (s) => !allowed(s))).to.deep.equal([]);
  });
});
