/**
 * A password input with a reveal toggle. Used inside a `Field` (which labels the input through Fluent's field
 * context); the toggle keeps one name ("Show secret") and reports its state with `aria-pressed`.
 */
import { Button, Input, type InputProps } from "@fluentui/react-components";
import { EyeOffRegular, EyeRegular } from "@fluentui/react-icons";
import { useState } from "react";
import { en } from "../i18n/en";

/** Props of SecretInput: a Fluent Input's props without `type` and `contentAfter`. */
export type SecretInputProps = Omit<InputProps, "type" | "contentAfter">;

/** The secret input. */
export function SecretInput(props: SecretInputProps) {
  const [revealed, setRevealed] = useState(false);
  return (
    <Input
      {...props}
      type={revealed ? "text" : "password"}
      // The secret must not be remembered, suggested or spell-checked by the browser.
      autoComplete="off"
      spellCheck={false}
      data-lpignore="true"
      contentAfter={
        <Button
          appearance="transparent"
          size="small"
          icon={revealed ? <EyeOffRegular /> : <EyeRegular />}
          aria-label={en.secret.show}
          aria-pressed={revealed}
          onClick={() => setRevealed((v) => !v)}
        />
      }
    />
  );
}
