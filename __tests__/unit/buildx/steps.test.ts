import { parseStepName } from '../../../src/buildx/steps.js';

describe('step names', () => {
  test.each([
    ['[deps 2/4] RUN make deps', { stage: 'deps', index: 2, total: 4, keyword: 'RUN', platform: undefined }],
    ['[2/3] COPY . /src', { stage: '', index: 2, keyword: 'COPY' }],
    ['[stage-1 4/5] COPY --from=build /a /b', { stage: 'stage-1', index: 4, keyword: 'COPY' }],
    ['[linux/arm64 build 3/5] RUN go build', { stage: 'build', platform: 'linux/arm64', index: 3 }],
    ['[linux/amd64 2/2] RUN true', { stage: '', platform: 'linux/amd64', index: 2 }],
    // A linked copy, as BuildKit names it on Docker 28: the instruction as written, so its line is found.
    ['[build 2/4] LINK COPY --link --from=codegen /gen/table.h gen/table.h', { stage: 'build', keyword: 'COPY', instruction: 'COPY --link --from=codegen /gen/table.h gen/table.h' }],
    ['[release 2/2] LINK ADD --link app.tar /', { keyword: 'ADD', instruction: 'ADD --link app.tar /' }],
    ['[a 1/2] RUN echo LINK COPY', { keyword: 'RUN', instruction: 'RUN echo LINK COPY' }],
  ])('%s', (name, want) => {
    expect(parseStepName(name)).toMatchObject(want);
  });

  test.each(['[internal] load build context', '[auth] sharing credentials for localhost:5001', 'exporting to image', 'importing cache manifest from x'])(
    'not a step: %s',
    (name) => expect(parseStepName(name)).toBeUndefined(),
  );

  test('instruction text is whitespace-squashed', () => {
    expect(parseStepName('[a 1/2] RUN  a \\\n   && b')?.instruction).toBe('RUN a \\ && b');
  });
});
