"use client";

// Inside this segment, so its layout (navigation) stays on screen around the message.
export { default } from "../../error";
