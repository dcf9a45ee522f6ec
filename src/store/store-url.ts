import path from "node:path";
import { NewswatchError } from "../errors.js";

// Reads `store.url` / DATABASE_URL into where the store lives. Pure: the working directory comes in.

export type StoreLocation =
  | { engine: "sqlite" /** ":memory:" or an absolute file path. */; file: string }
  | {
      engine: "postgres";
      /** Connection string without newswatch's own parameters (`schema`). */
      connectionString: string;
      /** host:port/database, with no credentials: safe for messages and logs. */
      displayName: string;
      host: string;
      port: number;
      schema: string | undefined;
    };

// Lower-case only: PostgreSQL folds unquoted names in search_path to lower case.
const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

export function parseStoreUrl(url: string, cwd: string, schemaOption?: string): StoreLocation {
  if (url.startsWith("sqlite:")) {
    const file = url.slice("sqlite:".length);
    if (file === "") throw invalidUrl(url, "a file path is missing after `sqlite:`");
    if (file === ":memory:") return { engine: "sqlite", file };
    return { engine: "sqlite", file: path.resolve(cwd, file) };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (cause) {
      throw invalidUrl(url, "it is not a valid URL", cause);
    }
    const schema = parsed.searchParams.get("schema") ?? schemaOption;
    parsed.searchParams.delete("schema");
    if (schema !== undefined && !schemaNamePattern.test(schema)) {
      throw invalidUrl(url, `schema name "${schema}" must be lower-case letters, digits and underscores`);
    }
    const host = parsed.hostname === "" ? "localhost" : parsed.hostname;
    const port = parsed.port === "" ? 5432 : Number(parsed.port);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
    return {
      engine: "postgres",
      connectionString: parsed.toString(),
      displayName: `${host}:${port}${database === "" ? "" : `/${database}`}`,
      host,
      port,
      schema,
    };
  }
  throw invalidUrl(url, "expected sqlite:PATH, sqlite::memory: or postgres://…");
}

function invalidUrl(url: string, problem: string, cause?: unknown): NewswatchError {
  // Only the scheme is echoed back: the rest may hold a password.
  const scheme = url.split(":")[0] ?? "";
  return new NewswatchError("NW_INPUT_INVALID", `store.url (scheme "${scheme}:"): ${problem}`, { cause });
}
