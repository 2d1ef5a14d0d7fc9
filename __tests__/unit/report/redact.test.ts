import { isSecretName, redactDeep, redactText, secretValues } from '../../../src/report/redact.js';

test('secret-looking build-arg names, as BuildKit judges ARG and ENV keys', () => {
  for (const name of ['TOKEN', 'NPM_TOKEN', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'api_key', 'APIKEY', 'SENTRY_AUTH', 'PASSWD', 'private_key', 'credentials']) {
    expect([name, isSecretName(name)]).toEqual([name, true]);
  }
  for (const name of ['VERSION', 'NODE_VERSION', 'KEYRINGDIR_PATH', 'MONKEY', 'TOKENIZER_MODEL', 'BUILD_DATE']) {
    expect([name, isSecretName(name)]).toEqual([name, false]);
  }
});

test('values are replaced everywhere in plain data, longest first; other args and keys stay', () => {
  const values = secretValues({ TOKEN: 'hunter2', NPM_TOKEN: 'hunter2-long', VERSION: '1.2.3', EMPTY_TOKEN: '' });
  expect(values).toEqual(['hunter2-long', 'hunter2']);
  expect(redactText('RUN |2 NPM_TOKEN=hunter2-long TOKEN=hunter2 /bin/sh -c make v1.2.3', values)).toBe('RUN |2 NPM_TOKEN=*** TOKEN=*** /bin/sh -c make v1.2.3');
  const data = { hunter2: ['echo hunter2', { deep: 'a hunter2 b' }], n: 3, ok: true, none: null };
  expect(redactDeep(data, values)).toEqual({ hunter2: ['echo ***', { deep: 'a *** b' }], n: 3, ok: true, none: null });
  expect(redactDeep(data, [])).toBe(data);
});
