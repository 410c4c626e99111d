/** A throwaway PKI for TLS tests, made with the openssl CLI. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface Pki {
  caFile: string;
  caKeyFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** CN=root (so it also names the root user when etcd maps cert CNs to users). */
  clientCertFile: string;
  clientKeyFile: string;
  /** A second, unrelated CA (self-signed), for "wrong CA" tests. */
  otherCaFile: string;
  otherCaKeyFile: string;
}

const OPENSSL_CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
# clientAuth too: etcd 3.4's grpc-gateway dials its own gRPC port with the server cert.
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`openssl ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve();
    });
  });
}

/**
 * A throwaway PKI in `dir` made with the openssl CLI (EC P-256 keys: each step takes a few ms):
 * CA, server cert (SAN IP:127.0.0.1, DNS:localhost; serverAuth+clientAuth), client cert CN=root,
 * and an unrelated second CA.
 */
export async function makePki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  const cnf = path.join(dir, 'openssl.cnf');
  await writeFile(cnf, OPENSSL_CNF);
  const f = (name: string): string => path.join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const selfSignedCa = (base: string, cn: string): Promise<void> =>
    openssl(
      ['req', '-x509', ...ecKey, '-config', cnf, '-extensions', 'v3_ca', '-subj', `/CN=${cn}`, '-days', '3650',
        '-keyout', f(`${base}.key`), '-out', f(`${base}.crt`)],
      dir,
    );
  const leaf = async (base: string, cn: string, ext: string): Promise<void> => {
    await openssl(['req', '-new', ...ecKey, '-config', cnf, '-subj', `/CN=${cn}`, '-keyout', f(`${base}.key`), '-out', f(`${base}.csr`)], dir);
    await openssl(
      ['x509', '-req', '-in', f(`${base}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'),
        '-set_serial', `0x${randomUUID().replace(/-/g, '').slice(0, 16)}`, '-days', '3650',
        '-extfile', cnf, '-extensions', ext, '-out', f(`${base}.crt`)],
      dir,
    );
  };
  await Promise.all([
    selfSignedCa('ca', 'etcd-desktop test CA').then(() =>
      Promise.all([leaf('server', 'localhost', 'v3_server'), leaf('client', 'root', 'v3_client')]),
    ),
    selfSignedCa('other-ca', 'unrelated test CA'),
  ]);
  return {
    caFile: f('ca.crt'),
    caKeyFile: f('ca.key'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
    otherCaFile: f('other-ca.crt'),
    otherCaKeyFile: f('other-ca.key'),
  };
}
