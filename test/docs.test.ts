/** The documentation stands alone: every relative link and path it names is in the repository. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown links ([text](target), [label]: target) and code-quoted paths (`docs/x.md`, `../y.md`) of a file. */
function references(text: string): { target: string; fromFile: boolean }[] {
  const refs: { target: string; fromFile: boolean }[] = [];
  for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) refs.push({ target: m[1]!, fromFile: true });
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) refs.push({ target: m[1]!, fromFile: true });
  for (const m of text.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g)) refs.push({ target: m[1]!, fromFile: true });
  for (const m of text.matchAll(/`((?:\.\.?\/|docs\/|src\/|test\/|scripts\/|bin\/|\.ci\/)[^`\s]*)`/g)) {
    refs.push({ target: m[1]!, fromFile: m[1]!.startsWith('.') && !m[1]!.startsWith('.ci/') });
  }
  // Not URLs, anchors, or patterns such as `docs/*.md`.
  return refs.filter((r) => !/^[a-z][a-z0-9+.-]*:/i.test(r.target) && !r.target.startsWith('#') && !/[*?]/.test(r.target));
}

describe('documentation links', () => {
  it.each(DOCS)('every relative link and path in %s is a file or folder in the repository', (doc) => {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    const refs = references(text);
    for (const { target, fromFile } of refs) {
      const file = target.split('#')[0]!;
      const resolved = path.resolve(fromFile ? path.dirname(path.join(ROOT, doc)) : ROOT, file);
      expect(resolved.startsWith(ROOT + path.sep), `${doc}: ${target} leaves the repository`).toBe(true);
      expect(existsSync(resolved), `${doc}: ${target} does not exist`).toBe(true);
    }
  });

  it('the README links the protocol reference and the design under docs/', () => {
    const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(text).toContain('](docs/citi-api.md)');
    expect(text).toContain('](docs/DESIGN.md)');
  });
});

describe('README examples', () => {
  it('every `--data @file` example shows the body of the file first, in the same block', () => {
    const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const blocks = [...text.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const uses = blocks.flatMap((block) => [...block.matchAll(/--data @([^\s-][^\s]*)/g)].map((m) => ({ block, file: m[1]!, at: m.index! })));
    expect(uses.length).toBeGreaterThan(0);
    for (const { block, file, at } of uses) {
      const before = block.slice(0, at);
      expect(before, `the README uses --data @${file} without showing ${file}`).toMatch(new RegExp(`>\\s*${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b[^\\n]*<<\\s*'?(\\w+)'?\\n[\\s\\S]*?\\n\\1\\n`));
    }
  });
});
