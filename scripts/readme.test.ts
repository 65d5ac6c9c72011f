import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig, readConfigFile } from '../lib/config';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

interface Fence {
  lang: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The prose paragraph just before the block. */
  before: string;
}

/** The README's fenced code blocks, as CommonMark reads them: a fence closes only with a fence of at least its length. */
function fences(markdown: string): { blocks: Fence[]; unclosed: Fence | null } {
  const lines = markdown.split('\n');
  const blocks: Fence[] = [];
  let open: (Fence & { marker: string; bodyLines: string[] }) | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const match = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
    if (!open) {
      if (!match) continue;
      const before = lines.slice(Math.max(0, i - 4), i).join('\n');
      open = { lang: match[2] ?? '', body: '', line: i + 1, before, marker: match[1]!, bodyLines: [] };
    } else if (match && match[1]![0] === open.marker[0] && match[1]!.length >= open.marker.length && match[2] === '') {
      blocks.push({ lang: open.lang, body: open.bodyLines.join('\n'), line: open.line, before: open.before });
      open = null;
    } else {
      open.bodyLines.push(line);
    }
  }
  return { blocks, unclosed: open };
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('README', () => {
  const { blocks, unclosed } = fences(readme);

  it('closes every fenced block', () => {
    assert.equal(unclosed, null, unclosed ? `the block opened at line ${unclosed.line} is never closed` : '');
    assert.ok(blocks.length > 10, 'the README has its code blocks');
    // A heading inside a block is the sign of a fence closed in the wrong place.
    for (const block of blocks) {
      if (block.lang === 'sh' || block.lang === '') continue;
      assert.doesNotMatch(block.body, /^#{2,} /m, `the ${block.lang} block at line ${block.line} holds a heading: a fence is misplaced`);
    }
  });

  it('has only valid JSON in its json blocks', () => {
    const json = blocks.filter((b) => b.lang === 'json');
    assert.ok(json.length >= 5);
    for (const block of json) {
      assert.doesNotThrow(() => JSON.parse(block.body), `the json block at line ${block.line} is not valid JSON`);
    }
  });

  it('shows codeflow.config.json examples the config schema accepts', () => {
    const CONFIG_KEYS = new Set(['region', 'accounts', 'clusters', 'orgName', 'roleMapping', 'incidents', 'maintenance', 'dr', 'policy']);
    const examples = blocks.filter((b) => {
      if (b.lang !== 'json') return false;
      const value = JSON.parse(b.body) as unknown;
      return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).some((k) => CONFIG_KEYS.has(k));
    });
    // incidents, maintenance and DR, policy at least
    assert.ok(examples.length >= 3, `found ${examples.length} config examples`);
    const dir = mkdtempSync(join(tmpdir(), 'codeflow-readme-'));
    try {
      for (const block of examples) {
        writeFileSync(join(dir, 'codeflow.config.json'), block.body);
        const file = readConfigFile(dir);
        assert.doesNotThrow(() => parseConfig({}, file), `the codeflow.config.json example at line ${block.line} is rejected`);
      }
      // And the checker checks: a wrong key is refused.
      writeFileSync(join(dir, 'codeflow.config.json'), JSON.stringify({ incidents: { matrix: [{ afterMinutes: 'soon' }] } }));
      assert.throws(() => parseConfig({}, readConfigFile(dir)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('links only to headings that exist', () => {
    const outside = readme.replace(/^ {0,3}```[\s\S]*?^ {0,3}```/gm, '');
    const anchors = new Set([...outside.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
    const links = [...outside.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    for (const link of links) assert.ok(anchors.has(link), `#${link} names no heading`);
  });
});
