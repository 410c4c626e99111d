/**
 * What deserves an OS notification about a connected cluster: a member stopped answering, the
 * cluster lost its quorum (no leader), or an alarm was raised. Decided from the connection's own
 * status events (the liveness probe's verdicts), once per change: the same state seen again by
 * the next probe says nothing, a recovery followed by a new loss says it again. The Electron
 * layer shows them only while the window is in the background.
 */
import type { ConnectionStatus, MembersHealth } from '../../shared/types';

export interface ClusterAlert {
  readonly profileId: string;
  readonly kind: 'member-lost' | 'quorum-lost' | 'alarm';
  readonly title: string;
  readonly body: string;
}

export class ClusterAlerts {
  readonly #last = new Map<string, MembersHealth>();

  /** The alerts this status raises (none for the first status seen of a profile). */
  observe(status: ConnectionStatus, profileName: string): ClusterAlert[] {
    const id = status.profileId;
    if (status.state === 'disconnected' || status.state === 'connecting') {
      if (status.state === 'disconnected') this.#last.delete(id);
      return [];
    }
    const next = status.members;
    if (!next) return [];
    const prev = this.#last.get(id);
    this.#last.set(id, next);
    if (!prev || prev.total !== next.total) return [];
    const out: ClusterAlert[] = [];
    const title = `${profileName}: cluster problem`;
    if (prev.hasLeader && !next.hasLeader) {
      out.push({
        profileId: id,
        kind: 'quorum-lost',
        title,
        body:
          next.answering === 0
            ? `No member answers (${next.total} endpoints): the cluster cannot be reached.`
            : `The cluster lost its quorum: ${next.answering} of ${next.total} members answer and none has a leader. Reads and writes fail until members return.`,
      });
    } else if (next.answering < prev.answering) {
      const lost = prev.answering - next.answering;
      out.push({
        profileId: id,
        kind: 'member-lost',
        title,
        body: `${lost === 1 ? 'A member' : `${lost} members`} stopped answering: ${next.answering} of ${next.total} answer${next.hasLeader ? '; the cluster still has a leader' : ''}.`,
      });
    }
    const before = new Set(prev.alarms ?? []);
    const raised = (next.alarms ?? []).filter((a) => !before.has(a));
    if (raised.length > 0) {
      out.push({
        profileId: id,
        kind: 'alarm',
        title,
        body: `Alarm raised: ${raised.join(', ')}.${raised.includes('NOSPACE') ? ' The cluster refuses writes until it is compacted, defragmented and the alarm disarmed.' : ''}`,
      });
    }
    return out;
  }
}
