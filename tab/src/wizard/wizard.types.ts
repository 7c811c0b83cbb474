/**
 * Props shared by the wizard's step components, and the small touched-fields hook they use to show a field's
 * message only after the operator left it (or pressed Next), not while they start typing.
 */
import { useCallback, useState } from "react";
import type { WizardDraft } from "./wizard.state";

/** Props every step receives. */
export interface StepProps {
  draft: WizardDraft;
  /** Merges a change into the draft (which is then persisted). */
  update(patch: Partial<WizardDraft>): void;
  /** Next was pressed on this step: show every message, not only those of fields already left. */
  submitted: boolean;
}

/** Tracks which fields were left once; `shown(field)` says whether to show its message. */
export function useTouched(submitted: boolean): { shown(field: string): boolean; touch(field: string): void } {
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const touch = useCallback((field: string) => {
    setTouched((prev) => (prev.has(field) ? prev : new Set(prev).add(field)));
  }, []);
  return { shown: (field) => submitted || touched.has(field), touch };
}
