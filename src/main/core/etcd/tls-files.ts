import { promises as fs } from 'node:fs';
import type { TlsSettings } from '../../../shared/types';
import { failure } from './errors';

/** Reads the TLS files a profile names; a missing or unreadable file is the user's to fix. */
export async function readTlsFiles(tls: TlsSettings | undefined): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined> {
  if (!tls || !(tls.caFile || tls.certFile || tls.keyFile)) return undefined;
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) {
    throw failure('INVALID_ARGUMENT', 'A client certificate needs its key, and a key needs its certificate.', {
      field: tls.certFile ? 'tls.keyFile' : 'tls.certFile',
    });
  }
  const read = async (path: string | undefined, field: string) => {
    if (!path) return undefined;
    try {
      return await fs.readFile(path);
    } catch (err) {
      throw failure('INVALID_ARGUMENT', `Cannot read ${field} "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`, {
        field: `tls.${field}`,
      });
    }
  };
  return { ca: await read(tls.caFile, 'caFile'), cert: await read(tls.certFile, 'certFile'), key: await read(tls.keyFile, 'keyFile') };
}
