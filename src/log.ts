import { type Logger, pino } from "pino";

export type { Logger };

/** The root logger: JSON lines to stderr, secrets redacted. Child loggers per worker and per job. */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? "newswatch",
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: {
        paths: [
          "password",
          "*.password",
          "authorization",
          "*.authorization",
          "headers.authorization",
          "*.headers.authorization",
          "token",
          "*.token",
          "secret",
          "*.secret",
        ],
        censor: "[redacted]",
      },
      base: { pid: process.pid },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** Strip user:password from URLs before they reach a log line or an error message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    // A token is often passed as the user name alone: hide both parts.
    if (u.username) u.username = "***";
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
