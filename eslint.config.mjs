import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Layering (see STYLE.md): only lib/ touches the database and server resources; app/ and
// components/ import types at most. process.env is read in lib/env.ts (and the launch scripts).
const SERVER_ONLY_IMPORTS = {
  paths: [
    { name: "pg", message: "Database access lives in lib/." },
    { name: "@prisma/adapter-pg", message: "Only lib/db.ts creates the Prisma client." },
  ],
  patterns: [
    {
      group: ["@/lib/generated/prisma/client", "@/lib/generated/prisma/*"],
      allowTypeImports: true,
      message: "Use lib/ functions; import Prisma types only.",
    },
    { group: ["@/lib/db", "@/lib/db/*"], message: "Only lib/ imports the database client." },
  ],
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "lib/generated/**",
      ".data/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/env.ts." },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  { files: ["app/**", "components/**"], rules: { "no-restricted-imports": ["error", SERVER_ONLY_IMPORTS] } },
  { files: ["lib/env.ts", "*.config.*", "scripts/**/*.mjs"], rules: { "no-restricted-properties": "off" } },
];

export default config;
