// The dependency gate (CI, `npm run deps:gate`): fails when an installed copy of a watched
// package (next, react, next-auth, @prisma/*, pg…) is a version that a known high or critical
// advisory affects. It reads package-lock.json and the advisory list kept in this folder, never
// the network, so it gives the same answer offline; `npm audit` adds the live database where
// the registry's audit endpoint is reachable.
import semver from "semver";

export type TAdvisory = {
  id: string;
  package: string;
  severity: "low" | "moderate" | "high" | "critical";
  title: string;
  /** The affected versions, as a semver range. */
  vulnerable: string;
};

export type TAdvisoryList = { checked: string; watched: string[]; advisories: TAdvisory[] };

/** One installed copy of a package: where the lock file puts it and its version. */
export type TInstalled = { name: string; path: string; version: string };

export type TFinding = TInstalled & { advisory: TAdvisory };

/** Every installed copy of the watched packages, nested copies included, from a v2/v3 lock file. */
export function installedCopies(lock: { packages?: Record<string, { version?: string }> }, watched: string[]) {
  const copies: TInstalled[] = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    if (path.includes("node_modules/") && watched.includes(name) && entry.version)
      copies.push({ name, path, version: entry.version });
  }
  return copies;
}

/** The high and critical advisories that affect an installed copy. */
export function findings(copies: TInstalled[], list: TAdvisoryList): TFinding[] {
  for (const a of list.advisories) {
    if (!list.watched.includes(a.package)) throw new Error(`${a.id} is for ${a.package}, which is not watched.`);
    if (!semver.validRange(a.vulnerable)) throw new Error(`${a.id}: "${a.vulnerable}" is not a semver range.`);
  }
  return copies.flatMap((copy) =>
    list.advisories
      .filter((a) => a.package === copy.name && (a.severity === "high" || a.severity === "critical"))
      .filter((a) => semver.satisfies(copy.version, a.vulnerable, { includePrerelease: true }))
      .map((advisory) => ({ ...copy, advisory })),
  );
}
