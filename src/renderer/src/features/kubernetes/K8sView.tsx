import { useEffect, useMemo } from 'react';
import { toUint8, type Bytes } from '../../../../shared/bytes';
import type { K8sDecoded } from '../../../../shared/k8s';
import { useAppStore } from '../../app/store-context';
import { sameKey } from '../../ui/key-order';
import { HexView } from '../editor/HexView';
import { ValueEditor } from '../editor/ValueEditor';
import { K8sEditor } from './K8sEditor';
import { k8sEditRefusal } from './k8s-view-slice';
import { identity, isSecret, maskSecret, objectText, unknownFieldLine, WIRE_TYPES } from './k8s-value';

/** The selected Kubernetes value, decoded by main: the object, or why it cannot be shown. */
export function K8sView() {
  const loaded = useAppStore((s) => s.loaded);
  const selectedKey = useAppStore((s) => s.selectedKey);
  const state = useAppStore((s) => s.k8sDecode);
  const decode = useAppStore((s) => s.decodeK8s);
  useEffect(() => {
    void decode();
  }, [loaded, selectedKey, decode]);

  if (!loaded || !state || !sameKey(state.key, selectedKey) || state.status === 'loading') {
    return (
      <p className="muted pad" data-testid="k8s-decoding">
        Decoding…
      </p>
    );
  }
  if (state.status === 'failed' || !state.decoded) {
    return (
      <div className="k8s-view" data-testid="k8s-view">
        <p className="notice pad-x" role="alert" data-testid="k8s-problem">
          Could not decode this value: {state.error?.message}
        </p>
        <HexView value={state.value} />
      </div>
    );
  }
  return <Decoded decoded={state.decoded} value={state.value} />;
}

function Decoded({ decoded, value }: { decoded: K8sDecoded; value: Bytes }) {
  switch (decoded.kind) {
    case 'object':
    case 'json':
      return <K8sObject decoded={decoded} />;
    case 'encrypted':
      return (
        <div className="k8s-view" data-testid="k8s-view">
          <p className="notice pad-x" role="status" data-testid="k8s-encrypted">
            Encrypted at rest by {decoded.provider}, key {decoded.keyName}: the API server holds the key.
          </p>
          <HexView value={value} />
        </div>
      );
    case 'error':
      return (
        <div className="k8s-view" data-testid="k8s-view">
          <p className="notice pad-x" role="alert" data-testid="k8s-problem">
            {problemText(decoded.message, decoded.offset)}
          </p>
          <HexView value={value} />
        </div>
      );
    case 'unknown-kind':
      return <UnknownKind decoded={decoded} size={toUint8(value).length} />;
  }
}

/** "Cannot decode: … at byte N", whatever case the decoder's sentence started with. */
export function problemText(message: string, offset: number): string {
  const body = message.replace(/^cannot decode:\s*/i, '');
  return `Cannot decode: ${body}${/at byte \d+/.test(body) ? '' : ` at byte ${offset}`}`;
}

