/**
 * A throwaway certificate authority and a server certificate it signed, made with the machine's openssl,
 * for a test broker's TLS listener. A CA apart from the server certificate (not one self-signed leaf) so a
 * client trusts the broker the way it trusts a real cluster: through the CA file it is given. The
 * certificate names 127.0.0.1 and localhost, which Node checks against the address it connected to.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface ServerCertificate {
  /** The CA certificate (PEM): what a client trusts. */
  readonly caPem: string;
  /** The server's private key (PKCS#8) followed by its certificate: a Kafka `ssl.keystore.type=PEM` keystore. */
  readonly keystoreFile: string;
}

const OPENSSL_TIMEOUT_MS = 20_000;

/** Writes a CA and a server certificate for 127.0.0.1/localhost into `dir`, valid for two days. */
export async function makeServerCertificate(dir: string): Promise<ServerCertificate> {
  const file = (name: string) => path.join(dir, name);
  // EC P-256 keys: made in milliseconds, where RSA keys take a noticeable share of a core.
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...key, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=Herald test CA']);
  await openssl(['req', ...key, '-keyout', file('broker.key'), '-out', file('broker.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(file('broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await openssl(['x509', '-req', '-in', file('broker.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', file('broker.ext'), '-out', file('broker.pem')]);
  const keystoreFile = file('broker.keystore.pem');
  writeFileSync(keystoreFile, readFileSync(file('broker.key'), 'utf8') + readFileSync(file('broker.pem'), 'utf8'));
  return { caPem: readFileSync(file('ca.pem'), 'utf8'), keystoreFile };
}

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: OPENSSL_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args[0]} failed: ${error.message}\n${stderr}`.trim()));
      else resolve();
    });
  });
}
