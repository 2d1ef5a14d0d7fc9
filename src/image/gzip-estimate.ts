// Compressed size of an uncompressed layer, for sources that only hold the tar (classic-store `docker save`).
// pigz-style: 1 MiB blocks deflated in parallel on libuv's thread pool, each primed with the previous
// block's last 32 KiB as dictionary and ended with a sync flush, so the total matches one `gzip -6` stream
// to within a few bytes per block while using every core.
import { availableParallelism } from 'node:os';
import zlib from 'node:zlib';

const BLOCK = 1 << 20;
const WINDOW = 32 * 1024;
const GZIP_FRAMING = 10 + 8; // header + CRC32/ISIZE trailer
const LEVEL = 6; // what `docker push` and BuildKit use by default

export class GzipSizeEstimator {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private previousTail: Buffer | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly maxInflight = Math.max(2, availableParallelism());
  private total = GZIP_FRAMING;
  private failure: Error | undefined;

  /** Feed uncompressed bytes; resolves when there is room for more (backpressure). */
  async write(chunk: Uint8Array): Promise<void> {
    this.pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.pendingBytes += chunk.byteLength;
    while (this.pendingBytes >= BLOCK) {
      this.dispatch(this.take(BLOCK), false);
      while (this.inflight.size >= this.maxInflight) await Promise.race(this.inflight);
    }
    if (this.failure) throw this.failure;
  }

  /** Flushes the last block and returns the estimated gzip size in bytes. */
  async end(): Promise<number> {
    this.dispatch(this.take(this.pendingBytes), true);
    await Promise.all(this.inflight);
    if (this.failure) throw this.failure;
    return this.total;
  }

  private take(bytes: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    // Copy: the caller's chunks may be reused by the stream that produced them.
    const block = Buffer.from(all.subarray(0, bytes));
    const rest = all.subarray(bytes);
    this.pending = rest.length ? [Buffer.from(rest)] : [];
    this.pendingBytes = rest.length;
    return block;
  }

  private dispatch(block: Buffer, last: boolean): void {
    const options: zlib.ZlibOptions = {
      level: LEVEL,
      finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
      ...(this.previousTail ? { dictionary: this.previousTail } : {}),
    };
    this.previousTail = block.length >= WINDOW ? block.subarray(block.length - WINDOW) : block;
    const job = new Promise<void>((resolve) => {
      zlib.deflateRaw(block, options, (err, out) => {
        if (err) this.failure ??= err;
        else this.total += out.length;
        resolve();
      });
    });
    this.inflight.add(job);
    void job.then(() => this.inflight.delete(job));
  }
}
