/**
 * A problem with what the user gave us: an input, a flag, a file. The message is one line naming the input
 * (and file:line when there is one) and what was expected. The CLI exits 2 on it; the action fails with it.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
