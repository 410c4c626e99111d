import { useEffect, useState } from 'react';
import { useAppStore } from './store-context';

const query = '(prefers-color-scheme: dark)';

function systemDark(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia(query).matches;
}

/** The effective scheme: the user's choice, or the OS setting (followed live). */
export function useColorScheme(): 'light' | 'dark' {
  const choice = useAppStore((s) => s.theme);
  const [dark, setDark] = useState(systemDark);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia(query);
    const onChange = () => setDark(mq.matches);
    mq.addEventListener?.('change', onChange);
    return () => mq.removeEventListener?.('change', onChange);
  }, []);
  if (choice === 'light' || choice === 'dark') return choice;
  return dark ? 'dark' : 'light';
}
