// npm run export:verify -- bundle.zip: checks a legal review production as its recipient would,
// without a database: the bag's completeness (nothing missing, nothing extra), every digest of
// both manifests, Payload-Oxum, and the load file against the manifest row for row.
// Exit code: 0 verified, 1 differences found (each named), 2 the check itself could not run.
import { existsSync } from "node:fs";
import { verifyProductionZip } from "@/lib/productions/verify";

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.error("Usage: npm run export:verify -- <production.zip>");
  process.exit(2);
}
try {
  const started = performance.now();
  const result = await verifyProductionZip(file);
  const seconds = (performance.now() - started) / 1000;
  console.log(`ZIP SHA-256: ${result.zipSha256 ?? "(unreadable)"}`);
  console.log(`Bag: ${result.bag ?? "(none)"}`);
  console.log(
    `Payload: ${result.payloadFiles} files, ${result.payloadBytes.toLocaleString("en")} bytes (${seconds.toFixed(1)} s)`,
  );
  if (result.ok) console.log("OK: complete, every digest matches, the load file matches the manifest.");
  else {
    console.log(`FAILED: ${result.problems.length} difference(s):`);
    for (const p of result.problems) console.log(`  ${p.file}: ${p.problem}`);
  }
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error("The check could not run:", error);
  process.exitCode = 2;
}