function UnknownKind({ decoded, size }: { decoded: Extract<K8sDecoded, { kind: 'unknown-kind' }>; size: number }) {
  return (
    <div className="k8s-view" data-testid="k8s-view">
      <dl className="meta k8s-header">
        <Item label="apiVersion" value={decoded.apiVersion} />
        <Item label="kind" value={decoded.objectKind} />
        <Item label="size" value={`${size} bytes`} />
      </dl>
      <p className="notice pad-x" role="status">
        The schema table ({decoded.schemaTag}) does not know this kind: its protobuf fields are shown as they are.
      </p>
      <div className="k8s-fields">
        <table className="k8s-fields-table" aria-label="Protobuf fields">
          <thead>
            <tr>
              <th>Field</th>
              <th>Wire type</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {decoded.fields.map((f, i) => (
              <tr key={i}>
                <td>{f.field}</td>
                <td>
                  {f.wireType} ({WIRE_TYPES[f.wireType] ?? 'unknown'})
                </td>
                <td className="k8s-field-value">{f.text !== undefined ? f.text : String(f.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Item({ label, value, testId }: { label: string; value: string | undefined; testId?: string }) {
  if (value === undefined || value === '') return null;
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function K8sObject({ decoded }: { decoded: Extract<K8sDecoded, { kind: 'object' | 'json' }> }) {
  const format = useAppStore((s) => s.k8sFormat);
  const setFormat = useAppStore((s) => s.setK8sFormat);
  const revealed = useAppStore((s) => s.k8sReveal);
  const setReveal = useAppStore((s) => s.setK8sReveal);
  const editing = useAppStore((s) => !!s.k8sEdit && sameKey(s.k8sEdit.key, s.selectedKey));
  const startEdit = useAppStore((s) => s.startK8sEdit);
  const refusal = useAppStore(k8sEditRefusal);
  const secret = isSecret(decoded.object);
  const masked = secret && !revealed;
  const shown = useMemo(() => objectText(masked ? maskSecret(decoded.object) : decoded.object, format), [decoded.object, masked, format]);
  const id = identity(decoded.object);
  const unknownFields = decoded.kind === 'object' ? decoded.unknownFields : [];
  const editRefusal = refusal ?? (masked ? 'Reveal the values first: a Secret is edited with its values shown.' : null);

  return (
    <div className="k8s-view" data-testid="k8s-view">
      <dl className="meta k8s-header" data-testid="k8s-header">
        <Item label="apiVersion" value={id.apiVersion} />
        <Item label="kind" value={id.kind} testId="k8s-kind" />
        <Item label="object" value={id.namespace ? `${id.namespace}/${id.name ?? ''}` : id.name} />
        {decoded.resourceVersionFromModRevision && id.resourceVersion !== undefined ? (
          <div title="The API server fills metadata.resourceVersion from the key's mod revision; the stored object does not hold it.">
            <dt>resourceVersion</dt>
            <dd data-testid="k8s-resource-version">
              {id.resourceVersion} <span className="muted">(the key&apos;s mod revision, as the API server shows it)</span>
            </dd>
          </div>
        ) : null}
      </dl>
      <p className="muted pad-x k8s-schema" data-testid="k8s-schema">
        {decoded.kind === 'object' ? `decoded with schema ${decoded.schemaTag}` : 'stored as JSON (a custom resource)'}
      </p>
      <div className="editor-bar k8s-bar">
        <div className="k8s-switch" role="group" aria-label="Format">
          {(['yaml', 'json'] as const).map((f) => (
            <button key={f} type="button" className={`tab-toggle${format === f ? ' pressed' : ''}`} aria-pressed={format === f} onClick={() => setFormat(f)} disabled={editing}>
              {f.toUpperCase()}
            </button>
          ))}
        </div>
        {secret ? (
          <button type="button" aria-pressed={revealed} onClick={() => setReveal(!revealed)} data-testid="k8s-reveal" disabled={editing}>
            {revealed ? 'Hide values' : 'Reveal values'}
          </button>
        ) : null}
        <button type="button" onClick={() => void navigator.clipboard?.writeText(shown)} title={masked ? 'Copies the object with the Secret values masked' : 'Copies the object as shown'}>
          Copy
        </button>
        <span className="editor-actions">
          {refusal === null && !editing ? (
            <button type="button" onClick={() => void startEdit()} disabled={editRefusal !== null} title={editRefusal ?? 'For emergency repairs: the API server normally owns these objects'}>
              Edit as YAML
            </button>
          ) : null}
        </span>
      </div>
      {masked ? (
        <p className="muted pad-x k8s-masked-note" data-testid="k8s-masked-note">
          The values of data and stringData are masked: Reveal values shows them.
        </p>
      ) : null}
      {unknownFields.length > 0 ? (
        <pre className="k8s-unknown" data-testid="k8s-unknown-fields" aria-label="Unknown fields">
          {unknownFields.map((f) => unknownFieldLine(f, masked)).join('\n')}
        </pre>
      ) : null}
      {editing ? (
        <K8sEditor />
      ) : (
        <ValueEditor value={shown} mode={format} readOnly ariaLabel={`Kubernetes object as ${format.toUpperCase()}`} testId="k8s-object" />
      )}
    </div>
  );
}
