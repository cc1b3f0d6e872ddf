// Errors that library code raises about its options. The library names an option by its own name (a config key
// such as `lrG`, or an option such as `classIndex`); each front end renders the message with the names its user
// typed (the CLI: the flags, `--lr-g`), so flag names live in the CLI alone.

/** Renders an option's name for the reader: the key itself in the library, the flag in the CLI. */
export type OptionNamer = (option: string) => string;

/** A problem with the value of `option` (and possibly others the message names through `name`). */
export class OptionError extends Error {
  override name = 'OptionError';

  constructor(readonly option: string, private readonly describe: (name: OptionNamer) => string) {
    super(describe((o) => `'${o}'`));
  }

  /** The message with every option it mentions named by `name` (e.g. its command-line flag). */
  messageFor(name: OptionNamer): string {
    return this.describe(name);
  }
}
