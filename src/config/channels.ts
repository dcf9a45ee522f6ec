import type { ConfigReader, Field, MapEntry } from "./reader.js";
import type { ChannelSpec } from "./types.js";

// Delivery channels of digests and alerts: `{ type: email | slack | webhook | file, … }`.

export const CHANNEL_TYPES = ["email", "slack", "webhook", "file"] as const;
type ChannelType = (typeof CHANNEL_TYPES)[number];

const CHANNEL_KEYS: Record<ChannelType, readonly string[]> = {
  email: ["type", "smtp", "from", "to", "subject", "timeout"],
  slack: ["type", "url", "timeout"],
  webhook: ["type", "url", "secret", "headers", "timeout"],
  file: ["type", "dir", "format"],
};

const REQUIRED_KEYS: Record<ChannelType, readonly string[]> = {
  email: ["smtp", "from", "to"],
  slack: ["url"],
  webhook: ["url"],
  file: ["dir"],
};

export const CHANNEL_DEFAULTS = {
  emailTimeoutMs: 30_000,
  httpTimeoutMs: 10_000,
  fileFormat: "markdown",
} as const;

const FILE_FORMATS = ["markdown", "text", "html", "json"] as const;

/** Reads one channel entry; undefined when it has a problem (already reported). */
export function readChannel(reader: ConfigReader, field: Field): ChannelSpec | undefined {
  const all = reader.entries(field);
  if (all === undefined) return undefined;
  const typeEntry = all.find((entry) => entry.key === "type");
  if (typeEntry === undefined) {
    reader.report(field, `missing required key 'type' (one of ${CHANNEL_TYPES.join(", ")})`);
    return undefined;
  }
  const type = reader.oneOf(typeEntry.field, CHANNEL_TYPES);
  if (type === undefined) return undefined;
  const keys = reader.knownKeys(field, all, CHANNEL_KEYS[type]);
  if (!reader.requireKeys(field, keys, REQUIRED_KEYS[type])) return undefined;
  const get = (key: string): MapEntry => keys.get(key) as MapEntry;
  const optional = <T>(key: string, read: (f: Field) => T | undefined): T | undefined => {
    const entry = keys.get(key);
    return entry === undefined ? undefined : read(entry.field);
  };

  switch (type) {
    case "email": {
      const smtp = readUrl(reader, get("smtp").field, ["smtp:", "smtps:"], "an smtp:// or smtps:// URL");
      const from = readAddress(reader, get("from").field);
      const to = readAddresses(reader, get("to").field);
      const subject = optional("subject", (f) => reader.string(f));
      const timeoutMs = optional("timeout", (f) => readTimeout(reader, f)) ?? CHANNEL_DEFAULTS.emailTimeoutMs;
      if (smtp === undefined || from === undefined || to === undefined) return undefined;
      return subject === undefined
        ? { type, smtp, from, to, timeoutMs }
        : { type, smtp, from, to, subject, timeoutMs };
    }
    case "slack": {
      const url = readUrl(reader, get("url").field, ["http:", "https:"], "an http(s) URL");
      const timeoutMs = optional("timeout", (f) => readTimeout(reader, f)) ?? CHANNEL_DEFAULTS.httpTimeoutMs;
      return url === undefined ? undefined : { type, url, timeoutMs };
    }
    case "webhook": {
      const url = readUrl(reader, get("url").field, ["http:", "https:"], "an http(s) URL");
      const secret = optional("secret", (f) => reader.nonEmptyString(f));
      const headers = optional("headers", (f) => readHeaders(reader, f)) ?? {};
      const timeoutMs = optional("timeout", (f) => readTimeout(reader, f)) ?? CHANNEL_DEFAULTS.httpTimeoutMs;
      if (url === undefined) return undefined;
      return secret === undefined
        ? { type, url, headers, timeoutMs }
        : { type, url, secret, headers, timeoutMs };
    }
    case "file": {
      const dir = reader.nonEmptyString(get("dir").field);
      const format = optional("format", (f) => reader.oneOf(f, FILE_FORMATS)) ?? CHANNEL_DEFAULTS.fileFormat;
      return dir === undefined ? undefined : { type, dir, format };
    }
  }
}

export function readUrl(
  reader: ConfigReader,
  field: Field,
  protocols: readonly string[],
  what: string,
): string | undefined {
  const value = reader.string(field);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !protocols.includes(url.protocol) || url.hostname === "") {
    reader.report(field, `expected ${what}, got '${value}'`);
    return undefined;
  }
  return value;
}

function readTimeout(reader: ConfigReader, field: Field): number | undefined {
  const ms = reader.duration(field);
  if (ms !== undefined && ms <= 0) {
    reader.report(field, "must be longer than 0");
    return undefined;
  }
  return ms;
}

// `desk@example.org` or `Desk <desk@example.org>`.
const ADDRESS = /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

function readAddress(reader: ConfigReader, field: Field): string | undefined {
  const value = reader.string(field);
  if (value === undefined) return undefined;
  if (!ADDRESS.test(value.trim())) {
    reader.report(field, `expected an e-mail address like desk@example.org, got '${value}'`);
    return undefined;
  }
  return value.trim();
}

function readAddresses(reader: ConfigReader, field: Field): string[] | undefined {
  const items = reader.listOrSingle(field);
  if (items === undefined) return undefined;
  if (items.length === 0) {
    reader.report(field, "must list at least one address");
    return undefined;
  }
  const addresses = items.map((item) => readAddress(reader, item));
  return addresses.every((address) => address !== undefined) ? (addresses as string[]) : undefined;
}

function readHeaders(reader: ConfigReader, field: Field): Record<string, string> | undefined {
  const entries = reader.entries(field);
  if (entries === undefined) return undefined;
  const headers: Record<string, string> = {};
  let valid = true;
  for (const entry of entries) {
    const value = reader.string(entry.field);
    if (value === undefined) valid = false;
    else headers[entry.key] = value;
  }
  return valid ? headers : undefined;
}

export function readDeliveries(
  reader: ConfigReader,
  field: Field,
  required: boolean,
): ChannelSpec[] | undefined {
  const items = reader.list(field);
  if (items === undefined) return undefined;
  if (required && items.length === 0) {
    reader.report(field, "must list at least one channel");
    return undefined;
  }
  const channels = items.map((item) => readChannel(reader, item));
  return channels.every((channel) => channel !== undefined) ? (channels as ChannelSpec[]) : undefined;
}
