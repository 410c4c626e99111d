import { useEffect, useRef, type KeyboardEvent } from 'react';
import { displayBytes } from '../../../../shared/bytes';
import { useAppStore } from '../../app/store-context';
import { readOnlyReason } from '../../ui/modes';

/** The grid's context menu for one key: Rename… (a move within the profile) and Copy… (under a new name or elsewhere). */
export function KeyMenu() {
  const menu = useAppStore((s) => s.keyMenu);
  const close = useAppStore((s) => s.closeKeyMenu);
  const openCopyKey = useAppStore((s) => s.openCopyKey);
  const refused = useAppStore(readOnlyReason);
  const readOnly = useAppStore((s) => s.readOnlyView) || refused !== null;
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!menu) return;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([disabled])')?.focus();
    const away = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) close();
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [menu, close]);

  if (!menu) return null;
  const run = (mode: 'copy' | 'move') => {
    close();
    openCopyKey(mode, menu.key);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const items = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])') ?? []);
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
  };
  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      aria-label={`Actions for ${displayBytes(menu.key, 80)}`}
      style={{ left: menu.x, top: menu.y }}
      onKeyDown={onKeyDown}
    >
      <button type="button" role="menuitem" onClick={() => run('move')} disabled={readOnly} title={refused ?? undefined}>
        Rename…
      </button>
      <button type="button" role="menuitem" onClick={() => run('copy')} disabled={readOnly} title={refused ?? undefined}>
        Copy…
      </button>
    </div>
  );
}
