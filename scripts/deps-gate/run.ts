// npm run deps:gate: the dependency gate over this checkout's package-lock.json (see gate.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import { findings, installedCopies, type TAdvisoryList } from "./gate";

const root = path.resolve(import.meta.dirname, "../..");
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as Parameters<
  typeof installedCopies
>[0];
const list = JSON.parse(readFileSync(path.join(import.meta.dirname, "advisories.json"), "utf8")) as TAdvisoryList;
const copies = installedCopies(lock, list.watched);
for (const name of list.watched.filter((n) => !copies.some((c) => c.name === n)))
  console.log(`  ${name.padEnd(30)} not installed`);
for (const c of copies) console.log(`  ${c.name.padEnd(30)} ${c.version.padEnd(12)} ${c.path}`);
const found = findings(copies, list);
for (const f of found)
  console.error(
    `✖ ${f.name}@${f.version} (${f.path}): ${f.advisory.severity} ${f.advisory.id}, ${f.advisory.title}; affected ${f.advisory.vulnerable}`,
  );
console.log(
  found.length
    ? `✖ ${found.length} known high or critical advisories affect installed packages: upgrade them.`
    : `✔ No known high or critical advisory affects the watched packages (${list.advisories.length} advisories, list checked ${list.checked}).`,
);
process.exitCode = found.length ? 1 : 0;
