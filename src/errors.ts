// Errors that library code raises about one of its options. The library names an option by its own name (a
// config key such as `lrG`, or an option such as `classIndex`); each front end renders the message with the name
// its user typed (the CLI: the flag, `--lr-g`), so flag names live in the CLI alone.

/** A value of one named option is wrong; `describe(name)` is the message with the option called `name`. */
export class OptionError extends Error {
  override name = 'OptionError';

  constructor(readonly option: string, private readonly describe: (name: string) => string) {
    super(describe(option));
  }

  /** The message with the option called `name` (e.g. its command-line flag). */
  messageFor(name: string): string {
    return this.describe(name);
  }
}
