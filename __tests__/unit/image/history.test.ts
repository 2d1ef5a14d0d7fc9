import { alignHistory, cleanCreatedBy, UNKNOWN_INSTRUCTION } from '../../../src/image/history.js';

describe('cleanCreatedBy', () => {
  test.each([
    // BuildKit (recorded from buildx 0.13 on the test bed)
    ['RUN /bin/sh -c rm /app/a.txt # buildkit', 'RUN rm /app/a.txt'],
    ['RUN |1 V=1 /bin/sh -c echo built-$V > /out.txt &&     echo more >> /out.txt # buildkit', 'RUN echo built-$V > /out.txt && echo more >> /out.txt'],
    ['RUN |2 A="x y" B=2 /bin/sh -c make # buildkit', 'RUN make'],
    ['RUN /bin/sh -c echo heredoc > /h.txt\n # buildkit', 'RUN echo heredoc > /h.txt'],
    ['COPY --chown=1:1 /out.txt /app/out.txt # buildkit', 'COPY --chown=1:1 /out.txt /app/out.txt'],
    ['WORKDIR /app', 'WORKDIR /app'],
    ['ENV PATH=/bin', 'ENV PATH=/bin'],
    ['RUN /bin/bash -o pipefail -c curl x | sh # buildkit', 'RUN curl x | sh'],
    // Legacy builder
    ['/bin/sh -c #(nop)  CMD ["/bin/sh"]', 'CMD ["/bin/sh"]'],
    ['/bin/sh -c #(nop) COPY file:6b1a0e8 in /app ', 'COPY file:6b1a0e8 in /app'],
    ['/bin/sh -c apt-get update', 'RUN apt-get update'],
    ['|1 X=1 /bin/sh -c make', 'RUN make'],
    ['make install', 'RUN make install'],
  ])('%j → %j', (raw, clean) => {
    expect(cleanCreatedBy(raw)).toBe(clean);
  });
});

describe('alignHistory', () => {
  test('skips empty_layer entries and pairs the rest with layers in order', () => {
    const a = alignHistory(
      [
        { created_by: 'COPY busybox /bin/busybox # buildkit' },
        { created_by: 'ENV PATH=/bin', empty_layer: true },
        { created_by: 'RUN /bin/sh -c touch /x # buildkit' },
        { created_by: 'CMD ["sh"]', empty_layer: true },
      ],
      2,
    );
    expect(a).toEqual({
      createdBy: ['COPY busybox /bin/busybox # buildkit', 'RUN /bin/sh -c touch /x # buildkit'],
      instructions: ['COPY busybox /bin/busybox', 'RUN touch /x'],
    });
  });

  test('a count mismatch degrades to unknown instructions with a warning', () => {
    const a = alignHistory([{ created_by: 'RUN a' }, { created_by: 'RUN b' }, { created_by: 'RUN c' }], 2);
    expect(a.instructions).toEqual([UNKNOWN_INSTRUCTION, UNKNOWN_INSTRUCTION]);
    expect(a.warning).toBe('history lists 3 layer-creating step(s) but the image has 2 layer(s): instructions are unknown');
  });

  test('missing or malformed history never throws', () => {
    expect(alignHistory(undefined, 1).instructions).toEqual([UNKNOWN_INSTRUCTION]);
    expect(alignHistory('nope' as never, 1).instructions).toEqual([UNKNOWN_INSTRUCTION]);
    expect(alignHistory([null, { created_by: 42 }] as never, 1).instructions).toEqual([UNKNOWN_INSTRUCTION]);
    expect(alignHistory([], 0)).toEqual({ createdBy: [], instructions: [] });
  });
});
