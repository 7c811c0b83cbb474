/**
 * A client secret shown as its three-character hint and dots (`gQQ••••••••`). Screen readers hear a sentence
 * instead of "bullet bullet bullet".
 */
import { Text } from "@fluentui/react-components";
import { maskSecret } from "../format/format";
import { en } from "../i18n/en";
import { useSharedStyles } from "./shared.styles";

/** Props of MaskedSecret: the hint (or the secret, of which only the first three characters are used). */
export interface MaskedSecretProps {
  hint: string;
}

/** The masked secret. */
export function MaskedSecret({ hint }: MaskedSecretProps) {
  const shared = useSharedStyles();
  const h = hint.slice(0, 3);
  return (
    <>
      <Text font="monospace" aria-hidden="true" data-testid="masked-secret">
        {maskSecret(h)}
      </Text>
      <span className={shared.visuallyHidden}>{en.secret.maskedLabel(h)}</span>
    </>
  );
}
