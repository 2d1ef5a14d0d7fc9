// Real webhook payloads from @octokit/webhooks-examples (the payloads GitHub documents), by event and action.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const all = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** A deep copy of the first example of `event` (with `action`, when given), so tests may edit it. */
export function webhookExample(event: string, action?: string, nth = 0): Record<string, unknown> {
  const group = all.find((g) => g.name === event);
  const matches = (group?.examples ?? []).filter((e) => action === undefined || e.action === action);
  const found = matches[nth];
  if (!found) throw new Error(`no webhook example for ${event}${action ? `.${action}` : ''} #${nth}`);
  return structuredClone(found);
}
