"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/form";

/**
 * The submit of a form that asks a second time, inline: the first button only reveals the real
 * one beside "Keep", which takes the focus as the safe choice; Escape keeps, and the focus goes
 * back to the first button. For changes that cannot be undone (deleting, removing).
 */
export function ConfirmStep({
  ask,
  question,
  confirm,
  pendingText,
  pending,
  askVariant = "danger",
}: {
  /** The first button's text ("Delete…"). */
  ask: string;
  question: string;
  /** The real submit's text ("Delete"). */
  confirm: string;
  pendingText: string;
  /** The form's pending state, when it is not a plain form action (useActionForm). */
  pending?: boolean;
  askVariant?: "secondary" | "danger";
}) {
  const [confirming, setConfirming] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);
  const asked = useRef(false);
  const questionId = useId();
  useEffect(() => {
    if (!asked.current) return;
    boxRef.current?.querySelector<HTMLElement>(confirming ? "[data-keep]" : "button")?.focus();
  }, [confirming]);
  const choose = (on: boolean) => {
    asked.current = true;
    setConfirming(on);
  };
  return (
    <div
      ref={boxRef}
      className="flex flex-wrap items-center gap-2"
      onKeyDown={(e) => {
        if (e.key === "Escape" && confirming) {
          e.stopPropagation();
          choose(false);
        }
      }}
    >
      {confirming ? (
        <>
          <p id={questionId} className="text-sm font-medium text-red-800">
            {question}
          </p>
          <SubmitButton variant="danger" pending={pending} pendingText={pendingText}>
            {confirm}
          </SubmitButton>
          {/* Focused first: the question is read with it. */}
          <Button
            variant="secondary"
            data-keep
            aria-describedby={questionId}
            onClick={() => choose(false)}
            disabled={pending}
          >
            Keep
          </Button>
        </>
      ) : (
        <Button variant={askVariant} onClick={() => choose(true)}>
          {ask}
        </Button>
      )}
    </div>
  );
}
