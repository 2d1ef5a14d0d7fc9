import { shouldSaveBaseline } from '../../../src/baseline/policy.js';
import { readRunContext } from '../../../src/run-context/event.js';
import { webhookExample } from '../../helpers/webhook-examples.js';

const env = { GITHUB_REPOSITORY: 'Codertocat/Hello-World', GITHUB_ACTOR: 'Codertocat' };

describe('baseline write policy', () => {
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
