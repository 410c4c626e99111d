// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileForm } from '../../../src/renderer/src/features/connections/ProfileForm';
import { createAppStore } from '../../../src/renderer/src/app/create-app-store';
import { StoreProvider } from '../../../src/renderer/src/app/store-context';
import type { ProfileInput } from '../../../src/shared/contract';
import { createFakeApi, errR, flush, okR, profile } from './fake-api';

afterEach(cleanup);

async function setup(secretStorage: 'encrypted' | 'unavailable', profiles = [profile('p1', { name: 'prod', username: 'root', hasPassword: true, endpoints: ['https://p1:2379'] })]) {
  const fake = createFakeApi();
  fake.ep['profiles:list'].handle(() => okR({ profiles, secretStorage, notices: [] }));
  const store = createAppStore(fake.api);
  store.getState().init();
  await flush();
  render(
    <StoreProvider store={store}>
      <ProfileForm />
    </StoreProvider>,
  );
  return { fake, store };
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

describe('ProfileForm', () => {
  it('edit: an empty password keeps the saved one; "Clear saved password" sends null', async () => {
    const { fake, store } = await setup('encrypted');
    const saved: ProfileInput[] = [];
    fake.ep['profiles:save'].handle((req) => {
      saved.push(req);
      return okR(profile('p1', { name: req.name, username: 'root', hasPassword: req.password !== null }));
    });
    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    expect(input('Password').placeholder).toBe('•••••• (saved)');
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(saved[0]).toMatchObject({ id: 'p1', name: 'prod', username: 'root' });
    expect('password' in saved[0]).toBe(false);

    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    fireEvent.click(screen.getByTestId('clear-password'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(saved[1].password).toBeNull();
  });

  it('mode: each choice has its one-line explanation; a new profile is normal; editing shows and sends the stored mode', async () => {
    const { fake, store } = await setup('encrypted', [profile('p1', { name: 'prod', mode: 'production', endpoints: ['https://p1:2379'] })]);
    const saved: ProfileInput[] = [];
    fake.ep['profiles:save'].handle((req) => {
      saved.push(req);
      return okR(profile(req.id ?? 'new', { name: req.name, mode: req.mode ?? 'normal' }));
    });
    act(() => store.getState().openProfileForm('add'));
    const radio = (mode: string) => screen.getByTestId(`profile-mode-${mode}`) as HTMLInputElement;
    expect(radio('normal').checked).toBe(true);
    expect(screen.getByTestId('profile-mode').textContent).toMatch(/Production.*type the profile name.*Read-only.*Nothing can be written/);
    fireEvent.change(input('Name'), { target: { value: 'archive' } });
    fireEvent.click(radio('read-only'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(saved[0]).toMatchObject({ name: 'archive', mode: 'read-only' });

    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    expect(radio('production').checked).toBe(true);
    fireEvent.click(radio('normal'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(saved[1]).toMatchObject({ id: 'p1', mode: 'normal' });
  });

  it('splits endpoints on commas and newlines and validates before calling main', async () => {
    const { fake, store } = await setup('encrypted', []);
    act(() => store.getState().openProfileForm('add'));
    fireEvent.change(input('Name'), { target: { value: '' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(fake.ep['profiles:save'].requests).toHaveLength(0);
    expect(screen.getByText('Give the profile a name.')).toBeTruthy();

    fake.ep['profiles:save'].handle((req) => okR(profile('new', { name: req.name })));
    fireEvent.change(input('Name'), { target: { value: 'staging' } });
    fireEvent.change(input('Endpoints'), { target: { value: 'https://a:2379, https://b:2379\nhttps://c:2379' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(fake.ep['profiles:save'].requests[0].endpoints).toEqual(['https://a:2379', 'https://b:2379', 'https://c:2379']);
    expect(fake.ep['profiles:save'].requests[0].id).toBeUndefined();
    expect(store.getState().profileForm).toBeNull();
  });

  it('without secret storage, typing a password offers "Store password unencrypted", mapped to allowPlaintextPassword', async () => {
    const { fake, store } = await setup('unavailable', []);
    act(() => store.getState().openProfileForm('add'));
    expect(screen.queryByTestId('allow-plaintext')).toBeNull();
    fireEvent.change(input('Name'), { target: { value: 'dev' } });
    fireEvent.change(input('Username'), { target: { value: 'root' } });
    fireEvent.change(input('Password'), { target: { value: 's3cret' } });
    expect(screen.getByText('Store password unencrypted on this machine')).toBeTruthy();

    fake.ep['profiles:save'].handle((req) =>
      req.allowPlaintextPassword ? okR(profile('x', { name: req.name })) : errR('SECRET_STORAGE_UNAVAILABLE', 'no keychain'),
    );
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    // Main refused: the form stays, points at the checkbox, and keeps what was typed.
    expect(screen.getByRole('alert').textContent).toContain('Store password unencrypted on this machine');
    expect(input('Password').value).toBe('s3cret');

    fireEvent.click(screen.getByTestId('allow-plaintext'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(fake.ep['profiles:save'].requests.at(-1)).toMatchObject({ password: 's3cret', allowPlaintextPassword: true });
    expect(store.getState().profileForm).toBeNull();
  });

  it('"Test connection" sends the draft and shows version and latency, or the error', async () => {
    const { fake, store } = await setup('encrypted');
    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    fake.ep['profiles:test'].handle(() => okR({ endpoint: 'http://p1:2379', version: '3.5.17', latencyMs: 12.4, clusterId: 'cafe' }));
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-test'));
      await flush();
    });
    expect(fake.ep['profiles:test'].requests[0]).toMatchObject({ id: 'p1', endpoints: ['https://p1:2379'] });
    expect(screen.getByTestId('profile-test-result').textContent).toContain('etcd 3.5.17');
    expect(screen.getByTestId('profile-test-result').textContent).toContain('12 ms');

    fake.ep['profiles:test'].handle(() => errR('AUTH_FAILED', 'authentication failed'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-test'));
      await flush();
    });
    expect(screen.getByTestId('profile-test-result').textContent).toContain('Authentication failed for user “root”');
  });

  it('a password over plain http to another machine is sent only after ticking the consent, which names the host', async () => {
    const { fake, store } = await setup('encrypted', []);
    fake.ep['profiles:save'].handle((req) => okR(profile('new', { name: req.name })));
    act(() => store.getState().openProfileForm('add'));
    fireEvent.change(input('Name'), { target: { value: 'remote' } });
    fireEvent.change(input('Endpoints'), { target: { value: 'http://10.0.0.5:2379' } });
    fireEvent.change(input('Username'), { target: { value: 'root' } });
    // No password yet: nothing to consent to.
    expect(screen.queryByTestId('plain-http-consent')).toBeNull();
    fireEvent.change(input('Password'), { target: { value: 's3cret' } });
    const consent = screen.getByLabelText('Send the password unencrypted over http to 10.0.0.5') as HTMLInputElement;
    expect(consent.checked).toBe(false);

    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-test'));
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(fake.ep['profiles:test'].requests).toHaveLength(0);
    expect(fake.ep['profiles:save'].requests).toHaveLength(0);
    const error = screen.getByText(/Tick the box to send the password unencrypted/);
    // Next to the field: in the password field, described by the checkbox.
    expect(error.closest('.field-control')).toBe(consent.closest('.field-control'));
    expect(consent.getAttribute('aria-describedby')).toBe(error.id);

    fireEvent.click(consent);
    expect(screen.queryByText(/Tick the box/)).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(fake.ep['profiles:save'].requests[0]).toMatchObject({ endpoints: ['http://10.0.0.5:2379'], password: 's3cret' });
  });

  it('the consent follows the hosts: another host unticks it; https or this machine needs none', async () => {
    const { store } = await setup('encrypted', []);
    act(() => store.getState().openProfileForm('add'));
    fireEvent.change(input('Endpoints'), { target: { value: 'http://10.0.0.5:2379' } });
    fireEvent.change(input('Username'), { target: { value: 'root' } });
    fireEvent.change(input('Password'), { target: { value: 's3cret' } });
    fireEvent.click(screen.getByTestId('plain-http-consent'));
    expect((screen.getByTestId('plain-http-consent') as HTMLInputElement).checked).toBe(true);
    fireEvent.change(input('Endpoints'), { target: { value: 'http://10.0.0.5:2379\n10.0.0.6:2379' } });
    expect(screen.getByLabelText('Send the password unencrypted over http to 10.0.0.5, 10.0.0.6')).toBeTruthy();
    expect((screen.getByTestId('plain-http-consent') as HTMLInputElement).checked).toBe(false);
    fireEvent.change(input('Endpoints'), { target: { value: 'https://10.0.0.5:2379' } });
    expect(screen.queryByTestId('plain-http-consent')).toBeNull();
    fireEvent.change(input('Endpoints'), { target: { value: 'http://localhost:2379\n127.0.0.2:2379\nhttp://[::1]:2379' } });
    expect(screen.queryByTestId('plain-http-consent')).toBeNull();
  });

  it('editing a profile whose saved password is kept asks too; clearing the password does not', async () => {
    const { fake, store } = await setup('encrypted', [profile('p1', { name: 'prod', username: 'root', hasPassword: true, endpoints: ['http://10.1.2.3:2379'] })]);
    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    expect(screen.getByLabelText('Send the password unencrypted over http to 10.1.2.3')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-test'));
      await flush();
    });
    expect(fake.ep['profiles:test'].requests).toHaveLength(0);
    fireEvent.click(screen.getByTestId('clear-password'));
    expect(screen.queryByTestId('plain-http-consent')).toBeNull();
  });

  it('TLS files are chosen with the system dialog (the field stays for pasting); the server name is saved with them', async () => {
    const { fake, store } = await setup('encrypted', [profile('p2', { name: 'tls', endpoints: ['https://10.0.0.1:2379'] })]);
    fake.ep['profiles:chooseFile'].handle((req) => okR({ path: req.purpose === 'ca' ? '/pki/ca.pem' : null }));
    const saved: ProfileInput[] = [];
    fake.ep['profiles:save'].handle((req) => {
      saved.push(req);
      return okR(profile('p2', { name: req.name }));
    });
    act(() => store.getState().openProfileForm('edit', store.getState().profiles[0]));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Choose CA file' }));
      await flush();
    });
    expect(fake.ep['profiles:chooseFile'].requests[0]).toEqual({ purpose: 'ca' });
    expect(input('TLS CA file').value).toBe('/pki/ca.pem');
    // a cancelled dialog leaves the field as it was
    fireEvent.change(input('TLS client certificate file'), { target: { value: '/typed/client.pem' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Choose client certificate file' }));
      await flush();
    });
    expect(fake.ep['profiles:chooseFile'].requests[1]).toEqual({ purpose: 'cert', current: '/typed/client.pem' });
    expect(input('TLS client certificate file').value).toBe('/typed/client.pem');
    fireEvent.change(input('TLS client key file'), { target: { value: '/typed/client.key' } });
    fireEvent.change(input('TLS server name'), { target: { value: 'etcd.internal' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('profile-save'));
      await flush();
    });
    expect(saved[0].tls).toEqual({ caFile: '/pki/ca.pem', certFile: '/typed/client.pem', keyFile: '/typed/client.key', serverName: 'etcd.internal' });
  });
});
