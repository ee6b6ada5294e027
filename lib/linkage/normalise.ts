import ipaddr from "ipaddr.js";
import { quoted, WHOLE_SECRET_KEY } from "@/lib/ingest/secrets";
import type { TEntityKind } from "@/lib/linkage/graph-types";

// One rule per entity kind for when two spellings are the same thing. The normalised value is
// the entity's key in its case; the spelling typed or imported is kept on its mention. Usage
// imports are normalised in SQL (usageValueSql) by the same rules, which a test holds equal.

export type TNormalised = { value: string; display: string } | { error: string };

const collapse = (s: string) => s.trim().replace(/\s+/g, " ");

/** Mailbox providers whose addresses ignore dots in the local part (Gmail) or not (Outlook). */
const DOMAIN_ALIASES: Record<string, string> = { "googlemail.com": "gmail.com" };
const IGNORES_DOTS = new Set(["gmail.com"]);
const PLUS_TAGS = new Set([
  "gmail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "fastmail.com",
]);

function normaliseEmail(raw: string): string | null {
  const at = raw.lastIndexOf("@");
  if (at < 1 || at === raw.length - 1 || /\s/.test(raw)) return null;
  let local = raw.slice(0, at).toLowerCase();
  const domainRaw = normaliseDomain(raw.slice(at + 1));
  if (!domainRaw) return null;
  const domain = DOMAIN_ALIASES[domainRaw] ?? domainRaw;
  if (PLUS_TAGS.has(domain)) local = local.split("+")[0]!;
  if (IGNORES_DOTS.has(domain)) local = local.replace(/\./g, "");
  return local ? `${local}@${domain}` : null;
}

function normaliseDomain(raw: string): string | null {
  const bare = raw.trim().replace(/\.$/, "").toLowerCase();
  if (!bare || /[\s/:@]/.test(bare)) return null;
  try {
    // The URL parser applies IDNA (punycode), so "bücher.example" and its xn-- form are one.
    const host = new URL(`http://${bare}`).hostname;
    return /^[a-z0-9.-]+$/.test(host) && host.includes(".") ? host : null;
  } catch {
    return null;
  }
}

/** An address as one spelling: IPv4-mapped IPv6 as IPv4, IPv6 in RFC 5952 form. */
export function normaliseIp(raw: string): string | null {
  const bare = raw.trim().replace(/^\[(.*)\]$/, "$1");
  if (!ipaddr.isValid(bare)) return null;
  const address = ipaddr.process(bare);
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

/** A network as its first address and prefix: "203.0.113.7/24" is "203.0.113.0/24". */
export function normaliseNetwork(raw: string): string | null {
  const text = raw.trim();
  if (!ipaddr.isValidCIDR(text)) return null;
  const [address, prefix] = ipaddr.parseCIDR(text);
  const bytes = address.toByteArray();
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  const first = ipaddr.fromByteArray(bytes);
  const shown = first.kind() === "ipv6" ? (first as ipaddr.IPv6).toRFC5952String() : first.toString();
  return `${shown}/${prefix}`;
}

/** Is the address inside the network (both already valid)? Different families never match. */
export function networkContains(network: string, ip: string): boolean {
  const address = ipaddr.process(ip.trim());
  const [base, prefix] = ipaddr.parseCIDR(network.trim());
  if (address.kind() !== base.kind()) return false;
  return address.match(base, prefix);
}

/**
 * The normalised value of an entity of this kind, and how it is shown. An API key secret is
 * never kept: it becomes the server's keyed hash with its prefix and last four (`redact`), the
 * same form usage imports give it, so the two link.
 */
export function normaliseEntity(kind: TEntityKind, raw: string, redact: (secret: string) => string): TNormalised {
  const text = collapse(raw);
  if (!text) return { error: "The value is empty." };
  if (text.length > 512) return { error: "The value is longer than 512 characters." };
  const fail = (what: string) => ({ error: `${quoted(text, 60)} is not ${what}.` });
  switch (kind) {
    case "EMAIL": {
      const value = normaliseEmail(text);
      return value ? { value, display: text } : fail("an email address");
    }
    case "IP": {
      const value = normaliseIp(text);
      return value ? { value, display: text } : fail("an IP address");
    }
    case "NETWORK": {
      const value = normaliseNetwork(text);
      return value ? { value, display: text } : fail("a network in CIDR form (203.0.113.0/24)");
    }
    case "DOMAIN": {
      const value = normaliseDomain(text);
      return value ? { value, display: text } : fail("a domain name");
    }
    case "ASN": {
      const digits = /^(?:as)?\s*(\d{1,10})$/i.exec(text)?.[1];
      return digits && Number(digits) < 2 ** 32
        ? { value: `AS${Number(digits)}`, display: text }
        : fail("an AS number");
    }
    case "API_KEY": {
      // Key ids are opaque and case-sensitive; a secret is replaced by its redacted form.
      const value = WHOLE_SECRET_KEY.test(text) ? redact(text) : text;
      return { value, display: value };
    }
    default:
      // Account, organisation or project id, payment and device fingerprints, people:
      // identifiers that logs spell with varying case and spacing.
      return { value: text.toLowerCase(), display: text };
  }
}

/**
 * The same rules in SQL, for values read from usage rollups: accounts and the attribute kinds
 * usage imports produce (keys, organisation/project ids, addresses, networks, payment
 * instruments, devices). Addresses and networks arrive from PostgreSQL's inet, already in one form.
 */
export function usageValueSql(kind: TEntityKind, expr: string): string {
  switch (kind) {
    case "API_KEY":
    case "IP":
    case "NETWORK":
      return `btrim(${expr})`;
    case "ACCOUNT":
    case "ORG_ID":
    case "PAYMENT":
    case "DEVICE":
      return `lower(regexp_replace(btrim(${expr}), '\\s+', ' ', 'g'))`;
    default:
      throw new Error(`Usage imports carry no ${kind} values.`);
  }
}
