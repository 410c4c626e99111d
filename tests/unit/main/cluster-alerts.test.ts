import { ClusterAlerts } from '../../../src/main/core/cluster-alerts';
import { createAlertNotifier } from '../../../src/main/electron/window/notifications';
import type { ConnectionStatus, MembersHealth } from '../../../src/shared/types';

const st = (members: MembersHealth | undefined, state: ConnectionStatus['state'] = 'connected'): ConnectionStatus => ({ profileId: 'p', state, at: 0, ...(members ? { members } : {}) });
const health = (answering: number, hasLeader = true, alarms?: string[]): MembersHealth => ({ answering, total: 3, hasLeader, ...(alarms ? { alarms } : {}) });

describe('cluster alerts', () => {
  it('a member lost, quorum lost, an alarm raised: once per change, named by the profile', () => {
    const a = new ClusterAlerts();
    expect(a.observe(st(health(3)), 'prod')).toEqual([]);
    const lost = a.observe(st(health(2)), 'prod');
    expect(lost.map((x) => x.kind)).toEqual(['member-lost']);
    expect(lost[0].title).toBe('prod: cluster problem');
    expect(lost[0].body).toBe('A member stopped answering: 2 of 3 answer; the cluster still has a leader.');
    // The next probes see the same: nothing more.
    expect(a.observe(st(health(2)), 'prod')).toEqual([]);
    expect(a.observe(st(health(2)), 'prod')).toEqual([]);
    const quorum = a.observe(st(health(1, false), 'unreachable'), 'prod');
    expect(quorum.map((x) => x.kind)).toEqual(['quorum-lost']);
    expect(quorum[0].body).toContain('1 of 3 members answer and none has a leader');
    expect(a.observe(st(health(1, false), 'unreachable'), 'prod')).toEqual([]);
    // Back, then lost again: said again.
    expect(a.observe(st(health(3)), 'prod')).toEqual([]);
    expect(a.observe(st(health(2)), 'prod').map((x) => x.kind)).toEqual(['member-lost']);
    const alarm = a.observe(st(health(2, true, ['NOSPACE'])), 'prod');
    expect(alarm.map((x) => x.kind)).toEqual(['alarm']);
    expect(alarm[0].body).toContain('NOSPACE');
    expect(a.observe(st(health(2, true, ['NOSPACE'])), 'prod')).toEqual([]);
  });

  it('nothing for the first status, connecting, or after a disconnect', () => {
    const a = new ClusterAlerts();
    expect(a.observe(st(health(1)), 'x')).toEqual([]);
    expect(a.observe(st(undefined, 'connecting'), 'x')).toEqual([]);
    expect(a.observe(st(undefined, 'disconnected'), 'x')).toEqual([]);
    expect(a.observe(st(health(0, false), 'unreachable'), 'x')).toEqual([]);
  });
});

describe('OS notifications', () => {
  const alert = { profileId: 'p', kind: 'alarm' as const, title: 't', body: 'b' };
  const api = () => {
    const shown: Array<{ title: string; body: string }> = [];
    const clicks: Array<() => void> = [];
    return {
      shown,
      clicks,
      api: {
        isSupported: () => true,
        create: (o: { title: string; body: string }) => ({ show: () => shown.push(o), on: (_e: 'click', l: () => void) => clicks.push(l) }),
      },
    };
  };
  const win = (focused: boolean, visible = true, minimized = false) => ({ isFocused: () => focused, isVisible: () => visible, isMinimized: () => minimized, show: vi.fn(), focus: vi.fn() });

  it('only while the window is in the background; a click brings it back', () => {
    const n = api();
    const front = win(true);
    expect(createAlertNotifier(n.api, () => front)(alert)).toBe(false);
    expect(n.shown).toEqual([]);
    const back = win(false);
    expect(createAlertNotifier(n.api, () => back)(alert)).toBe(true);
    expect(createAlertNotifier(n.api, () => win(true, true, true))(alert)).toBe(true);
    expect(createAlertNotifier(n.api, () => win(true, false))(alert)).toBe(true);
    expect(n.shown).toEqual([{ title: 't', body: 'b' }, { title: 't', body: 'b' }, { title: 't', body: 'b' }]);
    n.clicks[0]();
    expect(back.show).toHaveBeenCalled();
    expect(back.focus).toHaveBeenCalled();
  });
});
