/**
 * Route handlers anyone may call, on purpose: signing in (next-auth's endpoints and the password
 * sign-in) and the load balancer's health check. Every other one must refuse an anonymous caller;
 * tests/integration/entry-points.test.ts checks that each calls the guard, and
 * tests/e2e/attacks.spec.ts that each refuses in fact.
 */
export const PUBLIC_ROUTES = [
  "app/api/auth/[...nextauth]/route.ts",
  "app/api/auth/sign-in/route.ts",
  "app/api/health/route.ts",
];
