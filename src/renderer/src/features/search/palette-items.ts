/**
 * What the command palette offers for a query: commands and profiles whose names contain it
 * (any case), and for text that looks like a key, "Open key …" (an exact get) and
 * "Go to prefix …". Pure, so it is tested without a DOM.
 */
export type PaletteAction =
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'profile'; readonly profileId: string }
  | { readonly kind: 'open-key'; readonly key: string }
  | { readonly kind: 'go-to-prefix'; readonly prefix: string };

export interface PaletteItem {
  readonly id: string;
  readonly label: string;
  readonly detail?: string;
  readonly action: PaletteAction;
}

export interface PaletteSources {
  readonly commands: ReadonlyArray<{ readonly command: string; readonly label: string; readonly shortcut: string }>;
  readonly profiles: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  /** Whether a profile is connected (keys and prefixes can be opened). */
  readonly connected: boolean;
}

/** Most items the list shows at once. */
const MAX_ITEMS = 50;

export function paletteItems(query: string, src: PaletteSources): PaletteItem[] {
  const q = query.trim().toLowerCase();
  const has = (s: string): boolean => q === '' || s.toLowerCase().includes(q);
  const items: PaletteItem[] = [];
  // Text with no spaces at the ends that contains a key-ish character reads as a key first.
  const keyLike = query.trim() !== '' && query === query.trim() && /[/:._\-\d]/.test(query);
  const key: PaletteItem[] =
    src.connected && query.trim() !== ''
      ? [
          { id: `key:${query}`, label: `Open key “${query}”`, action: { kind: 'open-key', key: query } },
          { id: `prefix:${query}`, label: `Go to prefix “${query}”`, action: { kind: 'go-to-prefix', prefix: query } },
        ]
      : [];
  if (keyLike) items.push(...key);
  for (const c of src.commands) if (has(c.label)) items.push({ id: `command:${c.command}`, label: c.label, detail: c.shortcut, action: { kind: 'command', command: c.command } });
  for (const p of src.profiles) if (has(p.name)) items.push({ id: `profile:${p.id}`, label: `Switch to ${p.name}`, detail: 'profile', action: { kind: 'profile', profileId: p.id } });
  if (!keyLike) items.push(...key);
  return items.slice(0, MAX_ITEMS);
}
