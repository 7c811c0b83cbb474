/**
 * The certificate credential's fields: a file picker (one .pfx/.p12 file, or one or two PEM files: certificate and
 * key), or the PEM text pasted, and the password when the file is a PFX or the PEM key is encrypted. What was read
 * from a file is never shown back: only the files' names and sizes, and the thumbprint once the API gave it. The
 * reading and the body are format/certificate-input.ts; the API checks the certificate itself.
 */
import { Button, Field, Input, makeStyles, Text, Textarea, tokens } from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { type ChangeEvent, useId, useState } from "react";
import {
  CERTIFICATE_FILE_ACCEPT,
  type CertificateInput,
  emptyCertificate,
  type FilesRefusal,
  formatBytes,
  needsPassword,
  readCertificateFiles,
} from "../format/certificate-input";
import { en } from "../i18n/en";

const useStyles = makeStyles({
  file: { maxWidth: "100%", fontFamily: tokens.fontFamilyBase, fontSize: tokens.fontSizeBase300 },
  loaded: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

/** Props of {@link CertificateFields}. */
export interface CertificateFieldsProps {
  value: CertificateInput;
  onChange(value: CertificateInput): void;
  /** When a field loses the focus (the caller marks the certificate touched). */
  onBlur(): void;
  /** The certificate's message to show now (the contract's shape problem, or the API's field message). */
  message?: string | undefined;
  /** The thumbprint the API reported for this certificate, when known. */
  thumbprint?: string | undefined;
  disabled?: boolean | undefined;
}

const REFUSALS: Record<FilesRefusal, string> = {
  none: en.certificate.readFailed,
  mixed: en.certificate.mixed,
  too_many: en.certificate.tooMany,
};

/** The certificate fields. */
export function CertificateFields({ value, onChange, onBlur, message, thumbprint, disabled }: CertificateFieldsProps) {
  const styles = useStyles();
  const [fileProblem, setFileProblem] = useState<string | undefined>(undefined);
  const loadedId = useId();
  const fromFiles = value.files.length > 0;

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const files = [...(input.files ?? [])];
    // The picker forgets the choice: the bytes live in the caller's state only, and the same file can be chosen again.
    input.value = "";
    if (files.length === 0) return;
    try {
      const read = await readCertificateFiles(files, value.password);
      if (read.ok) {
        setFileProblem(undefined);
        onChange(read.value);
      } else {
        setFileProblem(REFUSALS[read.refusal]);
      }
    } catch {
      setFileProblem(en.certificate.readFailed);
    }
    onBlur();
  };

  const fileMessage = fileProblem ?? (fromFiles ? message : undefined);
  return (
    <>
      <Field
        label={en.certificate.file}
        hint={en.certificate.fileHint}
        validationMessage={fileMessage}
        required={!value.pem.trim() || fromFiles}
      >
        {(props) => (
          <input
            {...props}
            name="clientCertificateFile"
            type="file"
            multiple
            accept={CERTIFICATE_FILE_ACCEPT}
            className={styles.file}
            disabled={disabled}
            onChange={(e) => void choose(e)}
          />
        )}
      </Field>
      {fromFiles && (
        <div className={styles.loaded}>
          <Text id={loadedId}>{en.certificate.loadedLabel}</Text>
          <ul className={styles.list} aria-labelledby={loadedId} data-testid="certificate-files">
            {value.files.map((f) => (
              <li key={f.name}>
                <Text>{en.certificate.loaded(f.name, formatBytes(f.size))}</Text>
              </li>
            ))}
          </ul>
          <Button
            size="small"
            icon={<DismissRegular />}
            disabled={disabled}
            onClick={() => {
              setFileProblem(undefined);
              onChange(emptyCertificate());
            }}
          >
            {en.certificate.clear}
          </Button>
        </div>
      )}
      {!fromFiles && (
        <Field label={en.certificate.paste} hint={en.certificate.pasteHint} validationMessage={message}>
          <Textarea
            name="clientCertificatePem"
            value={value.pem}
            resize="vertical"
            rows={4}
            spellCheck={false}
            autoComplete="off"
            disabled={disabled}
            onChange={(_, data) => onChange({ ...value, pem: data.value, pfx: "", files: [] })}
            onBlur={onBlur}
          />
        </Field>
      )}
      {needsPassword(value) && (
        <Field label={en.certificate.password} hint={en.certificate.passwordHint}>
          <Input
            name="clientCertificatePassword"
            type="password"
            value={value.password}
            autoComplete="off"
            spellCheck={false}
            data-lpignore="true"
            disabled={disabled}
            onChange={(_, data) => onChange({ ...value, password: data.value })}
            onBlur={onBlur}
          />
        </Field>
      )}
      {thumbprint && (
        <Text>
          {en.certificate.thumbprint}:{" "}
          <Text font="monospace" data-testid="certificate-thumbprint">
            {thumbprint}
          </Text>
        </Text>
      )}
    </>
  );
}
