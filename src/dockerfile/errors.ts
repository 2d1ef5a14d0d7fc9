import { InputError } from '../core/errors.js';

/** One-line error: `<file>:<line>: <what is wrong> (expected <what>)`. */
export function inputError(file: string, line: number | undefined, problem: string, expected: string): InputError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new InputError(`${where}: ${problem} (expected ${expected})`);
}
