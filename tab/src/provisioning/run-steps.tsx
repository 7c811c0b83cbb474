/**
 * The nine steps of a run, live: each pending (a spinner while it runs) until the server reports it, then an icon
 * and a word for its status, the message and, when it did not pass, the remedy. The status list the validation
 * checklist uses too, announced by the run view's live region.
 */
import type { ProvisioningRun } from "@dr/contract";
import { StatusList } from "../components/status-list";
import { provisioningEn as t } from "./provisioning.en";
import { stepsInOrder } from "./provisioning.format";

/** The steps of `run`. */
export function RunSteps({ run }: { run: ProvisioningRun }) {
  return (
    <StatusList
      label={t.stepsTitle}
      busy={run.status === "running"}
      statusLabels={t.statuses}
      remedyLabel={t.remedy}
      itemAttribute="data-step"
      items={stepsInOrder(run).map((step) => ({
        id: step.id,
        title: t.steps[step.id],
        status: step.status,
        message: step.message,
        remedy: step.remedy,
      }))}
    />
  );
}
