import { createHash, timingSafeEqual } from "node:crypto";

// Bearer-token access to the API and the dashboard. Both sides are hashed first so the comparison takes
// the same time whatever the length or content of what the client sent.

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** True when the `Authorization` header carries exactly `Bearer <token>`. */
export function hasBearerToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const presented = match?.[1] ?? "";
  // Compare even when the header is missing, so timing says nothing about why access was refused.
  const equal = timingSafeEqual(digest(presented), digest(token));
  return match !== null && equal;
}

/**
 * True for `Bearer <token>`, and for HTTP Basic credentials whose password is the token (any user name):
 * a browser cannot add a bearer header on its own, but prompts for Basic credentials, which keeps the
 * queue dashboard usable without a proxy in front.
 */
export function isAuthorised(authorization: string | undefined, token: string): boolean {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
  if (!basic) return hasBearerToken(authorization, token);
  const decoded = Buffer.from(basic[1] ?? "", "base64").toString("utf8");
  const password = decoded.slice(decoded.indexOf(":") + 1);
  const equal = timingSafeEqual(digest(password), digest(token));
  return decoded.includes(":") && equal;
}

/** Paths behind the token: the JSON API and the queue dashboard. Health, readiness and metrics stay open. */
export function needsToken(path: string): boolean {
  return path === "/api" || path.startsWith("/api/") || path === "/queues" || path.startsWith("/queues/");
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "ip6-localhost"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}
