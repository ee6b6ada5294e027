import { hasBidiControls, markBidiControls } from "@/lib/request-policy";

/**
 * User-supplied text shown inert: isolated with <bdi> (its direction cannot spill into what
 * follows), and any bidirectional control character replaced by a visible marker such as
 * ⟦U+202E⟧, so "invoice‮fdp.exe" cannot pass for "invoiceexe.pdf". Text without one renders as is.
 */
export function InertText({ text }: { text: string }) {
  if (!hasBidiControls(text)) return <bdi>{text}</bdi>;
  return (
    <bdi title="Contains bidirectional control characters, shown as ⟦U+…⟧" className="text-amber-800">
      {markBidiControls(text)}
    </bdi>
  );
}
