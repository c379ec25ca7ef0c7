import type { MessageKey } from "../i18n/index.tsx";

const KINDS = ["printing-press", "industrial-robot", "cnc", "generic-machine"] as const;

/** The dictionary key naming a machine kind (never the raw `printing-press` code). */
export function machineKindKey(kind: string | null): MessageKey {
  return (KINDS as readonly (string | null)[]).includes(kind)
    ? (`machine.kind.${kind}` as MessageKey)
    : "machine.kind.other";
}
