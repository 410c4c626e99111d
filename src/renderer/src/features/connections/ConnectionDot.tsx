import type { ConnectionState, ConnectionStatus, MembersHealth } from '../../../../shared/types';
import { describeError } from '../../ui/messages';

const LABEL: Record<ConnectionState, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  unreachable: 'Unreachable',
  disconnected: 'Disconnected',
};

export function connectionLabel(state: ConnectionState | undefined): string {
  return state ? LABEL[state] : 'Not connected';
}

/**
 * How a connection is doing, as people read it. The tone picks the colour (the dot and, when not
 * fine, the words); the label always says it in words too, so colour is never alone.
 *  - ok: connected, every member answering (or not probed yet);
 *  - degraded: connected with a leader, but some members do not answer ("2 of 3 members");
 *  - no-quorum: the members that answer know no leader (NO_QUORUM, or a probe that found none);
 *  - connecting, unreachable, disconnected, none: as the state says.
 */
export type HealthTone = 'ok' | 'degraded' | 'no-quorum' | 'connecting' | 'unreachable' | 'disconnected' | 'none';

export interface ConnectionHealth {
  readonly tone: HealthTone;
  /** Short, shown: "Connected", "Connected · 2 of 3 members", "No quorum", "Unreachable". */
  readonly label: string;
  /** The whole story, for the tooltip and the accessible name ("1 member is not answering"). */
  readonly description: string;
}

/** The probe's counts, when they make sense (push events are only loosely checked). */
function membersOf(status: ConnectionStatus | undefined): MembersHealth | undefined {
  const m = status?.members;
  if (!m || typeof m !== 'object') return undefined;
  const { answering, total, hasLeader } = m;
  if (!Number.isInteger(answering) || !Number.isInteger(total) || total <= 0 || answering < 0 || answering > total) return undefined;
  return { answering, total, hasLeader: hasLeader === true };
}

const membersWord = (n: number) => (n === 1 ? 'member' : 'members');

function notAnswering(m: MembersHealth): string {
  const missing = m.total - m.answering;
  return `${missing} ${membersWord(missing)} ${missing === 1 ? 'is' : 'are'} not answering`;
}

const NO_QUORUM_WORDS = 'the cluster has no leader (too few members up): writes and consistent reads wait until a majority is back';

export function connectionHealth(status: ConnectionStatus | undefined): ConnectionHealth {
  const state = status?.state;
  const members = membersOf(status);
  const counts = members ? `${members.answering} of ${members.total} ${membersWord(members.total)} answering` : '';
  switch (state) {
    case undefined:
      return { tone: 'none', label: connectionLabel(state), description: 'Not connected' };
    case 'connected': {
      if (members && !members.hasLeader) {
        return { tone: 'no-quorum', label: 'No quorum', description: `No quorum: ${counts}, and ${NO_QUORUM_WORDS}.` };
      }
      if (members && members.answering < members.total) {
        return {
          tone: 'degraded',
          label: `Connected · ${members.answering} of ${members.total} members`,
          description: `Connected, degraded: ${notAnswering(members)} (${counts}). The cluster still works while a majority answers.`,
        };
      }
      const all = members && members.total > 1 ? `: all ${members.total} members answering` : '';
      return { tone: 'ok', label: LABEL.connected, description: `Connected${all}` };
    }
    case 'unreachable': {
      const error = status?.error;
      if (error?.code === 'NO_QUORUM') {
        const d = describeError(error);
        const detail = d.detail ? ` (${d.detail})` : '';
        return { tone: 'no-quorum', label: 'No quorum', description: `No quorum${counts ? `: ${counts}` : ''}. ${d.title}${detail}` };
      }
      const why = error ? ` ${describeError(error).title}` : '';
      return { tone: 'unreachable', label: LABEL.unreachable, description: `Unreachable.${why}` };
    }
    default:
      return { tone: state, label: LABEL[state], description: LABEL[state] };
  }
}

/**
 * The coloured dot. Its accessible name is the state in words ("Connected"), and the whole
 * story when the cluster answers only in part ("Connected, degraded: 1 member is not answering …").
 */
export function ConnectionDot({ health }: { health: ConnectionHealth }) {
  const name = health.tone === 'degraded' || health.tone === 'no-quorum' ? health.description : health.label;
  return <span className={`conn-dot conn-${health.tone}`} role="img" aria-label={name} title={health.description} />;
}
