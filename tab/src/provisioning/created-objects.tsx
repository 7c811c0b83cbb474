/**
 * "What was created": every object the run made in the customer's tenant (kind, name, id), the removed ones
 * marked, so a run that stopped half-way leaves nothing unreported. A small table in its own horizontal scroller,
 * so the page never scrolls sideways at 320 px.
 */
import type { ProvisionedObject } from "@dr/contract";
import { Body1, makeStyles, tokens } from "@fluentui/react-components";
import { useSharedStyles } from "../components/shared.styles";
import { provisioningEn as t } from "./provisioning.en";

const useStyles = makeStyles({
  table: {
    borderCollapse: "collapse",
    width: "100%",
    "& th, & td": {
      textAlign: "left",
      padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
      verticalAlign: "top",
    },
    "& th": { color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightSemibold },
  },
  id: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: "anywhere", fontSize: tokens.fontSizeBase200 },
  removed: { color: tokens.colorNeutralForeground2, textDecorationLine: "line-through" },
  state: { whiteSpace: "nowrap" },
});

/** The objects of a run. */
export function CreatedObjects({ items }: { items: readonly ProvisionedObject[] }) {
  const styles = useStyles();
  const shared = useSharedStyles();
  if (items.length === 0) return <Body1>{t.createdEmpty}</Body1>;
  return (
    <div className={shared.tableScroller}>
      <table className={styles.table} aria-label={t.createdLabel}>
        <thead>
          <tr>
            <th scope="col">{t.colKind}</th>
            <th scope="col">{t.colName}</th>
            <th scope="col">{t.colId}</th>
            <th scope="col">{t.colState}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.kind}:${item.id}`} data-kind={item.kind} data-removed={item.removed === true}>
              <td className={item.removed ? styles.removed : undefined}>{t.kinds[item.kind] ?? item.kind}</td>
              <td className={item.removed ? styles.removed : undefined}>{item.displayName}</td>
              <td className={styles.id}>{item.id}</td>
              <td className={styles.state}>{item.removed ? t.removed : t.present}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
