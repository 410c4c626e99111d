// @vitest-environment happy-dom
import { cleanup } from '@testing-library/react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ErrorBoundary, reportWindowErrors } from '../../../src/renderer/src/app/ErrorBoundary';
import { errR, okR } from './fake-api';

function Boom(): never {
  throw new Error('render failed near /registry/secrets/db');
}

function fakeClient(open = okR(undefined as void)) {
  return {
    app: {
      reportError: vi.fn(async () => okR(undefined as void)),
      openLogFolder: vi.fn(async () => open),
    },
  };
}

describe('ErrorBoundary', () => {
  beforeEach(() => vi.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it('a render error shows a readable screen with Reload and Open log folder, and is reported', async () => {
    const client = fakeClient();
    const reload = vi.fn();
    render(
      <ErrorBoundary client={client as never} reload={reload}>
        <Boom />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('alert').textContent).toContain('Something went wrong in this window');
    // the error's own text (which may hold a key) is not shown
    expect(screen.getByRole('alert').textContent).not.toContain('/registry');
    expect(client.app.reportError).toHaveBeenCalledWith(expect.objectContaining({ source: 'boundary', message: expect.stringContaining('render failed') }));
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(reload).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Open log folder' }));
    await waitFor(() => expect(client.app.openLogFolder).toHaveBeenCalledTimes(1));
  });

  it('says where the log is when the folder cannot be opened', async () => {
    const client = fakeClient(errR('INTERNAL') as never);
    render(
      <ErrorBoundary client={client as never}>
        <Boom />
      </ErrorBoundary>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Open log folder' }));
    expect(await screen.findByText(/could not be opened.*“logs”/)).toBeTruthy();
  });

  it('renders its children when nothing fails', () => {
    render(
      <ErrorBoundary client={fakeClient() as never}>
        <p>fine</p>
      </ErrorBoundary>,
    );
    expect(screen.getByText('fine')).toBeTruthy();
  });
});

describe('reportWindowErrors', () => {
  it('reports uncaught errors and unhandled rejections', () => {
    const client = fakeClient();
    const listeners: Record<string, (e: unknown) => void> = {};
    reportWindowErrors(client as never, { addEventListener: (type: string, l: (e: unknown) => void) => (listeners[type] = l) } as never);
    listeners.error({ error: new Error('x'), message: 'x' });
    listeners.unhandledrejection({ reason: new Error('y') });
    expect(client.app.reportError.mock.calls.map((c) => (c as unknown as [{ source: string }])[0].source)).toEqual(['window', 'rejection']);
  });
});
