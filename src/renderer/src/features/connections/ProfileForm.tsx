import { useRef, useState, type FormEvent } from 'react';
import { limits } from '../../../../shared/contract';
import type { Profile, ProfileMode, TestConnectionResult } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { Dialog } from '../../ui/Dialog';
import { describeError } from '../../ui/messages';
import type { ProfileFormMode } from './connections-slice';
import { PROFILE_COLORS } from './profile-colors';
import { fieldOf, initialDraft, plainHttpHostsOf, toInput, validate, type Draft, type FieldErrors } from './profile-draft';

/** The error each draft field's edit makes stale. */
function errorKeyOf(k: keyof Draft): keyof FieldErrors | null {
  if (k === 'caFile' || k === 'certFile' || k === 'keyFile' || k === 'serverName') return 'tls';
  if (k === 'plainHttpConsent') return 'plainHttp';
  if (k === 'name' || k === 'endpoints' || k === 'deadlineMs' || k === 'username' || k === 'password') return k;
  return null;
}

const TLS_FILES = [
  { field: 'caFile', purpose: 'ca', label: 'TLS CA file', placeholder: 'CA certificate (ca.pem)', id: 'pf-ca' },
  { field: 'certFile', purpose: 'cert', label: 'TLS client certificate file', placeholder: 'Client certificate (client.pem)', id: 'pf-cert' },
  { field: 'keyFile', purpose: 'key', label: 'TLS client key file', placeholder: 'Client key (client-key.pem)', id: 'pf-key' },
] as const;

export function ProfileForm() {
  const form = useAppStore((s) => s.profileForm);
  if (!form) return null;
  // Re-mount per opened profile so the draft starts fresh.
  return <ProfileFormDialog key={`${form.mode}:${form.profile?.id ?? 'new'}`} mode={form.mode} profile={form.profile} />;
}

