// oidc-provider ships no types; the test identity provider (test-idp.ts) uses this much of it.
declare module "oidc-provider" {
  import type { Server } from "node:http";

  type TAccount = { accountId: string; claims: () => Record<string, unknown> };

  export default class Provider {
    constructor(
      issuer: string,
      configuration: Record<string, unknown> & {
        findAccount?: (ctx: unknown, id: string) => Promise<TAccount | undefined> | TAccount | undefined;
      },
    );
    proxy: boolean;
    listen(port: number, host?: string): Server;
  }
}
