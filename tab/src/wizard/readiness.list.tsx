/**
 * The checks of a Direct Routing readiness report (docs/product.md section 10) as the shared status list: each
 * check's status, message and remedy, for the wizard's Readiness step and the portal's readiness section.
 */
import { READINESS_CHECK_IDS, type ReadinessCheck, type ReadinessReport } from "@dr/contract";
import { StatusList, type StatusListItem, type StatusListStatus } from "../components/status-list";
import { en } from "../i18n/en";
import { readinessEn } from "./readiness.en";

/** A check's message is body text and its remedy shows whenever it did not pass. */
const ATTENTION: readonly StatusListStatus[] = ["warn", "fail", "skipped", "unknown"];

/** Props of ReadinessList. */
export interface ReadinessListProps {
  /** The report, or undefined while it runs. */
  report: ReadinessReport | undefined;
  running: boolean;
}

/** The list. */
export function ReadinessList({ report, running }: ReadinessListProps) {
  const byId = new Map(report?.checks.map((c): [string, ReadinessCheck] => [c.id, c]) ?? []);
  const items = READINESS_CHECK_IDS.map((id): StatusListItem => {
    const check = byId.get(id);
    return {
      id,
      title: readinessEn.names[id],
      status: check?.status ?? (running ? "running" : "pending"),
      message: check?.message,
      remedy: check?.remedy,
    };
  });
  return (
    <StatusList
      items={items}
      label={readinessEn.listLabel}
      busy={running}
      statusLabels={en.checks.statuses}
      remedyLabel={en.checks.remedy}
      attention={ATTENTION}
      itemAttribute="data-readiness"
    />
  );
}
