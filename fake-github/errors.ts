/** An API answer other than success, shaped like GitHub's error bodies. */

export interface ValidationError {
  readonly resource: string;
  readonly code: string;
  readonly field?: string;
  readonly message?: string;
}

const DOCS = "https://docs.github.com/rest";

export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly errors: readonly ValidationError[] | undefined;
  readonly documentationUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The `message` of the response body (the Error's message adds the validation details). */
  readonly githubMessage: string;

  constructor(
    status: number,
    message: string,
    options: {
      errors?: readonly ValidationError[];
      documentationUrl?: string;
      headers?: Record<string, string>;
    } = {},
    cause?: unknown,
  ) {
    const details = (options.errors ?? []).map(
      (error) => error.message ?? `${error.resource}.${error.field ?? "?"} ${error.code}`,
    );
    super(
      details.length === 0 ? message : `${message}: ${details.join("; ")}`,
      cause === undefined ? undefined : { cause },
    );
    this.githubMessage = message;
    this.status = status;
    this.errors = options.errors;
    this.documentationUrl = options.documentationUrl ?? DOCS;
    this.headers = options.headers ?? {};
  }

  body(): Record<string, unknown> {
    return {
      message: this.githubMessage,
      ...(this.errors === undefined ? {} : { errors: this.errors }),
      documentation_url: this.documentationUrl,
      status: String(this.status),
    };
  }
}

export function notFound(): HttpError {
  return new HttpError(404, "Not Found");
}

export function unprocessable(message: string): HttpError {
  return new HttpError(422, message);
}

export function validationFailed(...errors: ValidationError[]): HttpError {
  return new HttpError(422, "Validation Failed", { errors });
}

export function forbiddenForIntegration(): HttpError {
  return new HttpError(403, "Resource not accessible by integration");
}
