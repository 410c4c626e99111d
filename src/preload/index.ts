/**
 * The preload: exposes exactly the contract's API under `window.etcd`, nothing else (no
 * raw ipcRenderer, and listeners never see the IpcRendererEvent).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_KEY } from '../shared/contract';
import { buildApi } from './build-api';

const api = buildApi(
  (channel, req) => ipcRenderer.invoke(channel, req),
  (event, listener) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld(API_KEY, api);
