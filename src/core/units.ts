// Sizes and percentages as people write them in budgets, and bytes as the report prints them.
// Units are explicit: kB/MB/GB/TB are powers of 10, KiB/MiB/GiB/TiB powers of 2 (a peer silently reads MB as MiB).
import { InputError } from './errors.js';

const DECIMAL: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };
const BINARY: Record<string, number> = { kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

const SIZE_FORM = 'a size such as 150MB, 1.5GiB or 2000000 (bytes); MB = 10^6 bytes, MiB = 2^20';
const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

/** `150MB` → 150000000; `1.5GiB` → 1610612736; `2048` → 2048. `where` names the input for the error. */
export function parseSize(raw: string, where: string): number {
  const m = new RegExp(`^${NUMBER}\\s*([a-zA-Z]*)$`).exec(raw.trim());
  const unit = m?.[2].toLowerCase() ?? '';
  const factor = unit === '' ? 1 : (DECIMAL[unit] ?? BINARY[unit]);
  if (!m || factor === undefined) throw new InputError(`${where}: expected ${SIZE_FORM}, got '${raw}'`);
  const bytes = Number(m[1]) * factor;
  if (!Number.isFinite(bytes) || bytes > Number.MAX_SAFE_INTEGER) {
    throw new InputError(`${where}: size '${raw}' is too large`);
  }
  return Math.round(bytes);
}

/** `5%` → 5 (percent, 0–∞). */
export function parsePercent(raw: string, where: string): number {
  const m = new RegExp(`^${NUMBER}\\s*%$`).exec(raw.trim());
  if (!m) throw new InputError(`${where}: expected a percentage such as 5%, got '${raw}'`);
  return Number(m[1]);
}

/** A ratio 0–1 written as `95%` or `0.95`. */
export function parseRatio(raw: string, where: string): number {
  const v = raw.trim();
  const ratio = v.endsWith('%') ? parsePercent(v, where) / 100 : /^(\d+(\.\d+)?|\.\d+)$/.test(v) ? Number(v) : NaN;
  if (!(ratio >= 0 && ratio <= 1)) throw new InputError(`${where}: expected a ratio such as 95% or 0.95, got '${raw}'`);
  return ratio;
}

/** A whole number ≥ 0. */
export function parseCountValue(raw: string, where: string): number {
  const v = raw.trim();
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new InputError(`${where}: expected a whole number such as 30, got '${raw}'`);
  }
  return Number(v);
}

export function isPercent(raw: string): boolean {
  return raw.trim().endsWith('%');
}

/** Decimal units (MB = 10^6), three significant digits: 212.4 MB, 1.07 GB, 512 B, 3.2 kB. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  const sign = bytes < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${Math.round(abs)} B`;
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [factor, unit] of units) {
    if (abs >= factor * 0.9995) {
      const v = abs / factor;
      return `${sign}${v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
    }
  }
  return `${sign}${abs} B`;
}

/** A delta with its sign: `+38.1 MB`, `-512 B`, `±0 B`. */
export function formatDelta(bytes: number): string {
  if (bytes === 0) return '±0 B';
  return bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes);
}

/** `+21.9 %`, `-3.0 %`, `±0 %`; null (no base) → `new`. */
export function formatPercentDelta(percent: number | null): string {
  if (percent === null) return 'new';
  const rounded = Math.round(percent * 10) / 10;
  if (rounded === 0) return percent === 0 ? '±0 %' : percent > 0 ? '+<0.1 %' : '-<0.1 %';
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(1)} %`;
}

/** A percent value as written in a rule: 10 → `10 %`, 2.5 → `2.5 %`. */
export function formatPercent(percent: number): string {
  return `${Number(percent.toFixed(2))} %`;
}
