import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly footer?: ReactNode;
  readonly testId?: string;
  readonly width?: number;
  /** Prevent closing with Escape / backdrop (while a request is in flight, for example). */
  readonly busy?: boolean;
}

/** A modal dialog: focus moves in, Escape closes, Tab stays inside. */
export function Dialog({ title, onClose, children, footer, testId, width = 440, busy }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const previouslyFocused = useRef<Element | null>(null);
  const lastFocused = useRef<HTMLElement | null>(null);

  useEffect(() => {
    previouslyFocused.current = document.activeElement;
    const el = ref.current;
    const first =
      el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>('input, textarea, select, button');
    first?.focus();
    return () => {
      const prev = previouslyFocused.current;
      if (prev instanceof HTMLElement && prev.isConnected) prev.focus();
    };
  }, []);

  // A focused button that gets disabled while busy ("Testing…") drops focus to <body>, where
  // Escape and the Tab trap no longer reach the dialog: bring focus back once it is enabled again.
  useEffect(() => {
    const el = ref.current;
    const active = document.activeElement;
    if (!el || (active && active !== document.body)) return;
    const last = lastFocused.current;
    if (last && last.isConnected && el.contains(last) && !last.hasAttribute('disabled')) last.focus();
    else el.focus();
  });

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape' && !busy) {
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key === 'Tab' && ref.current) {
      const focusables = Array.from(
        ref.current.querySelectorAll<HTMLElement>('button, input, textarea, select, [tabindex]:not([tabindex="-1"])'),
      ).filter((x) => !x.hasAttribute('disabled'));
      if (focusables.length === 0) return;
      const first = focusables[0];
      const last = focusables[focusables.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        style={{ width }}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          if (e.target instanceof HTMLElement && e.target !== e.currentTarget) lastFocused.current = e.target;
        }}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        {footer ? <div className="dialog-footer">{footer}</div> : null}
      </div>
    </div>
  );
}
