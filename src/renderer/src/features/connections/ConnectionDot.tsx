import type { ConnectionState } from '../../../../shared/types';

const LABEL: Record<ConnectionState, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  unreachable: 'Unreachable',
  disconnected: 'Disconnected',
};

export function connectionLabel(state: ConnectionState | undefined): string {
  return state ? LABEL[state] : 'Not connected';
}

export function ConnectionDot({ state }: { state: ConnectionState | undefined }) {
  return <span className={`conn-dot conn-${state ?? 'none'}`} role="img" aria-label={connectionLabel(state)} title={connectionLabel(state)} />;
}
