import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { expect, request as newRequest, type APIRequestContext } from "@playwright/test";
import { DEMO_PASSWORD } from "./helpers";

// Extra instances of the app for the specs that need their own (two instances on one database,
// the embedded database under a long import): `npm start`'s scripts/start.ts, run as a child
// with its own environment, its output kept for the failure message.

const ROOT = path.resolve(import.meta.dirname, "../..");

/* eslint-disable no-restricted-properties -- the harness starts the instances' environment */
// The runner's environment without what belongs to the main app under test (its identity
// providers, its port and origin) or to the runner (NODE_ENV).
const PARENT_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^(OIDC_|NODE_ENV$|PORT$|NEXTAUTH_)/.test(k)),
) as Record<string, string>;
/* eslint-enable no-restricted-properties */

export type TInstance = { origin: string; process: ChildProcess; output: string[] };

/** Starts scripts/start.ts on `port` with `env` over the runner's (an `undefined` value unsets it). */
export function startInstance(port: number, env: Record<string, string | undefined>): TInstance {
  const child = spawn("npx", ["tsx", "--conditions=react-server", "scripts/start.ts"], {
    cwd: ROOT,
    detached: true, // its own process group: the instance and its `next start` end together
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...PARENT_ENV,
      PORT: String(port),
      NEXTAUTH_URL: `http://localhost:${port}`,
      MFA_REQUIRED_FOR: "none",
      ...env,
    } as Record<string, string> as NodeJS.ProcessEnv,
  });
  const instance = { origin: `http://localhost:${port}`, process: child, output: [] as string[] };
  child.stdout!.on("data", (c: Buffer) => instance.output.push(c.toString()));
  child.stderr!.on("data", (c: Buffer) => instance.output.push(c.toString()));
  return instance;
}

/** Waits until the instance answers /api/health (up to 8 minutes: it may migrate, seed and build). */
export async function untilHealthy(instance: TInstance) {
  const deadline = Date.now() + 480_000;
  for (;;) {
    const ok = await fetch(`${instance.origin}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (instance.process.exitCode !== null || Date.now() > deadline)
      throw new Error(`${instance.origin} did not come up:\n${instance.output.join("").slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Stops the instance's process group and waits for it (up to 15 s), so an embedded database closes cleanly. */
export async function stopInstance({ process: child }: TInstance) {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid, "SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
}

/** An API client for `origin`, signed in there as a demo account (its session cookie kept). */
export async function signedIn(origin: string, email = "investigator@microsoft.demo"): Promise<APIRequestContext> {
  const api = await newRequest.newContext({ baseURL: origin });
  const response = await api.post(`${origin}/api/auth/sign-in`, {
    data: { email, password: DEMO_PASSWORD },
    headers: { origin },
  });
  expect(response.status(), `sign-in of ${email}`).toBe(200);
  expect((await api.storageState()).cookies.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(true);
  return api;
}
