import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupsOf, identityIssuer, refusesSandboxIdentity, SANDBOX_ISSUER, secureCookies } from './identity-rules';

describe('sign-in rules', () => {
  it('refuses sandbox identities unless Codeflow runs on its sandbox', () => {
    assert.equal(refusesSandboxIdentity({ codeflow_sandbox: true }, { allowSandboxIdentities: false }), true);
    assert.equal(refusesSandboxIdentity({ codeflow_sandbox: true }, { allowSandboxIdentities: true }), false);
    assert.equal(refusesSandboxIdentity({}, { allowSandboxIdentities: false }), false);
  });

  it('pins sandbox people to one issuer name; others keep their IdP’s issuer', () => {
    assert.equal(identityIssuer({ iss: 'http://127.0.0.1:41234/oidc', codeflow_sandbox: true }, 'x'), SANDBOX_ISSUER);
    assert.equal(identityIssuer({ iss: 'https://acme.okta.com/oauth2/default' }, 'x'), 'https://acme.okta.com/oauth2/default');
  });

  it('reads groups from a list or a delimited string, ignoring junk', () => {
    assert.deepEqual(groupsOf({ groups: ['a', 1, 'b'] }, 'groups'), ['a', 'b']);
    assert.deepEqual(groupsOf({ roles: 'a b,c' }, 'roles'), ['a', 'b', 'c']);
    assert.deepEqual(groupsOf({}, 'groups'), []);
  });

  it('uses Secure cookies everywhere but plain-HTTP loopback', () => {
    assert.equal(secureCookies('http://localhost:3000'), false);
    assert.equal(secureCookies('http://127.0.0.1:3000'), false);
    assert.equal(secureCookies('https://codeflow.example.com'), true);
    assert.equal(secureCookies('http://codeflow.internal:3000'), true);
  });
});
