import { promises as fs } from 'node:fs';
import type { TlsSettings } from '../../../shared/types';
import { failure } from './errors';

/** Reads the TLS files a profile names; a missing or unreadable file is the user's to fix. */
/** PEM certificates and keys are a few KB; a chain of many is still far below this. */
export const TLS_FILE_MAX_BYTES = 1024 * 1024;

const labels: Record<string, string> = { caFile: 'CA file', certFile: 'client certificate', keyFile: 'client key' };

export async function readTlsFiles(
  tls: TlsSettings | undefined,
): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer; serverName?: string } | undefined> {
  if (!tls || !(tls.caFile || tls.certFile || tls.keyFile)) return undefined;
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) {
    throw failure('INVALID_ARGUMENT', 'A client certificate needs its key, and a key needs its certificate.', {
      field: tls.certFile ? 'tls.keyFile' : 'tls.certFile',
    });
  }
  const read = async (path: string | undefined, field: string): Promise<Buffer | undefined> => {
    if (!path) return undefined;
    const label = labels[field];
    const bad = (why: string) => failure('INVALID_ARGUMENT', `The ${label} ${path} ${why}.`, { field: `tls.${field}` });
    // Checked before reading: a directory, a device or a FIFO would fail oddly or block.
    let info;
    try {
      info = await fs.stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw bad(code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : 'cannot be opened');
    }
    if (!info.isFile()) throw bad(info.isDirectory() ? 'is a folder, not a file' : 'is not a regular file');
    if (info.size === 0) throw bad('is empty');
    if (info.size > TLS_FILE_MAX_BYTES) throw bad(`is ${Math.round(info.size / 1024)} KB: too large for a certificate or key (at most ${TLS_FILE_MAX_BYTES / 1024} KB)`);
    try {
      return await fs.readFile(path);
    } catch (err) {
      throw bad((err as NodeJS.ErrnoException).code === 'EACCES' ? 'cannot be read (permission denied)' : 'cannot be read');
    }
  };
  return {
    ca: await read(tls.caFile, 'caFile'),
    cert: await read(tls.certFile, 'certFile'),
    key: await read(tls.keyFile, 'keyFile'),
    ...(tls.serverName ? { serverName: tls.serverName } : {}),
  };
}
