// A registry that stops sending (or trickles a byte a second) must not hang a run: big blobs may take long,
// so there is no total deadline on them, but every window of `windowMs` spent waiting on the network has to
// bring at least `minBytesPerSecond` on average — curl's --speed-time / --speed-limit. Time the consumer
// spends not reading (backpressure) does not count: only waits on the network do.

export interface StallLimits {
  /** Waiting this long without the minimum throughput aborts the request. */
  windowMs: number;
  /** Average bytes per second a window must bring (0: only a total silence aborts). */
  minBytesPerSecond: number;
}

export const DEFAULT_STALL: StallLimits = { windowMs: 60_000, minBytesPerSecond: 1024 };

/** Watches one request: armed while waiting on the network, aborts `signal` when a window falls short. */
export class StallWatchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private waitStarted = 0;
  private windowWaited = 0;
  private windowBytes = 0;
  /** Set when the watchdog aborted: why, in words for an error message. */
  stalled: string | undefined;

  constructor(private readonly limits: StallLimits) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Waiting for the network starts (headers, the next body chunk, an upload chunk being taken). */
  waiting(): void {
    this.clear();
    this.waitStarted = Date.now();
    this.timer = setTimeout(() => this.windowEnds(), Math.max(1, this.limits.windowMs - this.windowWaited));
    // An open request keeps the process alive by itself; a body nobody reads must not hold it for a window.
    this.timer.unref();
  }

  /** Bytes arrived (or a phase ended with `bytes` 0): the wait stops and counts toward the window. */
  progress(bytes: number): void {
    if (this.timer) {
      this.clear();
      this.windowWaited += Date.now() - this.waitStarted;
    }
    this.windowBytes += bytes;
    if (this.windowWaited >= this.limits.windowMs) this.judge();
  }

  /** The request is over (done, failed or cancelled): no more timers. */
  stop(): void {
    this.clear();
  }

  private windowEnds(): void {
    this.timer = undefined;
    this.windowWaited = this.limits.windowMs;
    this.judge();
    // A window that passed keeps waiting in a fresh one.
    if (!this.stalled) this.waiting();
  }

  private judge(): void {
    const seconds = this.limits.windowMs / 1000;
    if (this.windowBytes === 0 || this.windowBytes < this.limits.minBytesPerSecond * seconds) {
      this.stalled =
        this.windowBytes === 0
          ? `stalled: no bytes for ${seconds} s`
          : `stalled: ${this.windowBytes} bytes in ${seconds} s, under ${this.limits.minBytesPerSecond} bytes/s`;
      this.clear();
      this.controller.abort(new Error(this.stalled));
      return;
    }
    this.windowWaited = 0;
    this.windowBytes = 0;
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The response with its body read under the watchdog. Body failures of any kind (stall, reset, timeout)
 * become `fail(reason)` so a caller sees one registry error line, never a bare DOMException.
 */
export function watchedResponse(res: Response, dog: StallWatchdog, fail: (reason: string) => Error): Response {
  dog.progress(0); // headers arrived
  if (!res.body) {
    dog.stop();
    return res;
  }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      dog.waiting();
      try {
        const { done, value } = await reader.read();
        dog.progress(value?.byteLength ?? 0);
        if (dog.stalled) throw new Error(dog.stalled);
        if (done) {
          dog.stop();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        dog.stop();
        controller.error(fail(dog.stalled ?? `the response broke off (${reasonOf(err)})`));
        reader.cancel().catch(() => undefined);
      }
    },
    cancel(reason) {
      dog.stop();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** An upload body whose every chunk taken by fetch counts as progress (a registry that stops reading stalls). */
export async function* watchedUpload(body: AsyncIterable<Uint8Array> | Buffer, dog: StallWatchdog): AsyncGenerator<Uint8Array> {
  for await (const chunk of Buffer.isBuffer(body) ? pieces(body) : body) {
    dog.progress(chunk.byteLength);
    // Armed before handing the chunk over: fetch stops asking while the socket is full (a registry that
    // does not read), and that wait must count.
    dog.waiting();
    yield chunk;
  }
}

function* pieces(buf: Buffer): Generator<Uint8Array> {
  for (let i = 0; i < buf.length; i += 64 << 10) yield buf.subarray(i, i + (64 << 10));
}

function reasonOf(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.message ?? String(err);
}
