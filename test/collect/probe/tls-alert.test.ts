// The TLS alert a server sent, read the same from every OpenSSL version Node links.
import { describe, expect, it } from 'vitest';
import { receivedAlert } from '../../../src/collect/probe/tls-connect.js';

describe('receivedAlert', () => {
  it("reads etcd's bad_certificate alert as Node 20 (OpenSSL 3.0) and Node 22 (OpenSSL 3.5) report it", () => {
    // The two errors as each Node version raised them against etcd with --client-cert-auth.
    const node20 = {
      code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
      message:
        '801CA93BA77F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n',
    };
    const node22 = {
      code: 'ERR_SSL_SSL/TLS_ALERT_BAD_CERTIFICATE',
      message:
        'C0EC8195367F0000:error:0A000412:SSL routines:ssl3_read_bytes:ssl/tls alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 42\n',
    };
    expect(receivedAlert(node20)).toBe(42);
    expect(receivedAlert(node22)).toBe(42);
  });

  it("falls back to the code's last words when the message has no alert number, and is undefined for other errors", () => {
    expect(receivedAlert({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: 'x' })).toBe(116);
    expect(receivedAlert({ code: 'ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE', message: 'x' })).toBe(40);
    expect(receivedAlert({ code: 'ECONNRESET', message: 'read ECONNRESET' })).toBeUndefined();
    expect(receivedAlert({ message: 'socket hang up' })).toBeUndefined();
  });
});
