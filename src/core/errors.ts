/**
 * Typed errors. Each has a `name` (so logs and `instanceof`-free checks can tell them apart) and keeps
 * its `cause`. Expected failures become a check run or a comment for the user; anything else fails the
 * delivery loudly.
 */

export interface SourcePosition {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

export interface ConfigProblem extends SourcePosition {
  readonly message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.message}`;
}

/** The user's configuration is invalid; `problems` name file, line and column. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: ErrorOptions) {
    super(problems.map(formatProblem).join("\n"), options);
    this.problems = problems;
  }
}

/** A string that should be an image reference is not one. */
export class InvalidImageReference extends Error {
  override readonly name = "InvalidImageReference";
  readonly input: string;

  constructor(input: string, reason: string, options?: ErrorOptions) {
    super(`invalid image reference "${input}": ${reason}`, options);
    this.input = input;
  }
}

/** An edit did not produce exactly the intended change; nothing is written. */
export class EditVerificationFailed extends Error {
  override readonly name = "EditVerificationFailed";
  readonly file: string;

  constructor(file: string, reason: string, options?: ErrorOptions) {
    super(`${file}: the edit did not verify: ${reason}`, options);
    this.file = file;
  }
}

/** Somebody else changed what we were about to change (a ref moved under us). Re-read and retry. */
export class Conflict extends Error {
  override readonly name = "Conflict";
}

/** The user asked for something the rules do not allow; the reason is for the user. */
export class PolicyDenied extends Error {
  override readonly name = "PolicyDenied";
}

/** Input from outside (a webhook, a registry, a command line) is malformed; the reason is for the sender. */
export class BadInput extends Error {
  override readonly name = "BadInput";
}
