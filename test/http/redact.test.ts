import { describe, expect, it } from 'vitest';
import { redactJson, redactQuery } from '../../src/citi/secrets.js';
import { redactBody, redactHeaders, redactUrl, scrub } from '../../src/http/redact.js';

describe('redaction', () => {
  it('hides secret query parameters, JSON fields, form fields and headers', () => {
    expect(redactQuery('a=1&code=xyz&state=s')).toBe('a=1&code=[REDACTED]&state=s');
    // In JSON, `code` is Citi's error code, not an authorization code: it stays.
    expect(redactBody('{"type":"invalid","code":"invalidRequest","details":"x"}', 'application/json')).toBe('{"type":"invalid","code":"invalidRequest","details":"x"}');
    expect(redactBody('grant_type=authorization_code&code=abc', 'application/x-www-form-urlencoded')).toBe('grant_type=authorization_code&code=[REDACTED]');
    expect(redactUrl('http://me:p%40ss@proxy.test:3128/')).toBe('http://me:[REDACTED]@proxy.test:3128/');
    expect(redactHeaders({ 'Proxy-Authorization': 'Basic abc' })).toEqual({ 'Proxy-Authorization': '[REDACTED]' });
    expect(redactJson({ access_token: 't', nested: [{ refresh_token: 'r', keep: 1 }] })).toEqual({
      access_token: '[REDACTED]',
      nested: [{ refresh_token: '[REDACTED]', keep: 1 }],
    });
    expect(redactBody('grant_type=refresh_token&refresh_token=abc', 'application/x-www-form-urlencoded')).toBe(
      'grant_type=refresh_token&refresh_token=[REDACTED]',
    );
    expect(redactHeaders({ Authorization: 'Bearer abc', client_id: 'id', uuid: 'u' })).toEqual({
      Authorization: 'Bearer [REDACTED]',
      client_id: 'id',
      uuid: 'u',
    });
    expect(redactHeaders({ authorization: 'bare-credential' })).toEqual({ authorization: '[REDACTED]' });
    expect(redactBody('opaque text', 'text/plain')).toBe('<11 bytes of text/plain>');
    expect(scrub('token abcdef leaked', ['abcdef'])).toBe('token [REDACTED] leaked');
  });
});
