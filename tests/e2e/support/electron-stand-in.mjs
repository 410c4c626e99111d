/**
 * Loaded with `node --import` before the BUILT main bundle (out/main/index.js), in a child
 * process forked by tests/e2e/support/built-app.ts: stands in for the `electron` module (no
 * Electron binary exists here) and marks the process as Electron's main process, so the bundle
 * starts itself exactly as it does in the app. Everything the app does to Electron is recorded
 * and reported to the test over the fork's IPC channel; the test can invoke the IPC handlers and
 * the app:// protocol handler the app registered, and quit the app.
 *
 * Plain JavaScript on purpose: nothing here is transpiled, the bundle runs in plain Node.
 */
import { EventEmitter } from 'node:events';
import Module from 'node:module';

const USER_DATA = process.env.STAND_IN_USER_DATA;
if (!USER_DATA) throw new Error('STAND_IN_USER_DATA is not set');

const send = (message) => process.send?.(message);
/** JSON-safe copy: functions become the string "[function]". */
const plain = (value) => JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'function' ? '[function]' : v)) ?? 'null');

const record = { calls: [], windows: [], handled: [], protocols: [], privileged: [], menu: null, readyResolved: false };
let order = 0;
const called = (name, args = []) => {
  record.calls.push({ name, order: ++order });
  send({ type: 'call', name, args: plain(args) });
};

class WebContents extends EventEmitter {
  mainFrame = { processId: 1, routingId: 1 };
  openHandler = null;
  setWindowOpenHandler(fn) {
    this.openHandler = fn;
  }
  send(channel, payload) {
    send({ type: 'event', channel, payload: plain(payload) });
  }
  isDestroyed() {
    return false;
  }
  isCrashed() {
    return false;
  }
  reload() {
    called('webContents.reload');
  }
}

class BrowserWindow extends EventEmitter {
  static all = [];
  static getAllWindows = () => BrowserWindow.all;
  webContents = new WebContents();
  constructor(options) {
    super();
    BrowserWindow.all.push(this);
    record.windows.push(plain(options));
    send({ type: 'window', options: plain(options) });
  }
  loadURL(url) {
    send({ type: 'load', url });
    return Promise.resolve();
  }
  loadFile(file) {
    send({ type: 'load', file });
    return Promise.resolve();
  }
  visible = false;
  show() {
    this.visible = true;
    this.emit('show');
  }
  isVisible() {
    return this.visible;
  }
  focus() {}
  restore() {}
  close() {}
  maximize() {}
  isFocused() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isMaximized() {
    return false;
  }
  isDestroyed() {
    return false;
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: 1280, height: 800 };
  }
}

const handlers = new Map();
const protocolHandlers = new Map();
let quitting = null;

const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  name: 'etcd-desktop',
  requestSingleInstanceLock: () => (called('app.requestSingleInstanceLock'), true),
  enableSandbox: () => called('app.enableSandbox'),
  getPath: (name) => (name === 'userData' || name === 'appData' || name === 'logs' ? USER_DATA : USER_DATA),
  getVersion: () => '0.0.0-built-app-test',
  getName: () => 'etcd-desktop',
  isReady: () => record.readyResolved,
  whenReady: () => {
    called('app.whenReady');
    return Promise.resolve().then(() => {
      record.readyResolved = true;
      send({ type: 'ready' });
    });
  },
  quit: () => {
    called('app.quit');
    // The first quit is the app's own before-quit dance (it prevents, disposes, quits again).
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    app.emit('before-quit', event);
    if (!event.defaultPrevented) {
      send({ type: 'quit' });
      setImmediate(() => process.exit(0));
    }
  },
  exit: (code) => {
    called('app.exit', [code]);
    process.exit(code ?? 0);
  },
});

const electron = {
  app,
  BrowserWindow,
  ipcMain: {
    handle: (channel, fn) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, fn);
      record.handled.push(channel);
    },
    removeHandler: (channel) => handlers.delete(channel),
    on: (channel) => called('ipcMain.on', [channel]),
  },
  Menu: {
    buildFromTemplate: (template) => ({ template }),
    setApplicationMenu: (menu) => {
      record.menu = plain(menu?.template ?? null);
      send({ type: 'menu', template: record.menu });
    },
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => {
      called('protocol.registerSchemesAsPrivileged', [schemes]);
      record.privileged.push(...plain(schemes));
    },
    handle: (scheme, fn) => {
      called('protocol.handle', [scheme]);
      protocolHandlers.set(scheme, fn);
      record.protocols.push(scheme);
    },
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: () => called('session.setPermissionRequestHandler'),
      setPermissionCheckHandler: () => called('session.setPermissionCheckHandler'),
      webRequest: { onHeadersReceived: () => called('session.webRequest.onHeadersReceived') },
    },
  },
  Notification: class {
    static isSupported() {
      return true;
    }
    constructor(options) {
      this.options = plain(options);
    }
    on() {
      return this;
    }
    show() {
      called('Notification.show', [this.options]);
    }
  },
  safeStorage: {
    isEncryptionAvailable: () => false,
    getSelectedStorageBackend: () => 'basic_text',
    encryptString: () => {
      throw new Error('no encryption in the stand-in');
    },
    decryptString: () => {
      throw new Error('no encryption in the stand-in');
    },
  },
  shell: {
    openExternal: async (url) => called('shell.openExternal', [url]),
    openPath: async (path) => (called('shell.openPath', [path]), ''),
  },
  dialog: { showMessageBox: async (...args) => (called('dialog.showMessageBox', args.slice(-1)), { response: 1, checkboxChecked: false }) },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
};

// `require('electron')` from the bundle (or anything it loads) gets the stand-in.
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'electron' || request.startsWith('electron/')) return electron;
  return load.call(this, request, parent, isMain);
};

// What Electron's main process looks like to the bundle's start-up check.
process.versions.electron = '45.5.0';
process.type = 'browser';

process.on('message', async (msg) => {
  try {
    if (msg.type === 'invoke') {
      const fn = handlers.get(msg.channel);
      if (!fn) throw new Error(`no handler for ${msg.channel}`);
      const result = await fn({ senderFrame: msg.frame, sender: BrowserWindow.all[0]?.webContents }, msg.req);
      send({ type: 'result', id: msg.id, result: plain(result) });
    } else if (msg.type === 'serve') {
      const fn = protocolHandlers.get(msg.scheme);
      if (!fn) throw new Error(`no protocol handler for ${msg.scheme}`);
      const res = await fn(new Request(msg.url, { method: msg.method }));
      const body = Buffer.from(await res.arrayBuffer()).toString('base64');
      send({ type: 'result', id: msg.id, result: { status: res.status, headers: [...res.headers], body } });
    } else if (msg.type === 'report') {
      send({ type: 'result', id: msg.id, result: plain(record) });
    } else if (msg.type === 'quit') {
      quitting ??= app.quit();
    }
  } catch (err) {
    send({ type: 'result', id: msg.id, error: String(err?.stack ?? err) });
  }
});
