// BuildKit progress → vertex states. Two inputs: `--progress=rawjson` (client.SolveStatus objects,
// pretty-printed and back to back on stderr, with the odd non-JSON `ERROR:` line between them) and
// `--progress=plain` (`#N name`, `#N CACHED`, `#N DONE 1.2s`, `#N ERROR: …`). Both feed the same
// VertexState list, and both render a plain log for the user as they go. Pure.
import { checkFromRawWarning, checksFromText, type DockerfileCheck, type RawCheckWarning } from './checks.js';

export interface VertexState {
  /** Order of first appearance, 1-based: the `#N` of the plain log. */
  number: number;
  name: string;
  cached: boolean;
  started?: number; // ms since epoch
  completed?: number;
  /** Seconds the vertex ran (from timestamps, or the plain log's `DONE 1.2s`). */
  seconds: number;
  error?: string;
  canceled?: boolean;
}

interface RawVertex {
  digest: string;
  name?: string;
  cached?: boolean;
  started?: string;
  completed?: string;
  error?: string;
}
interface RawLog {
  vertex: string;
  data?: string; // base64
}
interface RawWarning extends RawCheckWarning {
  vertex?: string;
  short?: string; // base64
}
export interface SolveStatus {
  vertexes?: RawVertex[];
  logs?: RawLog[];
  warnings?: RawWarning[];
}

/**
 * Splits a stream of concatenated JSON values (any whitespace between them) and stray text lines.
 * Incremental: chunks may cut a value anywhere. Strings are tracked so braces inside them don't count.
 */
export class JsonStreamSplitter {
  /** Text of the value or line in progress that came in earlier chunks (joined once, when it ends). */
  private carry: string[] = [];
  private unit: 'value' | 'line' | undefined;
  private depth = 0;
  private inString = false;
  private escaped = false;

  feed(chunk: string): { values: unknown[]; lines: string[] } {
    const values: unknown[] = [];
    const lines: string[] = [];
    let unitStart = 0; // where the unit in progress starts in this chunk (0 when it began in an earlier one)
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.unit === undefined) {
        if (/\s/.test(c)) continue;
        unitStart = i;
        if (c === '{' || c === '[') {
          this.unit = 'value';
          this.depth = 1;
          continue;
        }
        this.unit = 'line'; // text between values (buildx's `ERROR: …`): a whole line, once its newline arrives
      }
      if (this.unit === 'line') {
        const nl = chunk.indexOf('\n', i);
        if (nl < 0) break;
        lines.push(this.take(chunk, unitStart, nl).replace(/\r$/, ''));
        this.unit = undefined;
        i = nl;
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 0) {
          const text = this.take(chunk, unitStart, i + 1);
          try {
            values.push(JSON.parse(text));
          } catch {
            lines.push(text);
          }
          this.unit = undefined;
        }
      }
    }
    // Kept as a piece, not appended to one growing string: a long line in many chunks is joined once.
    if (this.unit) this.carry.push(chunk.slice(unitStart));
    return { values, lines };
  }

  /** What is left at the end of the stream (an unterminated line or value), as text. */
  end(): string[] {
    const rest = this.carry.join('').trim();
    this.carry = [];
    this.unit = undefined;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    return rest ? [rest] : [];
  }

  private take(chunk: string, from: number, to: number): string {
    const text = this.carry.length ? this.carry.join('') + chunk.slice(from, to) : chunk.slice(from, to);
    this.carry = [];
    return text;
  }
}

function isoToMs(value?: string): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function decodeBase64(data?: string): string {
  return data ? Buffer.from(data, 'base64').toString('utf8') : '';
}

function fmtSeconds(s: number): string {
  return `${s.toFixed(1)}s`;
}

/** Merges SolveStatus updates by vertex digest and renders each change as plain log lines. */
export class RawJsonProgress {
  private readonly byDigest = new Map<string, VertexState>();
  private readonly reported = new Map<string, { started: boolean; done: boolean }>();
  private readonly splitter = new JsonStreamSplitter();
  /** Non-JSON lines (buildx prints its final `ERROR: …` this way). */
  readonly textLines: string[] = [];
  /** The warnings that are Dockerfile checks, as parsed (repeats included: see dedupeChecks). */
  readonly checks: DockerfileCheck[] = [];

  /** Feeds raw stderr text; returns plain log lines for the user. */
  feed(chunk: string): string[] {
    const { values, lines } = this.splitter.feed(chunk);
    return [...values.flatMap((v) => this.apply(v as SolveStatus)), ...this.text(lines)];
  }

