import { hexId as hex } from './members';

export interface Alarm {
  readonly memberId: string;
  readonly alarm: string;
}

/** etcd 3.4 reports active alarms in StatusResponse.errors as "memberID:<decimal> alarm:<NAME>". */
export function parseAlarms(errors: readonly string[]): Alarm[] {
  const out: Alarm[] = [];
  for (const e of errors) {
    const m = /memberID:(\d+)\s+alarm:(\w+)/.exec(e);
    if (m) out.push({ memberId: hex(m[1]), alarm: m[2].toUpperCase() });
  }
  return out;
}

export const dedupeAlarms = (alarms: Alarm[]): Alarm[] => [...new Map(alarms.map((a) => [`${a.memberId}/${a.alarm}`, a])).values()];
