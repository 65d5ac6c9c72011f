import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseConfig } from '../config';
import { parseIncidentsConfig, tiersFor } from './config';

it('defaults to the guide: matrix, playbooks (p0/p1/p2 + a short P3), no webhooks', () => {
  const c = parseIncidentsConfig();
  assert.deepEqual(tiersFor(c.matrix, 'P0').map((t) => `${t.afterMinutes}:${t.role}`), ['15:on-call', '60:manager', '240:director', '1440:executive']);
  assert.deepEqual(tiersFor(c.matrix, 'P3').map((t) => `${t.afterMinutes}:${t.role}`), ['240:team-lead', '1440:manager']);
  assert.deepEqual(c.playbooks.P0.map((s) => s.label), ['Alert on-call engineer', 'Assess impact and scope', 'Implement temporary mitigation', 'Communicate with stakeholders', 'Begin root cause analysis']);
  assert.deepEqual(c.playbooks.P2.map((s) => s.label), ['Create ticket for next sprint', 'Monitor and document', 'Implement fix in regular cycle']);
  assert.equal(c.playbooks.P3.length, 2);
  assert.deepEqual(c.webhooks, []);
  assert.equal(c.workerIntervalMs, 5000);
});

it('reads the incidents section from codeflow.config.json through lib/config, and webhooks from CODEFLOW_WEBHOOKS', () => {
  const config = parseConfig(
    { CODEFLOW_WEBHOOKS: JSON.stringify([{ name: 'pager', url: 'https://hooks.example/pager', events: ['escalation'], severities: ['P0', 'P1'] }]) },
    {
      incidents: {
        matrix: [{ afterMinutes: 5, roles: { P0: 'on-call' } }, { afterMinutes: 30, roles: { P0: 'manager', P1: 'on-call' } }],
        roster: { 'on-call': { person: 'Dana', contact: '#oncall' } },
        playbooks: { P1: ['Page the team', { id: 'rollback', label: 'Roll back', action: 'rollback' }] },
        webhooks: [{ name: 'slack', url: 'https://hooks.slack.com/services/T/B/X', format: 'slack' }],
      },
    },
  );
  const c = config.incidents;
  assert.deepEqual(tiersFor(c.matrix, 'P1'), [{ afterMinutes: 30, role: 'on-call' }]);
  assert.deepEqual(c.roster['on-call'], { person: 'Dana', contact: '#oncall' });
  assert.equal(c.roster.manager.person, 'Engineering manager');
  assert.deepEqual(c.playbooks.P1, [{ id: 'p1-page-the-team', label: 'Page the team', action: null }, { id: 'rollback', label: 'Roll back', action: 'rollback' }]);
  assert.deepEqual(c.webhooks.map((w) => [w.name, w.format, w.events.join(','), w.severities.join(',')]), [
    ['slack', 'slack', 'open,escalation,acknowledge,resolve,approval', 'P0,P1,P2,P3'],
    ['pager', 'json', 'escalation', 'P0,P1'],
  ]);
});

it('refuses a matrix that pages a role twice, duplicate webhook names and bad CODEFLOW_WEBHOOKS', () => {
  assert.throws(() => parseIncidentsConfig({ matrix: [{ afterMinutes: 15, roles: { P0: 'manager' } }, { afterMinutes: 60, roles: { P0: 'manager' } }] }), /P0 reaches the same role twice/);
  assert.throws(() => parseIncidentsConfig({ webhooks: [{ name: 'a', url: 'https://x.test', format: 'json' }] }, { CODEFLOW_WEBHOOKS: '[{"name":"a","url":"https://y.test"}]' }), /same name/);
  assert.throws(() => parseIncidentsConfig({}, { CODEFLOW_WEBHOOKS: '{nope' }), /CODEFLOW_WEBHOOKS must be a JSON array/);
  assert.throws(() => parseIncidentsConfig({}, { CODEFLOW_WEBHOOKS: '[{"name":"a","url":"ftp://x"}]' }), /CODEFLOW_WEBHOOKS: 0\.url/);
});
