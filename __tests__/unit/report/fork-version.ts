// A fork's version of a real report: an attack appended to every string the report validator lets through
// (enums and other checked forms are left as they were), read back the way report mode reads an artifact.
import { parseUntrustedReport } from '../../../src/report/untrusted.js';
import type { Report } from '../../../src/report/types.js';

export const ATTACK =
  ' @acme/security-team @octocat #12 GH-9 acme/app#5 https://github.com/acme/app/issues/7 github.com/acme/app/pull/8 www.evil.io ' +
  'mail@evil.io <img src=x onerror=alert(1)> <a href="https://evil.io">x</a> `x` **b** [l](https://evil.io) &#64;octocat\n| cell |';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function forkVersion(text: string, file: string): { report: Report; attacked: string[] } {
  const json = JSON.parse(text) as Json;
  const leaves: { holder: Record<string, Json> | Json[]; key: string | number; path: string; original: string }[] = [];
  const walk = (node: Json, path: string) => {
    if (Array.isArray(node)) node.forEach((v, i) => visit(node, i, v, `${path}[${i}]`));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) visit(node, k, v, `${path}.${k}`);
  };
  const visit = (holder: Record<string, Json> | Json[], key: string | number, value: Json, path: string) => {
    if (typeof value === 'string') leaves.push({ holder, key, path, original: value });
    else walk(value, path);
  };
  walk(json, '$');
  const set = (l: (typeof leaves)[number], v: string) => ((l.holder as Record<string | number, Json>)[l.key] = v);
  for (const l of leaves) set(l, `${l.original}${ATTACK}`);
  const refused = new Set<string>();
  for (;;) {
    try {
      const report = parseUntrustedReport(JSON.stringify(json), file);
      return { report, attacked: leaves.filter((l) => !refused.has(l.path)).map((l) => l.path) };
    } catch (err) {
      // `file: $.a.b[0].c: expected …`: that field has a checked form; keep the original there.
      const path = /: (\$[^:\s]*): expected/.exec((err as Error).message)?.[1];
      const leaf = leaves.find((l) => l.path === path);
      if (!leaf || refused.has(leaf.path)) throw err;
      refused.add(leaf.path);
      set(leaf, leaf.original);
    }
  }
}
