import { NewswatchError } from "../../errors.js";
import { USER_AGENT } from "../../version.js";
import { describeUrl } from "./channel.js";

// One JSON POST with a time limit. 2xx is success; 408, 425, 429 and 5xx are worth retrying, as are
// timeouts and network failures; any other answer means the request or the configuration is wrong.

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** For messages: "slack webhook", "webhook". */
  what: string;
}

export async function postJson(url: string, body: string, options: PostOptions): Promise<void> {
  const target = `${options.what} ${describeUrl(url)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "user-agent": USER_AGENT,
        ...options.headers,
      },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    const message = timedOut ? `no answer within ${options.timeoutMs} ms` : "could not connect";
    throw new NewswatchError("NW_DELIVERY_FAILED", `${target}: ${message}`, { retryable: true, cause: err });
  }
  // Read the body so the connection can be reused; its text helps explain a refusal.
  const answer = (await response.text().catch(() => "")).slice(0, 200);
  if (response.ok) return;
  const status = response.status;
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  throw new NewswatchError(
    "NW_DELIVERY_FAILED",
    `${target}: HTTP ${status}${answer === "" ? "" : ` (${answer.replace(/\s+/g, " ")})`}`,
    {
      retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  return undefined;
}
