import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";

// The landing page after sign-in: executives start on the portfolio summary, everyone else on
// their cases. (Signed-out visitors are sent to sign-in by the pages themselves.)
export default async function Home() {
  const user = await getCurrentUser();
  redirect(user?.role === "EXECUTIVE" ? "/summary" : "/cases");
}
