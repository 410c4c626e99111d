/** The CSP module: the policies, and how they are put into a page or a response. */
import { describe, expect, it } from 'vitest';
import { CSP, CSP_DIRECTIVES, DEV_CSP, DEV_CSP_DIRECTIVES, serializeCsp, setCspMeta, withCsp } from '../../../src/shared/csp';

const directive = (policy: string, name: string) =>
  policy
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

describe('the policies', () => {
  it('the production policy allows no inline or remote script', () => {
    expect(directive(CSP, 'script-src')).toBe("script-src 'self'");
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).not.toContain('unsafe-eval');
  });

  it('is exactly this (loosening it should be a decision, made here too)', () => {
    expect(CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; " +
        "frame-src 'none'; worker-src 'none'; manifest-src 'none'",
    );
  });

  it('dev differs only where Vite needs it: inline script and the HMR websocket on localhost', () => {
    const changed = Object.keys(DEV_CSP_DIRECTIVES).filter(
      (name) => DEV_CSP_DIRECTIVES[name].join(' ') !== CSP_DIRECTIVES[name]?.join(' '),
    );
    expect(changed).toEqual(['script-src', 'connect-src']);
    expect(Object.keys(DEV_CSP_DIRECTIVES)).toEqual(Object.keys(CSP_DIRECTIVES));
    expect(directive(DEV_CSP, 'script-src')).toBe("script-src 'self' 'unsafe-inline'");
    expect(directive(DEV_CSP, 'connect-src')).toBe("connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
    expect(DEV_CSP).not.toContain('unsafe-eval');
  });

  it('serializes directives in written order', () => {
    expect(serializeCsp({ 'default-src': ["'none'"], 'img-src': ["'self'", 'data:'] })).toBe("default-src 'none'; img-src 'self' data:");
  });
});

describe('setCspMeta', () => {
  const page = (meta: string) => `<html><head><meta charset="UTF-8" />${meta}<title>t</title></head><body></body></html>`;

  it('replaces the policy of the one CSP meta, leaving the rest of the page alone', () => {
    const html = page(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'" />`);
    expect(setCspMeta(html, CSP)).toBe(page(`<meta http-equiv="Content-Security-Policy" content="${CSP}" />`));
  });

  it('finds it whatever the attribute order, case or quoting', () => {
    const html = page(`<META content='x' HTTP-EQUIV=content-security-policy>`);
    expect(setCspMeta(html, 'p')).toBe(page(`<META content="p" HTTP-EQUIV=content-security-policy>`));
  });

  it('escapes the policy for the attribute', () => {
    expect(setCspMeta(page(`<meta http-equiv="Content-Security-Policy" content="">`), `a"<&`)).toContain(
      'content="a&quot;&lt;&amp;"',
    );
  });

  it.each([
    ['no CSP meta', page('')],
    ['two CSP metas', page(`<meta http-equiv="Content-Security-Policy" content="a"><meta http-equiv="Content-Security-Policy" content="b">`)],
    ['a CSP meta without content', page(`<meta http-equiv="Content-Security-Policy">`)],
  ])('refuses a page with %s', (_name, html) => {
    expect(() => setCspMeta(html, CSP)).toThrow(/Content-Security-Policy/);
  });
});

describe('withCsp', () => {
  it('replaces any CSP header whatever its case', () => {
    const h = withCsp({ 'content-security-policy': ['x'], 'Content-Type': ['text/html'] }, DEV_CSP);
    expect(h).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [DEV_CSP] });
    expect(withCsp(undefined, 'p')).toEqual({ 'Content-Security-Policy': ['p'] });
  });
});
