const EVIDENCE_CSP = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'none'";

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Native and database packages stay outside the server bundle.
  serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg", "pdfkit"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
          // No framing, no plugins, forms and <base> only to ourselves. (Scripts are not
          // restricted here: Next's inline bootstrap would need per-request nonces.)
          {
            key: "Content-Security-Policy",
            value: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
          },
          ...(process.env.NODE_ENV === "production"
            ? [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }]
            : []),
        ],
      },
      {
        // Uploaded evidence served back (lib/http.ts untrustedFileResponse): a sandboxed
        // document that may load nothing, whatever the bytes are. Later rules win for a key.
        source: "/api/cases/:caseId/evidence/:evidenceId/:file(download|preview)",
        headers: [{ key: "Content-Security-Policy", value: EVIDENCE_CSP }],
      },
    ];
  },
};

export default nextConfig;
