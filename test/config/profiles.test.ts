import { describe, expect, it } from 'vitest';
import { validateBaseUrl } from '../../src/config/profiles.js';
import { UsageError } from '../../src/errors.js';

describe('base URL check', () => {
  it('accepts https anywhere and plain http only on loopback', () => {
    expect(validateBaseUrl('https://sandbox.apihub.citi.com/gcb/api/')).toBe('https://sandbox.apihub.citi.com/gcb/api');
    expect(validateBaseUrl('http://127.0.0.1:8080/gcb/api')).toBe('http://127.0.0.1:8080/gcb/api');
    expect(validateBaseUrl('http://localhost:1/gcb/api')).toBe('http://localhost:1/gcb/api');
    expect(() => validateBaseUrl('http://example.com/gcb/api')).toThrow(UsageError);
    expect(() => validateBaseUrl('http://example.com/gcb/api')).toThrow(/Refusing plain http to example.com/);
    expect(() => validateBaseUrl('not a url')).toThrow(/Invalid base URL/);
  });
});
