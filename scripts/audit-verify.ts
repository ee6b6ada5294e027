// npm run audit:verify: walks the whole audit log and checks its hash chain, against
// DATABASE_URL (or, when unset, the embedded database under the data folder).
// Exit code: 0 intact, 1 broken, 2 the check itself could not run.
// Keep the printed head hash somewhere else: it is the anchor that catches a truncated tail.
import { verifyAuditChain, type TVerifyResult } from "@/lib/audit/verify";
import { withDatabase } from "@/scripts/runtime";

const REASONS: Record<Extract<TVerifyResult, { ok: false }>["reason"], string> = {
  content_modified: "its content no longer matches its hash (the row was edited)",
  chain_broken: "it does not link to the row before it (a row was deleted or reordered)",
};

function report(result: TVerifyResult, seconds: number): void {
  const rate = Math.round(result.checked / Math.max(seconds, 0.001));
  console.log(
    `Rows checked: ${result.checked.toLocaleString("en")} in ${seconds.toFixed(1)} s (${rate.toLocaleString("en")} rows/s)`,
  );
  if (result.ok) {
    console.log(`OK: the audit chain is intact. Head: id ${result.headId ?? "(empty log)"}, hash ${result.headHash}`);
  } else {
    console.log(`BROKEN at row id ${result.firstBrokenId}: ${REASONS[result.reason]}.`);
  }
}

try {
  await withDatabase(async () => {
    const started = performance.now();
    let lastPrint = started;
    const result = await verifyAuditChain({
      onProgress: ({ checked }) => {
        const now = performance.now();
        if (process.stderr.isTTY && now - lastPrint > 1_000) {
          process.stderr.write(`\r  ${checked.toLocaleString("en")} rows…`);
          lastPrint = now;
        }
      },
    });
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    report(result, (performance.now() - started) / 1000);
    process.exitCode = result.ok ? 0 : 1;
  });
} catch (error) {
  console.error("✖ The audit chain could not be verified:", error);
  process.exitCode = 2;
}
