/**
 * Cluster alerts as OS notifications, only while the window is in the background (hidden,
 * minimized or not focused): in front, the status bar and the cluster view already say it.
 * Clicking one brings the window back.
 */
import type { ClusterAlert } from '../../core/cluster-alerts';

export interface NotificationApi {
  isSupported(): boolean;
  create(options: { title: string; body: string }): { show(): void; on(event: 'click', listener: () => void): unknown };
}

export interface WindowLike {
  isFocused(): boolean;
  isVisible(): boolean;
  isMinimized(): boolean;
  show(): void;
  focus(): void;
}

export function createAlertNotifier(api: NotificationApi, window: () => WindowLike | null): (alert: ClusterAlert) => boolean {
  return (alert) => {
    const w = window();
    const inFront = w !== null && w.isVisible() && !w.isMinimized() && w.isFocused();
    if (inFront || !api.isSupported()) return false;
    const n = api.create({ title: alert.title, body: alert.body });
    n.on('click', () => {
      const cur = window();
      cur?.show();
      cur?.focus();
    });
    n.show();
    return true;
  };
}
