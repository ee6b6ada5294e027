// The platform's floor for sign-in, for `npm run bench:load`: a bare HTTP server whose every
// request verifies one password at the app's own cost (lib/auth/password.ts) and does nothing
// else. No sign-in can be answered sooner than by this server, so its latency under the same load
// generator, at the same number of users, is the limit the app's sign-in is judged against.
// Prints "listening <port>" once it serves.
import { createServer } from "node:http";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

const hashed = await hashPassword("bench-platform-password");
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    void verifyPassword(hashed, "not-the-password").then(() => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : ""}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
