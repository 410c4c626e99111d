/**
 * When rendering throws, a readable screen instead of a blank window: what happened, Reload,
 * and the way to the log, where the error was written (redacted by main). Nothing of the
 * error's text is shown: it may hold a key or a value that was on screen.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { EtcdClient } from '../api/etcd-client';

interface Props {
  readonly client: Pick<EtcdClient, 'app'>;
  readonly reload?: () => void;
  readonly children?: ReactNode;
}

interface State {
  readonly failed: boolean;
  readonly logFolder: 'idle' | 'opening' | 'failed';
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false, logFolder: 'idle' };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    void this.props.client.app.reportError({
      source: 'boundary',
      message: String(error?.message ?? error).slice(0, 2000),
      ...(error?.stack ? { stack: error.stack.slice(0, 16_000) } : {}),
      ...(info.componentStack ? { componentStack: info.componentStack.slice(0, 16_000) } : {}),
    });
  }

  private openLog = async (): Promise<void> => {
    this.setState({ logFolder: 'opening' });
    const r = await this.props.client.app.openLogFolder();
    this.setState({ logFolder: r.ok ? 'idle' : 'failed' });
  };

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const reload = this.props.reload ?? (() => window.location.reload());
    return (
      <main className="crash-screen" role="alert" aria-labelledby="crash-title">
        <h1 id="crash-title">Something went wrong in this window</h1>
        <p>
          The app hit an error it did not expect and stopped drawing this screen. Nothing was written to etcd because of it: edits you had
          not saved are lost, saved ones are safe. Reloading the window starts it again; the error is in the log.
        </p>
        <div className="crash-actions">
          <button type="button" className="primary" onClick={reload}>
            Reload
          </button>
          <button type="button" onClick={() => void this.openLog()} disabled={this.state.logFolder === 'opening'}>
            Open log folder
          </button>
        </div>
        {this.state.logFolder === 'failed' ? <p className="field-error">The log folder could not be opened. It is in the app's data folder, under “logs”.</p> : null}
      </main>
    );
  }
}

/** Errors outside React's render (event handlers, timers, promises) go to the log too. */
export function reportWindowErrors(client: Pick<EtcdClient, 'app'>, target: Pick<Window, 'addEventListener'> = window): void {
  target.addEventListener('error', (e: ErrorEvent) => {
    const err = e.error as Error | undefined;
    void client.app.reportError({ source: 'window', message: String(err?.message ?? e.message ?? 'error').slice(0, 2000), ...(err?.stack ? { stack: err.stack.slice(0, 16_000) } : {}) });
  });
  target.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
    const err = e.reason as Error | undefined;
    void client.app.reportError({ source: 'rejection', message: String(err?.message ?? err ?? 'rejection').slice(0, 2000), ...(err?.stack ? { stack: err.stack.slice(0, 16_000) } : {}) });
  });
}
