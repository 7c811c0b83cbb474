/**
 * Delete service, in the portal's General section: the button asks once more in place (naming the service and what
 * goes with it), then DELETE /api/services/{id} and back to the services page with a note. Inline rather than a
 * modal dialog: leaving the page from inside an open Fluent Dialog leaves the app aria-hidden (fluentui#35139).
 * Offered only to operators with the admin permission.
 */

import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { DeleteRegular } from "@fluentui/react-icons";
import { useEffect, useRef, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useApp } from "../app/app.context";
import { setFlash } from "../app/flash";
import { navigate, paths } from "../app/router";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", alignItems: "flex-start", gap: tokens.spacingVerticalM },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  confirm: { alignSelf: "stretch" },
});

/** Props of DeleteServiceSection. */
export interface DeleteServiceSectionProps {
  serviceId: string;
  shortName: string;
}

/** The Delete service section with its in-place confirmation. */
export function DeleteServiceSection({ serviceId, shortName }: DeleteServiceSectionProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);

  // Focus follows the question: to Cancel (the safe answer) when it appears, back to the button when it goes.
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
    else if (asked.current) deleteRef.current?.focus();
    asked.current = confirming;
  }, [confirming]);

  const leave = () => {
    setFlash(en.services.deleted(shortName));
    navigate(paths.services());
  };

  const confirm = async () => {
    if (deleting) return;
    setDeleting(true);
    setProblem(undefined);
    try {
      await api.deleteService(serviceId);
      leave();
    } catch (error) {
      // Already gone (deleted elsewhere) is what the operator wanted.
      if (error instanceof ApiProblem && error.status === 404) return leave();
      setProblem(`${en.portal.deleteFailed} ${error instanceof ApiProblem ? error.detail : en.errors.unexpected}`);
      setDeleting(false);
    }
  };

  return (
    <section className={`${shared.surface} ${styles.section}`} aria-labelledby="general-delete-heading">
      <h2 id="general-delete-heading" className={styles.h2}>
        {en.portal.deleteTitle}
      </h2>
      <Text>{en.portal.deleteBody}</Text>
      {!confirming && (
        <Button ref={deleteRef} icon={<DeleteRegular />} onClick={() => setConfirming(true)}>
          {en.portal.deleteButton}
        </Button>
      )}
      {confirming && (
        <MessageBar intent="warning" layout="multiline" className={styles.confirm}>
          <MessageBarBody>
            <MessageBarTitle>{en.portal.deleteConfirmTitle(shortName)}</MessageBarTitle>
            {en.portal.deleteConfirmBody(shortName)}
            {problem && (
              <Text as="p" role="alert">
                {problem}
              </Text>
            )}
          </MessageBarBody>
          <MessageBarActions>
            <Button ref={cancelRef} disabled={deleting} onClick={() => setConfirming(false)}>
              {en.app.cancel}
            </Button>
            <Button
              appearance="primary"
              icon={deleting ? <Spinner size="tiny" /> : <DeleteRegular />}
              disabledFocusable={deleting}
              onClick={() => void confirm()}
            >
              {en.portal.deleteConfirm}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
    </section>
  );
}
