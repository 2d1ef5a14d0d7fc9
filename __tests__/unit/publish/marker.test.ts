import { commentBodyLimit, isStickyComment, stickyBody, stickyMarker, MAX_COMMENT_CHARS } from '../../../src/publish/marker.js';
import { escapeKeyPart } from '../../../src/core/keys.js';

describe('sticky comment marker', () => {
  test('versioned marker with the key', () => {
    expect(stickyMarker('web')).toBe('<!-- layerwise:v1 key=web -->');
  });

  test('keys cannot end the HTML comment or add lines', () => {
    const key = 'a --> <img src=x> b\nc';
    const m = stickyMarker(key);
    expect(m.match(/-->/g)).toHaveLength(1);
    expect(escapeKeyPart(key)).toMatch(/^[A-Za-z0-9_%]+$/);
    expect(escapeKeyPart('x--y')).toBe('x%2D%2Dy');
    expect(escapeKeyPart('docker/Dockerfile.prod')).toBe('docker%2FDockerfile%2Eprod');
    // Distinct keys stay distinct.
    expect(escapeKeyPart('a-b')).not.toBe(escapeKeyPart('a b'));
  });

  test('matches by first-line marker and author (case-insensitive login)', () => {
    const body = `${stickyMarker('web')}\nreport`;
    expect(isStickyComment({ id: 1, body, user: { login: 'GitHub-Actions[bot]' } }, 'web', 'github-actions[bot]')).toBe(true);
    expect(isStickyComment({ id: 1, body: body.replace('\n', '\r\n'), user: { login: 'github-actions[bot]' } }, 'web', 'github-actions[bot]')).toBe(true);
    expect(isStickyComment({ id: 1, body, user: { login: 'mallory' } }, 'web', 'github-actions[bot]')).toBe(false);
    expect(isStickyComment({ id: 1, body, user: null }, 'web', 'github-actions[bot]')).toBe(false);
    expect(isStickyComment({ id: 1, body: `quote\n${body}`, user: { login: 'github-actions[bot]' } }, 'web', 'github-actions[bot]')).toBe(false);
    expect(isStickyComment({ id: 1, body, user: { login: 'github-actions[bot]' } }, 'web2', 'github-actions[bot]')).toBe(false);
  });

  test('body under the limit is kept whole; over it is cut at a line with a note', () => {
    expect(stickyBody('k', 'hello')).toBe(`${stickyMarker('k')}\nhello`);
    const long = 'x'.repeat(100) + '\n';
    const cut = stickyBody('k', long.repeat(1000));
    expect(cut.length).toBeLessThan(MAX_COMMENT_CHARS);
    expect(cut.length).toBeGreaterThan(MAX_COMMENT_CHARS - 300);
    expect(cut).toMatch(/\n\n_…cut to fit GitHub's comment limit; the full report is in the job summary and the JSON report\._$/);
    expect(cut.split('\n').slice(1, -2).every((l) => l === 'x'.repeat(100))).toBe(true);
  });

  test('never leaves half a surrogate pair', () => {
    const cut = stickyBody('k', '📦'.repeat(40_000), 1000);
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});

test('commentBodyLimit leaves room for the marker line', () => {
  const body = 'x'.repeat(commentBodyLimit('web'));
  expect(stickyBody('web', body)).toBe(`${stickyMarker('web')}\n${body}`);
  expect(stickyBody('web', body).length).toBeLessThan(MAX_COMMENT_CHARS);
});
