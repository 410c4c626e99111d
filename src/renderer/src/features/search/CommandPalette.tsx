import { useState } from 'react';
import { text } from '../../../../shared/bytes';
import { COMMAND_LABELS, runCommand, shortcutText, type Command } from '../../app/commands';
import { useAppStore, useAppStoreApi } from '../../app/store-context';
import { paletteItems, type PaletteAction } from './palette-items';

const LIST_ID = 'command-palette-list';

/**
 * Ctrl/Cmd+K: jump to a key, a prefix, a profile or run a command. A modal dialog holding a
 * combobox and its listbox: arrows move, Enter runs, Escape closes.
 */
export function CommandPalette() {
  const open = useAppStore((s) => s.paletteOpen);
  return open ? <PaletteDialog /> : null;
}

function PaletteDialog() {
  const store = useAppStoreApi();
  const setOpen = useAppStore((s) => s.setPaletteOpen);
  const profiles = useAppStore((s) => s.profiles);
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const commands = (Object.keys(COMMAND_LABELS) as Command[])
    .filter((c) => c !== 'command-palette')
    .map((c) => ({ command: c, label: COMMAND_LABELS[c].label, shortcut: shortcutText(COMMAND_LABELS[c].shortcut) }));
  const items = paletteItems(query, { commands, profiles, connected });
  const current = Math.min(active, Math.max(0, items.length - 1));

  const run = (action: PaletteAction): void => {
    setOpen(false);
    const s = store.getState();
    switch (action.kind) {
      case 'command':
        runCommand(store, action.command as Command);
        return;
      case 'profile':
        void s.switchProfile(action.profileId);
        return;
      case 'open-key':
        void s.selectKey(text(action.key));
        return;
      case 'go-to-prefix':
        s.showView('keys');
        void s.setPrefix(action.prefix);
        return;
    }
  };

  return (
    <div className="dialog-backdrop" onMouseDown={() => setOpen(false)}>
      <div className="dialog command-palette" role="dialog" aria-modal="true" aria-label="Command palette" data-testid="command-palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          role="combobox"
          aria-expanded="true"
          aria-controls={LIST_ID}
          aria-autocomplete="list"
          aria-activedescendant={items[current] ? `palette-${current}` : undefined}
          aria-label="Type a command, a profile, a key or a prefix"
          placeholder="Type a command, a profile, a key or a prefix"
          value={query}
          autoFocus
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setOpen(false);
            } else if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive(Math.min(current + 1, items.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive(Math.max(current - 1, 0));
            } else if (e.key === 'Enter' && items[current]) {
              e.preventDefault();
              run(items[current].action);
            }
            e.stopPropagation();
          }}
        />
        <ul id={LIST_ID} role="listbox" aria-label="Matches">
          {items.map((item, i) => (
            <li
              key={item.id}
              id={`palette-${i}`}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'active' : undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => run(item.action)}
            >
              {item.label}
              {item.detail ? <span className="muted"> {item.detail}</span> : null}
            </li>
          ))}
          {items.length === 0 ? <li className="muted">Nothing matches.</li> : null}
        </ul>
      </div>
    </div>
  );
}
