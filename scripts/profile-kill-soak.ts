/**
 * The soak run of the profile-file kill test (issue 10): SIGKILLs a process that saves
 * profiles in a loop, 1,000 times by default, and checks after each kill that the file parses
 * and holds the old or the new state. Same logic as tests/integration/profile-file-kill.test.ts
 * (tests/support/profile-kill.ts), more kills.
 *
 *   npm run soak:profiles [-- <kills>]      (or: node --import tsx scripts/profile-kill-soak.ts [kills])
 *
 * PROFILE_KILL_SEED replays the choice of kill points; PROFILE_KILL_KEEP=1 keeps the temp
 * directory (bundle and profile directories) for a look. Exits 1 if any kill failed.
 */
import { formatReport, runProfileKills } from '../tests/support/profile-kill';

async function main(): Promise<number> {
  const arg = process.argv[2];
  const kills = arg === undefined ? 1000 : Number(arg);
  if (!Number.isSafeInteger(kills) || kills < 1) {
    process.stderr.write(`usage: node --import tsx scripts/profile-kill-soak.ts [kills]   (kills: a positive integer, not ${JSON.stringify(arg)})\n`);
    return 2;
  }
  const seed = process.env.PROFILE_KILL_SEED ? Number(process.env.PROFILE_KILL_SEED) : undefined;
  const keep = process.env.PROFILE_KILL_KEEP === '1';
  process.stdout.write(`profile file soak: ${kills} kills\n`);
  const report = await runProfileKills({
    kills,
    ...(seed !== undefined ? { seed } : {}),
    keep,
    progressEvery: 100,
    progress: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  if (keep) process.stdout.write(`  kept: ${report.dir}\n`);
  return report.failures.length === 0 && report.parsed === kills ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
