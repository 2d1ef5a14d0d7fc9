import { baselineCacheKey, baselineKeyPrefix, shouldSaveBaseline } from '../../../src/github/baseline-cache.js';
import { readRunContext } from '../../../src/github/run-context.js';
import { webhookExample } from '../../helpers/webhook-examples.js';

const env = { GITHUB_REPOSITORY: 'Codertocat/Hello-World', GITHUB_ACTOR: 'Codertocat' };

describe('baseline cache keys and policy', () => {
  test('keys: prefix per image and branch, unique per run, no prefix collisions, valid for the cache service', () => {
    const key = { imageKey: 'web', branch: 'main' };
    expect(baselineKeyPrefix(key)).toBe('layerwise-baseline-v1-web-main-');
    expect(baselineCacheKey(key, '123-1')).toBe('layerwise-baseline-v1-web-main-123%2D1');
    expect(baselineCacheKey({ imageKey: 'web', branch: 'main-old' }, '1').startsWith(baselineKeyPrefix(key))).toBe(false);
    expect(baselineCacheKey({ imageKey: 'web-x', branch: 'main' }, '1').startsWith(baselineKeyPrefix(key))).toBe(false);
    const odd = baselineCacheKey({ imageKey: 'a,b c', branch: 'feat/x,y' }, '1');
    expect(odd).not.toMatch(/[, ]/);
  });

  test('saved on branch pushes, schedules and dispatches; never from PRs, forks, dependabot or merge queues', () => {
    const push = readRunContext({ eventName: 'push', payload: webhookExample('push', undefined, 4), env: { ...env, GITHUB_REF: 'refs/heads/master' } });
    expect(shouldSaveBaseline(push)).toBe(true);
    const tag = readRunContext({ eventName: 'push', payload: webhookExample('push'), env: { ...env, GITHUB_REF: 'refs/tags/v1' } });
    expect(shouldSaveBaseline(tag)).toBe(false);
    const bot = readRunContext({ eventName: 'push', payload: webhookExample('push', undefined, 4), env: { ...env, GITHUB_REF: 'refs/heads/master', GITHUB_ACTOR: 'dependabot[bot]' } });
    expect(shouldSaveBaseline(bot)).toBe(false);
    const pr = readRunContext({ eventName: 'pull_request', payload: webhookExample('pull_request', 'opened'), env });
    expect(shouldSaveBaseline(pr)).toBe(false);
    const queue = readRunContext({ eventName: 'merge_group', payload: webhookExample('merge_group'), env });
    expect(shouldSaveBaseline(queue)).toBe(false);
    const dispatch = readRunContext({ eventName: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), env });
    expect(shouldSaveBaseline(dispatch)).toBe(true);
  });
});
