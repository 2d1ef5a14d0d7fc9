import { findBaseline } from '../../../src/baseline/find.js';
import type { Baseline } from '../../../src/compare/types.js';
import type { BaselineKey, BaselineStore } from '../../../src/baseline/types.js';
import { image, BASE } from '../compare/fixtures.js';

const key: BaselineKey = { imageKey: 'app', branch: 'main' };
const baseline = (source: Baseline['source'], ref: string): Baseline => ({ source, branch: 'main', ref, analysis: image(ref, [BASE]) });

function store(name: string, behaviour: Baseline | undefined | Error, calls: string[]): BaselineStore {
  return {
    name,
    async load(k) {
      calls.push(`${name}:${k.imageKey}@${k.branch}`);
      if (behaviour instanceof Error) throw behaviour;
      return behaviour;
    },
  };
}

describe('findBaseline', () => {
  test('the first store that has one wins; later stores are not asked', async () => {
    const calls: string[] = [];
    const found = await findBaseline(
      [store('actions-cache', undefined, calls), store('registry', baseline('registry', 'r:main'), calls), store('file', baseline('file', 'f'), calls)],
      key,
    );
    expect(found.baseline?.ref).toBe('r:main');
    expect(found.tried).toEqual(['actions-cache: miss', 'registry: hit (r:main)']);
    expect(found.warnings).toEqual([]);
    expect(calls).toEqual(['actions-cache:app@main', 'registry:app@main']);
  });

  test('a failing store is a warning and the next store is tried', async () => {
    const calls: string[] = [];
    const found = await findBaseline(
      [store('actions-cache', new Error('cache service answered 503\nretry later'), calls), store('registry', baseline('registry', 'r'), calls)],
      key,
    );
    expect(found.baseline?.source).toBe('registry');
    expect(found.tried).toEqual(['actions-cache: error', 'registry: hit (r)']);
    expect(found.warnings).toEqual(['baseline store actions-cache failed for app on main: cache service answered 503 retry later']);
  });

  test('first run: nothing anywhere, no throw', async () => {
    const found = await findBaseline([store('actions-cache', undefined, []), store('registry', new Error('x'), [])], key);
    expect(found.baseline).toBeUndefined();
    expect(found.tried).toEqual(['actions-cache: miss', 'registry: error']);
  });

  test('no stores: no baseline', async () => {
    expect(await findBaseline([], key)).toEqual({ tried: [], warnings: [] });
  });
});
