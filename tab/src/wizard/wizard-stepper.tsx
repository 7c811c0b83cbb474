/**
 * The step list of the wizard. Fluent v9 has no stepper, so this is an ordered list built from tokens: each step
 * shows its number (a check mark once done) and its name, the current one carries `aria-current="step"`, and the
 * state is also spelled out for screen readers. On narrow screens only the current step keeps its name visible.
 */
import { makeStyles, mergeClasses, Text, tokens } from "@fluentui/react-components";
import { Checkmark12Filled } from "@fluentui/react-icons";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";

const useStyles = makeStyles({
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexWrap: "wrap",
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
  },
  step: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, minWidth: 0 },
  marker: {
    flexShrink: 0,
    width: "24px",
    height: "24px",
    borderRadius: tokens.borderRadiusCircular,
    display: "inline-flex",
    alignItems: "center",
    justifyContent: "center",
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    color: tokens.colorNeutralForeground2,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  markerCurrent: {
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandBackground}`,
  },
  markerDone: {
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForeground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke1}`,
  },
  labelCurrent: { fontWeight: tokens.fontWeightSemibold },
  labelOther: {
    color: tokens.colorNeutralForeground2,
    "@media (max-width: 640px)": {
      position: "absolute",
      width: "1px",
      height: "1px",
      overflow: "hidden",
      clip: "rect(0, 0, 0, 0)",
      whiteSpace: "nowrap",
    },
  },
});

/** Props of WizardStepper. */
export interface WizardStepperProps {
  /** Step names in order. */
  steps: readonly string[];
  /** Index of the current step. */
  current: number;
}

/** The step list. */
export function WizardStepper({ steps, current }: WizardStepperProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  return (
    <ol className={styles.list} aria-label={en.wizard.stepsLabel}>
      {steps.map((name, index) => {
        const state = index < current ? "done" : index === current ? "current" : "upcoming";
        return (
          <li
            key={name}
            className={styles.step}
            aria-current={state === "current" ? "step" : undefined}
            data-state={state}
          >
            <span
              aria-hidden="true"
              className={mergeClasses(
                styles.marker,
                state === "current" && styles.markerCurrent,
                state === "done" && styles.markerDone,
              )}
            >
              {state === "done" ? <Checkmark12Filled /> : index + 1}
            </span>
            <Text className={state === "current" ? styles.labelCurrent : styles.labelOther}>{name}</Text>
            <span className={shared.visuallyHidden}>
              {state === "done"
                ? en.wizard.stepDone
                : state === "current"
                  ? en.wizard.stepCurrent
                  : en.wizard.stepUpcoming}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
