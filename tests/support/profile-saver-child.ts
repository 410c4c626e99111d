/**
 * The child of the profile-file kill test (tests/support/profile-kill.ts bundles it with the
 * real ProfileStore into one .cjs file and runs it in plain Node): `node profile-saver.cjs <dir>`.
 *
 * Opens the store on <dir>, reports the state it found (`ready <i>`), then saves states i+1,
 * i+2, ... one after the other forever, writing `saving <n>` right before each save and
 * `saved <n>` once it resolved. Writes to a pipe are synchronous in Node on Linux, so every
 * line is in the pipe before the next step starts, whenever the parent's SIGKILL lands.
 */
import { ProfileStore } from '../../src/main/core/profiles/store';
import { inputFor, killTestCipher, stateOfName } from './profile-kill-state';

async function main(dir: string): Promise<never> {
  const store = new ProfileStore(dir, killTestCipher);
  const state = await store.state();
  if (state.notices.length > 0) throw new Error(`the store reported: ${state.notices.join(' | ')}`);
  const ours = state.profiles.filter((p) => stateOfName(p.name) !== undefined);
  if (ours.length > 1) throw new Error(`more than one state profile: ${ours.map((p) => p.name).join(', ')}`);
  let id = ours[0]?.id;
  let i = ours[0] ? (stateOfName(ours[0].name) as number) : 0;
  process.stdout.write(`ready ${i}\n`);
  for (;;) {
    i++;
    process.stdout.write(`saving ${i}\n`);
    const saved = await store.save({ ...inputFor(i), ...(id ? { id } : {}) });
    id = saved.id;
    process.stdout.write(`saved ${i}\n`);
  }
}

// The parent is gone (its end of the pipe closed): stop instead of saving forever as an orphan.
process.stdout.on('error', () => process.exit(3));

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node profile-saver.cjs <dir>\n');
  process.exit(2);
}
main(dir).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
