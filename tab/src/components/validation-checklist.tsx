/**
 * The live checklist of a validation run: the six checks in order, each pending (spinner while running) until its
 * event arrives, then an icon and a word for its status, the message and the remedy. A polite live region announces
 * progress so screen-reader users hear the run advance without losing their place. The list itself is the shared
 * status list (status-list.tsx), as the provisioning run's steps are.
 */

import { CHECK_IDS, type Check, type CheckId, type ValidationReport } from "@dr/contract";
import { Link } from "@fluentui/react-components";
import { en } from "../i18n/en";
import { useSharedStyles } from "./shared.styles";
import { StatusList, type StatusListItem, type StatusListStatus } from "./status-list";

/** A check's message is body text and its remedy shows whenever it did not pass. */
const ATTENTION: readonly StatusListStatus[] = ["warn", "fail", "skipped", "unknown"];

/** Props of ValidationChecklist. */
export interface ValidationChecklistProps {
  /** Checks received so far (in any order). */
  checks: readonly Check[];
  /** True while the run is in progress (pending checks show a spinner). */
  running: boolean;
  /** The final report, when it came (adds the admin-consent link). */
  report?: ValidationReport;
  /** Accessible name of the list. */
  label?: string;
}

/** The checklist. */
export function ValidationChecklist({ checks, running, report, label = en.checks.title }: ValidationChecklistProps) {
  const shared = useSharedStyles();
  const byId = new Map<CheckId, Check>(checks.map((c) => [c.id, c]));
  const done = byId.size;

  let announcement = "";
  if (running) announcement = en.checks.progress(done, CHECK_IDS.length);
  else if (report)
    announcement = !report.ok
      ? en.checks.finishedFail
      : report.checks.some((c) => c.status === "warn")
        ? en.checks.finishedWarn
        : en.checks.finishedOk;

  const items = CHECK_IDS.map((id): StatusListItem => {
    const check = byId.get(id);
    const consentUrl =
      id === "permissions" && check?.status !== "pass" ? report?.permissions?.adminConsentUrl : undefined;
    return {
      id,
      title: en.checks.names[id],
      status: check?.status ?? (running ? "running" : "pending"),
      message: check?.message,
      remedy: check?.remedy,
      detail: consentUrl && (
        <Link href={consentUrl} target="_blank" rel="noreferrer">
          {en.checks.adminConsent}
        </Link>
      ),
    };
  });

  return (
    <div>
      <StatusList
        items={items}
        label={label}
        busy={running}
        statusLabels={en.checks.statuses}
        remedyLabel={en.checks.remedy}
        attention={ATTENTION}
        itemAttribute="data-check"
      />
      <div aria-live="polite" className={shared.visuallyHidden}>
        {announcement}
      </div>
    </div>
  );
}