  end(): string[] {
    return this.text(this.splitter.end());
  }

  vertices(): VertexState[] {
    return [...this.byDigest.values()].sort((a, b) => a.number - b.number);
  }

  private text(lines: string[]): string[] {
    this.textLines.push(...lines);
    return lines;
  }

  apply(status: SolveStatus): string[] {
    const out: string[] = [];
    for (const raw of status.vertexes ?? []) {
      if (!raw || typeof raw.digest !== 'string') continue;
      let v = this.byDigest.get(raw.digest);
      if (!v) {
        v = { number: this.byDigest.size + 1, name: String(raw.name ?? raw.digest), cached: false, seconds: 0 };
        this.byDigest.set(raw.digest, v);
        this.reported.set(raw.digest, { started: false, done: false });
      }
      if (typeof raw.name === 'string') v.name = raw.name;
      if (raw.cached) v.cached = true;
      v.started = isoToMs(raw.started) ?? v.started;
      v.completed = isoToMs(raw.completed) ?? v.completed;
      if (typeof raw.error === 'string' && raw.error) {
        if (/context canceled/.test(raw.error)) v.canceled = true;
        else v.error = raw.error;
      }
      if (v.started !== undefined && v.completed !== undefined) v.seconds = Math.max(0, (v.completed - v.started) / 1000);
      const seen = this.reported.get(raw.digest) as { started: boolean; done: boolean };
      if (!seen.started && (v.started !== undefined || v.cached)) {
        seen.started = true;
        out.push(`#${v.number} ${v.name}`);
      }
      if (!seen.done && (v.completed !== undefined || v.error)) {
        seen.done = true;
        if (v.error) out.push(`#${v.number} ERROR: ${v.error}`);
        else if (v.canceled) out.push(`#${v.number} CANCELED`);
        else if (v.cached) out.push(`#${v.number} CACHED`);
        else out.push(`#${v.number} DONE ${fmtSeconds(v.seconds)}`);
      }
    }
    for (const log of status.logs ?? []) {
      const v = this.byDigest.get(log.vertex);
      const text = decodeBase64(log.data).replace(/\n$/, '');
      if (text) out.push(...text.split('\n').map((l) => `#${v?.number ?? '?'} ${l}`));
    }
    for (const w of status.warnings ?? []) {
      const text = decodeBase64(w.short);
      if (text) {
        const check = checkFromRawWarning(w, text);
        if (check) this.checks.push(check);
        out.push(`WARNING: ${text}`);
      }
    }
    return out;
  }
}

/** Reads `--progress=plain` lines into the same vertex states (buildx without rawjson). */
export class PlainProgress {
  private readonly byNumber = new Map<number, VertexState>();
  readonly textLines: string[] = [];

  /** Dockerfile checks from the list buildx prints at the end of a plain log. */
  get checks(): DockerfileCheck[] {
    return checksFromText(this.textLines);
  }
  private pending = '';

  feed(chunk: string): string[] {
    this.pending += chunk;
    if (!chunk.includes('\n')) return []; // a long line in many chunks is split once, when it ends
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    lines.forEach((l) => this.line(l.replace(/\r$/, '')));
    return lines;
  }

  end(): string[] {
    const rest = this.pending;
    this.pending = '';
    if (rest) this.line(rest);
    return rest ? [rest] : [];
  }

  vertices(): VertexState[] {
    return [...this.byNumber.values()].sort((a, b) => a.number - b.number);
  }

  line(text: string): void {
    const m = /^#(\d+) (.*)$/.exec(text);
    if (!m) {
      if (text.trim()) this.textLines.push(text);
      return;
    }
    const n = Number(m[1]);
    const rest = m[2];
    let v = this.byNumber.get(n);
    if (!v) {
      v = { number: n, name: rest, cached: false, seconds: 0 };
      this.byNumber.set(n, v);
      return;
    }
    let s: RegExpExecArray | null;
    if (rest === 'CACHED') v.cached = true;
    else if ((s = /^DONE (\d+(?:\.\d+)?)s$/.exec(rest))) {
      v.seconds = Number(s[1]);
      v.completed = v.completed ?? 0;
    } else if (rest === 'CANCELED') v.canceled = true;
    else if ((s = /^ERROR:? ?(.*)$/.exec(rest))) v.error = s[1] || 'error';
  }
}
