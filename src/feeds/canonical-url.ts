// Canonical URLs (DESIGN.md "Deduplication and stories"): one spelling for every URL variant of an
// article, so that re-polls, tracking links, AMP and mobile copies are recognised as the same article.
// The result is an identity key, not a link to show: it is never fetched.

/** Query parameters that only say how the reader arrived, never which page they asked for. */
const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "gclsrc",
  "dclid",
  "msclkid",
  "yclid",
  "twclid",
  "ttclid",
  "igshid",
  "mc_cid",
  "mc_eid",
  "mkt_tok",
  "_hsenc",
  "_hsmi",
  "_ga",
  "_gl",
  "ref",
  "ref_src",
  "ref_url",
  "referrer",
  "cmpid",
  "cmp",
  "ocid",
  "icid",
  "ncid",
  "spm",
  "smid",
  "smtyp",
  "emc",
  "at_medium",
  "at_campaign",
  "at_link_id",
  "at_link_type",
  "at_link_origin",
  "at_format",
  "at_bbc_team",
  "at_ptr_name",
  "wt.mc_id",
  "wt_mc_id",
  "sr_share",
  "__twitter_impression",
  "oly_anon_id",
  "oly_enc_id",
  "s_cid",
  "ns_mchannel",
  "ns_source",
  "ns_campaign",
  "ns_linkname",
  "ns_fee",
  "cid_source",
  "guccounter",
  "guce_referrer",
  "guce_referrer_sig",
]);

/** Parameter-name prefixes of tracking families (utm_source, utm_medium…, at_custom1…). */
const TRACKING_PREFIXES = ["utm_", "at_custom", "pk_", "mtm_", "__hs"];

/** Parameters whose only job is to ask for the AMP rendering of the same page. */
const AMP_PARAMS = new Map<string, (value: string) => boolean>([
  ["amp", (value) => value === "" || value === "1" || value === "true"],
  ["outputtype", (value) => value.toLowerCase() === "amp"],
]);

const DROPPED_HOST_PREFIXES = ["www.", "m.", "amp."];

/** Characters RFC 3986 calls unreserved: percent-encoding them changes nothing, so decode them. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  if (TRACKING_PARAMS.has(lower)) return true;
  return TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

function isAmpParam(name: string, value: string): boolean {
  const accepts = AMP_PARAMS.get(name.toLowerCase());
  return accepts?.(value) === true;
}

/** `%7e` → `~`, `%2f` → `%2F`: escapes of unreserved characters decoded, the rest upper-cased. */
function normalisePercentEncoding(part: string): string {
  return part.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

function normaliseHost(hostname: string): string {
  let host = hostname.toLowerCase();
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of DROPPED_HOST_PREFIXES) {
      const rest = host.slice(prefix.length);
      // Keep "m.com" and friends: only drop a prefix that leaves a registrable-looking name.
      if (host.startsWith(prefix) && rest.includes(".")) {
        host = rest;
        changed = true;
      }
    }
  }
  return host;
}

function normalisePath(pathname: string): string {
  const segments = pathname.split("/").map(normalisePercentEncoding);
  const kept: string[] = [];
  segments.forEach((segment, index) => {
    const isLast = index === segments.length - 1 || (index === segments.length - 2 && segments.at(-1) === "");
    const lower = segment.toLowerCase();
    if (lower === "amp") return;
    if (isLast && lower === "amp.html") return;
    if (isLast && lower.endsWith(".amp.html")) {
      kept.push(segment.slice(0, -".amp.html".length) + ".html");
      return;
    }
    if (isLast && lower.endsWith(".amp") && segment.length > ".amp".length) {
      kept.push(segment.slice(0, -".amp".length));
      return;
    }
    kept.push(segment);
  });
  let path = kept.join("/").replace(/\/{2,}/g, "/");
  if (path.length > 1 && path.endsWith("/")) path = path.replace(/\/+$/, "");
  return path === "" ? "/" : path;
}

function normaliseQuery(search: string): string {
  if (search.length <= 1) return "";
  const params = search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const name = equals === -1 ? pair : pair.slice(0, equals);
      const value = equals === -1 ? "" : pair.slice(equals + 1);
      return { name: normalisePercentEncoding(name), pair: normalisePercentEncoding(pair), value };
    })
    .filter(({ name, value }) => !isTrackingParam(name) && !isAmpParam(name, value));
  if (params.length === 0) return "";
  // Array.prototype.sort is stable, so repeated names keep their original order.
  params.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `?${params.map(({ pair }) => pair).join("&")}`;
}

/**
 * The canonical form of an article URL: scheme and host lower-cased, default port, `www.`/`m.`/`amp.`
 * and AMP path variants dropped, tracking parameters and the fragment removed, the remaining
 * parameters sorted, the trailing slash dropped and percent-encoding normalised. Anything that is not
 * an absolute http(s) URL is returned trimmed and otherwise untouched.
 */
export function canonicaliseUrl(url: string): string {
  const trimmed = url.trim();
  if (!/^https?:\/\//i.test(trimmed)) return trimmed;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return trimmed;
  }
  const scheme = parsed.protocol.toLowerCase();
  const port = parsed.port === "" ? "" : `:${parsed.port}`;
  const userinfo =
    parsed.username === "" ? "" : `${parsed.username}${parsed.password ? `:${parsed.password}` : ""}@`;
  const host = normaliseHost(parsed.hostname);
  return `${scheme}//${userinfo}${host}${port}${normalisePath(parsed.pathname)}${normaliseQuery(parsed.search)}`;
}
