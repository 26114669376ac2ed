/** Errors the CLI reports in one line, each with its documented exit code. */

export const EXIT = {
  ok: 0,
  api: 1,
  usage: 2,
  auth: 3,
  store: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A second line telling the user what to do. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, unknown profile, malformed input: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

/**
 * Runs a parser that throws RangeError on bad input (util/duration.ts parseWait) and reports that as a
 * usage error; `tooLongHint` is added when the value was refused for being too long.
 */
export function rangeAsUsage<T>(parse: () => T, tooLongHint?: string): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message, /too long/.test(err.message) ? tooLongHint : undefined);
    throw err;
  }
}

/** The server refused our credentials or the user's consent: exit 3. */
export class AuthError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.auth, hint);
  }
}

/** An API or transport failure: exit 1. */
export class ApiError extends CliError {
  constructor(
    message: string,
    hint?: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message, EXIT.api, hint);
  }
}

/** The OS keychain cannot be used: exit 4. */
export class StoreUnavailableError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.store, hint);
  }
}
