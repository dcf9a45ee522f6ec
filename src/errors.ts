// One catalogue of error kinds. Each error has a stable code, a message a user can act on,
// a `retryable` flag (mapped to BullMQ retries in src/queue/) and an optional cause.

export type ErrorCode =
  | "NW_CONFIG_INVALID"
  | "NW_CONFIG_NOT_FOUND"
  | "NW_QUERY_SYNTAX"
  | "NW_REDIS_UNREACHABLE"
  | "NW_STORE_UNREACHABLE"
  | "NW_STORE_SCHEMA_TOO_NEW"
  | "NW_FEED_GONE"
  | "NW_FEED_HTTP"
  | "NW_FEED_TIMEOUT"
  | "NW_FEED_TOO_LARGE"
  | "NW_FEED_TOO_MANY_REDIRECTS"
  | "NW_FEED_REDIRECT_LOOP"
  | "NW_FEED_RATE_LIMITED"
  | "NW_FEED_NETWORK"
  | "NW_FEED_TLS"
  | "NW_FEED_UNPARSEABLE"
  | "NW_FEED_NOT_A_FEED"
  | "NW_DELIVERY_FAILED"
  | "NW_SMTP_REJECTED"
  | "NW_INPUT_INVALID"
  | "NW_SERVER_UNPROTECTED";

export interface NewswatchErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** For rate limiting: when the remote asked us to come back, in ms from now. */
  retryAfterMs?: number;
}

export class NewswatchError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: NewswatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NewswatchError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A problem located in a configuration file; printed as `file:line:col: message`. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatConfigProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

export class ConfigError extends NewswatchError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super("NW_CONFIG_INVALID", problems.map(formatConfigProblem).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export function isNewswatchError(err: unknown): err is NewswatchError {
  return err instanceof NewswatchError;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