function ProfileFormDialog({ mode, profile }: { mode: ProfileFormMode; profile?: Profile }) {
  const close = useAppStore((s) => s.closeProfileForm);
  const saveProfile = useAppStore((s) => s.saveProfile);
  const testProfile = useAppStore((s) => s.testProfile);
  const chooseTlsFile = useAppStore((s) => s.chooseTlsFile);
  const secretStorage = useAppStore((s) => s.secretStorage);

  const [d, setD] = useState<Draft>(() => initialDraft(mode, profile));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [testResult, setTestResult] = useState<{ ok: true; value: TestConnectionResult } | { ok: false; text: string } | null>(null);
  const [secretProblem, setSecretProblem] = useState(false);
  const [secretError, setSecretError] = useState<string | null>(null);
  const plaintextRef = useRef<HTMLInputElement>(null);

  const update = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((cur) => ({ ...cur, [k]: v }));
    const key = errorKeyOf(k);
    // Where the password goes (endpoints) and whether one goes at all decide the consent too.
    const alsoConsent = k === 'endpoints' || k === 'password' || k === 'clearPassword';
    setErrors((cur) => ({ ...cur, ...(key ? { [key]: undefined } : {}), ...(alsoConsent ? { plainHttp: undefined } : {}) }));
    setFormError(null);
  };

  const hasSavedPassword = mode === 'edit' && profile?.hasPassword === true;
  const draftContext = { keptPassword: hasSavedPassword };
  const consentHosts = plainHttpHostsOf(d, draftContext);
  const showPlaintextChoice = (secretStorage === 'unavailable' && d.password !== '') || secretProblem;

  const onTest = async () => {
    const v = validate(d, draftContext);
    setErrors(v);
    if (Object.keys(v).length) return;
    setBusy('test');
    setTestResult(null);
    // Testing an edited profile without a new password uses the stored one (the id tells main which).
    const r = await testProfile(toInput(d, mode, profile));
    setBusy(null);
    if (r.ok) {
      setTestResult({ ok: true, value: r.value });
      return;
    }
    // A field main refused is told next to that field, not again in the test result.
    const field = r.error.code === 'INVALID_ARGUMENT' ? fieldOf(r.error) : null;
    if (field) {
      setErrors((cur) => ({ ...cur, [field]: r.error.message }));
      return;
    }
    const desc = describeError(r.error, { op: 'test', profileName: d.name, username: d.username, deadlineMs: Number(d.deadlineMs) });
    setTestResult({ ok: false, text: desc.detail ? `${desc.title} (${desc.detail})` : desc.title });
  };

  const onSubmit = async (e?: FormEvent) => {
    e?.preventDefault();
    const v = validate(d, draftContext);
    setErrors(v);
    if (Object.keys(v).length) return;
    setBusy('save');
    const r = await saveProfile(toInput(d, mode, profile));
    setBusy(null);
    if (r.ok) {
      close();
      return;
    }
    const desc = describeError(r.error, { op: 'profile-save', profileName: d.name });
    if (r.error.code === 'SECRET_STORAGE_UNAVAILABLE') {
      // Told next to the checkbox that resolves it.
      setSecretProblem(true);
      setSecretError(desc.title);
      requestAnimationFrame(() => plaintextRef.current?.focus());
      return;
    }
    const field = r.error.code === 'INVALID_ARGUMENT' ? fieldOf(r.error) : null;
    if (field) {
      setErrors((cur) => ({ ...cur, [field]: r.error.message }));
      return;
    }
    setFormError(desc.detail ? `${desc.title} (${desc.detail})` : desc.title);
  };

  const title = mode === 'add' ? 'Add connection' : mode === 'edit' ? `Edit “${profile?.name ?? ''}”` : `Duplicate “${profile?.name ?? ''}”`;

  return (
    <Dialog
      title={title}
      onClose={close}
      testId="profile-form"
      width={520}
      busy={busy === 'save'}
      footer={
        <>
          <button type="button" onClick={() => void onTest()} disabled={busy !== null} data-testid="profile-test">
            {busy === 'test' ? 'Testing…' : 'Test connection'}
          </button>
          <span className="spacer" />
          <button type="button" onClick={close} disabled={busy === 'save'}>
            Cancel
          </button>
          <button type="submit" form="profile-form" className="primary" disabled={busy !== null} data-testid="profile-save">
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form id="profile-form" className="form-grid" onSubmit={(e) => void onSubmit(e)} noValidate>
        <Field label="Name" error={errors.name} htmlFor="pf-name">
          <input id="pf-name" value={d.name} onChange={(e) => update('name', e.target.value)} aria-invalid={!!errors.name} data-autofocus placeholder="production (eu-west)" />
        </Field>
        <Field label="Endpoints" error={errors.endpoints} htmlFor="pf-endpoints" hint="One per line, or separated by commas.">
          <textarea
            id="pf-endpoints"
            rows={3}
            value={d.endpoints}
            onChange={(e) => update('endpoints', e.target.value)}
            aria-invalid={!!errors.endpoints}
            spellCheck={false}
          />
        </Field>
        <Field label="Username" error={errors.username} htmlFor="pf-username">
          <input id="pf-username" value={d.username} onChange={(e) => update('username', e.target.value)} autoComplete="off" spellCheck={false} />
        </Field>
        <Field label="Password" error={errors.password} htmlFor="pf-password" hint={mode === 'duplicate' && profile?.hasPassword ? 'The saved password is not copied.' : undefined}>
          <input
            id="pf-password"
            type="password"
            value={d.password}
            disabled={d.clearPassword}
            placeholder={hasSavedPassword && !d.clearPassword ? '•••••• (saved)' : ''}
            onChange={(e) => update('password', e.target.value)}
            autoComplete="new-password"
          />
          {hasSavedPassword ? (
            <label className="check">
              <input type="checkbox" checked={d.clearPassword} onChange={(e) => update('clearPassword', e.target.checked)} data-testid="clear-password" />
              Clear saved password
            </label>
          ) : null}
          {hasSavedPassword && !d.clearPassword && d.password === '' ? <span className="field-hint">Leave empty to keep the saved password.</span> : null}
          {showPlaintextChoice ? (
            <label className={`check${secretProblem && !d.allowPlaintext ? ' attention' : ''}`}>
              <input
                ref={plaintextRef}
                type="checkbox"
                checked={d.allowPlaintext}
                onChange={(e) => {
                  update('allowPlaintext', e.target.checked);
                  setSecretProblem(false);
                  setSecretError(null);
                }}
                data-testid="allow-plaintext"
              />
              Store password unencrypted on this machine
            </label>
          ) : null}
          {secretError ? (
            <span className="field-error" role="alert">
              {secretError}
            </span>
          ) : null}
          {consentHosts ? (
            <label className={`check${errors.plainHttp ? ' attention' : ''}`}>
              <input
                type="checkbox"
                checked={d.plainHttpConsent === consentHosts}
                onChange={(e) => update('plainHttpConsent', e.target.checked ? consentHosts : '')}
                aria-invalid={!!errors.plainHttp}
                aria-describedby={errors.plainHttp ? 'pf-plain-http-error' : undefined}
                data-testid="plain-http-consent"
              />
              Send the password unencrypted over http to {consentHosts}
            </label>
          ) : null}
          {consentHosts && errors.plainHttp ? (
            <span className="field-error" id="pf-plain-http-error" role="alert">
              {errors.plainHttp}
            </span>
          ) : null}
        </Field>
        <Field label="TLS" error={errors.tls} htmlFor="pf-ca" hint="PEM files on this machine: choose them, or paste their paths.">
          {TLS_FILES.map(({ field, purpose, label, placeholder, id }) => (
            <div className="file-row" key={field}>
              <input id={id} value={d[field]} onChange={(e) => update(field, e.target.value)} placeholder={placeholder} aria-label={label} spellCheck={false} />
              <button
                type="button"
                aria-label={`Choose ${label.replace(/^TLS /, '')}`}
                onClick={async () => {
                  const r = await chooseTlsFile(purpose, d[field] || undefined);
                  if (r.ok && r.value.path) update(field, r.value.path);
                  else if (!r.ok) setErrors((e) => ({ ...e, tls: describeError(r.error, { op: 'test' }).title }));
                }}
              >
                Choose…
              </button>
            </div>
          ))}
          <input
            value={d.serverName}
            onChange={(e) => update('serverName', e.target.value)}
            placeholder="Server name in the certificate (optional)"
            aria-label="TLS server name"
            spellCheck={false}
          />
        </Field>
        <Field label="Deadline" error={errors.deadlineMs} htmlFor="pf-deadline" hint="Milliseconds each call may take.">
          <input id="pf-deadline" type="number" min={limits.DEADLINE_MS.min} max={limits.DEADLINE_MS.max} step={100} value={d.deadlineMs} onChange={(e) => update('deadlineMs', e.target.value)} className="narrow" />
        </Field>
        <Field label="Colour" htmlFor="pf-color-none">
          <div className="swatches" role="radiogroup" aria-label="Colour tag">
            <button type="button" id="pf-color-none" role="radio" aria-checked={d.color === ''} className={`swatch none${d.color === '' ? ' selected' : ''}`} onClick={() => update('color', '')} aria-label="No colour" />
            {PROFILE_COLORS.map((c) => (
              <button
                type="button"
                key={c.value}
                role="radio"
                aria-checked={d.color === c.value}
                aria-label={c.name}
                title={c.name}
                className={`swatch${d.color === c.value ? ' selected' : ''}`}
                style={{ background: c.value }}
                onClick={() => update('color', c.value)}
              />
            ))}
          </div>
        </Field>
        <Field label="Mode" htmlFor="pf-mode-normal">
          <div className="mode-choices" role="radiogroup" aria-label="Mode" data-testid="profile-mode">
            {MODE_CHOICES.map((m) => (
              <label className="check mode-choice" key={m.mode}>
                <input
                  type="radio"
                  name="pf-mode"
                  id={`pf-mode-${m.mode}`}
                  value={m.mode}
                  checked={d.mode === m.mode}
                  onChange={() => update('mode', m.mode)}
                  data-testid={`profile-mode-${m.mode}`}
                />
                <span>
                  <strong>{m.label}</strong> <span className="field-hint">{m.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </Field>
        {testResult ? (
          <div className={`test-result ${testResult.ok ? 'ok' : 'fail'}`} role="status" data-testid="profile-test-result">
            {testResult.ok
              ? `Connected to etcd ${testResult.value.version} at ${testResult.value.endpoint.split(',').join(', ')} in ${Math.round(testResult.value.latencyMs)} ms (cluster ${testResult.value.clusterId}).`
              : testResult.text}
          </div>
        ) : null}
        {formError ? (
          <div className="form-error" role="alert">
            {formError}
          </div>
        ) : null}
        {/* Enter in a text field submits */}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </Dialog>
  );
}

/** The modes, each with its one-line explanation. */
const MODE_CHOICES: ReadonlyArray<{ mode: ProfileMode; label: string; hint: string }> = [
  { mode: 'normal', label: 'Normal', hint: 'Reads and writes as usual.' },
  { mode: 'production', label: 'Production', hint: 'Every write asks you to type the profile name first (the key, to delete one key).' },
  { mode: 'read-only', label: 'Read-only', hint: 'Nothing can be written: the app refuses every change to this cluster.' },
];

function Field({ label, htmlFor, error, hint, children }: { label: string; htmlFor: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={htmlFor} className="field-label">
        {label}
      </label>
      <div className="field-control">
        {children}
        {error ? <span className="field-error">{error}</span> : hint ? <span className="field-hint">{hint}</span> : null}
      </div>
    </div>
  );
}
