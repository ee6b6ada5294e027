"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";

type Props = { providers: { id: string; name: string }[]; callbackUrl: string };

/** One button per organisation's identity provider (lib/auth/oidc.ts); hidden when none is set up. */
export function SsoButtons({ providers, callbackUrl }: Props) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;
  return (
    <section aria-labelledby="sso-heading" className="mt-6 border-t border-slate-200 pt-5">
      <h2 id="sso-heading" className="mb-3 text-sm font-medium text-slate-700">
        Or use your organisation&apos;s account
      </h2>
      <ul className="space-y-2">
        {providers.map((p) => (
          <li key={p.id}>
            <Button
              type="button"
              variant="secondary"
              className="w-full"
              disabled={pending !== null}
              onClick={() => {
                setPending(p.id);
                void signIn(p.id, { callbackUrl }).catch(() => setPending(null));
              }}
            >
              {pending === p.id ? "Redirecting…" : `Continue with ${p.name}`}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
