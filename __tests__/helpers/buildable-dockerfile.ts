// A corpus Dockerfile → one the test bed can build with the same stage graph, so BuildKit can be the oracle
// for which stages a target needs. The text is changed as little as possible and never where the graph is
// decided (FROM lines, flags beside --from, mount options other than paths):
//   - external images come from the local base image through named build contexts (no Docker Hub here);
//   - `# syntax=` cannot pull its frontend: it becomes `# check=skip=all`, so the engine's own applies;
//   - RUN without --mount is dropped; RUN with mounts keeps its flags (paths made safe) and runs true;
//   - COPY/ADD copy a wildcard that matches nothing (BuildKit allows that), heredoc COPYs stay as they are;
//     `--chown` owners become 0:0 (`--link` resolves names in the base, which has no such users);
//   - USER lines go (the base has no such users); ONBUILD triggers get the same treatment;
//   - each stage ends with `COPY .lw/marker /.lw-stage-<index>`: a step unique to the stage, whose vertex
//     name tells which stages BuildKit solved.
import { lexDockerfile, type LexedInstruction } from '../../src/dockerfile/lexer.js';
import type { StageGraph } from '../../src/dockerfile/types.js';

export const MARKER_FILE = '.lw/marker';
const NOTHING = '.lw-none*';

export interface BuildableDockerfile {
  text: string;
  /** Named build contexts: image reference (familiar form) → `docker-image://<base>`. */
  contexts: Record<string, string>;
}

export interface BuildableOptions {
  /** The local image every external image is replaced with. */
  baseImage: string;
  /** Engine version: flags its built-in frontend does not know yet are removed. */
  engineVersion: string;
}

/** The stage index a progress vertex name marks (`[build 3/3] COPY .lw/marker /.lw-stage-4` → 4). */
export function markedStage(vertexName: string): number | undefined {
  const m = /COPY \.lw\/marker \/\.lw-stage-(\d+)$/.exec(vertexName);
  return m ? Number(m[1]) : undefined;
}

/** `# syntax=` → `# check=skip=all`: same line count, still a directive, no frontend image to pull. */
export function withoutSyntaxDirective(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=/.exec(lines[i]);
    if (!m) break;
    if (m[1].toLowerCase() === 'syntax') lines[i] = '# check=skip=all';
  }
  return lines.join('\n');
}

/** Flags the engine's built-in frontend refuses as unknown: --parents (stable in 1.20), --exclude (1.19). */
export function withoutUnsupportedFlags(text: string, engineVersion: string): string {
  const [major, minor] = (/^v?(\d+)\.(\d+)/.exec(engineVersion) ?? ['', '0', '0']).slice(1).map(Number);
  let out = text.replace(/[ \t]+--parents(=\S*)?(?=[ \t])/g, '');
  if (major < 28 || (major === 28 && minor < 5)) out = out.replace(/[ \t]+--exclude=("[^"]*"|'[^']*'|\S+)(?=[ \t])/g, '');
  return out;
}

export function buildableDockerfile(text: string, graph: StageGraph, opts: BuildableOptions): BuildableDockerfile {
  const source = withoutUnsupportedFlags(withoutSyntaxDirective(text.replace(/\r\n/g, '\n')), opts.engineVersion);
  const lines = source.split('\n');
  const lexed = lexDockerfile(source, graph.file).instructions;
  const out: string[] = [...lines];
  let stage = -1;
  const stageEnds: number[] = [];
  for (const ins of lexed) {
    const keyword = ins.keyword.toUpperCase();
    if (keyword === 'FROM') stage++;
    if (stage >= 0) stageEnds[stage] = ins.endLine;
    const replacement = keyword === 'ONBUILD' && ins.trigger ? onbuild(ins.trigger) : rewrite(ins, keyword);
    if (replacement === undefined) continue;
    for (let l = ins.line; l <= ins.endLine; l++) out[l - 1] = '#';
    out[ins.line - 1] = replacement;
  }
  stageEnds.forEach((end, index) => {
    out[end - 1] += `\nCOPY ${MARKER_FILE} /.lw-stage-${index}`;
  });
  return { text: out.join('\n') + '\n', contexts: imageContexts(graph, opts.baseImage) };
}

/** The new text of an instruction, '#' to drop it, or undefined to keep it as written. */
function rewrite(ins: LexedInstruction, keyword: string): string | undefined {
  if (keyword === 'USER') return '#';
  if (keyword === 'RUN') {
    if (!ins.flags.some((f) => f.startsWith('--mount'))) return '#';
    // Sources become `/` (a path that exists), targets unique top-level paths (a target inside another
    // mount, e.g. under a read-only bind of the context, needs directories the transformed context lacks).
    let n = 0;
    const flags = flagText(ins)
      .replace(/((?:^|[,"'=\s])(?:source|src)=)[^,\s"']*/gi, '$1/')
      .replace(/((?:^|[,"'=\s])(?:target|dst|destination)=)[^,\s"']*/gi, (_m, key: string) => `${key}/.lw-mount-${n++}`);
    return `RUN ${flags} ["/bin/true"]`;
  }
  if (keyword === 'COPY' || keyword === 'ADD') {
    if (ins.heredocs.length) return undefined;
    const dest = ins.json ? ins.json[ins.json.length - 1] : ins.args.split(/[ \t]+/).pop();
    // Owners by name need that user in the image (the base has none): numeric ones keep the flag where it was.
    const flags = keyword === 'COPY' ? flagText(ins).replace(/--chown=("[^"]*"|'[^']*'|\S+)/g, '--chown=0:0') : '';
    return `COPY ${flags ? `${flags} ` : ''}${NOTHING} ${dest}`;
  }
  return undefined;
}

function onbuild(trigger: LexedInstruction): string | undefined {
  const inner = rewrite(trigger, trigger.keyword.toUpperCase());
  if (inner === undefined) return undefined;
  return inner === '#' ? '#' : `ONBUILD ${inner}`;
}

/** The flags as written (quotes and all): the logical line between the keyword and the arguments. */
function flagText(ins: LexedInstruction): string {
  const rest = ins.original.trim().slice(ins.keyword.length).trimStart();
  return rest.slice(0, rest.length - ins.args.length).trim();
}

/** Every image the needed stages read, keyed as BuildKit looks named contexts up (familiar, no :latest). */
function imageContexts(graph: StageGraph, baseImage: string): Record<string, string> {
  const refs = new Set<string>();
  for (const s of graph.stages) {
    if (s.base.kind === 'image') refs.add(s.base.ref);
    for (const u of s.uses) if (u.image) refs.add(u.image);
  }
  return Object.fromEntries([...refs].map((r) => [familiar(r), `docker-image://${baseImage}`]));
}

/** An image reference as BuildKit names its named context: no docker.io/ or library/, no :latest. */
export function familiar(ref: string): string {
  let r = ref.replace(/^(?:index\.)?docker\.io\//, '');
  const first = r.split('/')[0];
  const hasDomain = r.includes('/') && (/[.:]/.test(first) || first === 'localhost');
  if (!hasDomain) r = r.replace(/^library\/(?=[^/]+$)/, '');
  return r.replace(/:latest$/, '');
}
