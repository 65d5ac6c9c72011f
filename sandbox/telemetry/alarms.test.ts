import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlarmBook, evaluateAlarm, nextAlarmState, type AlarmConfig, type Datapoint } from './alarms';

const T0 = Date.UTC(2026, 10, 27, 10, 0);
const points = (...values: (number | undefined)[]): Datapoint[] => values.map((value, i) => ({ timestamp: T0 + i * 60_000, value }));
const config = (over: Partial<AlarmConfig> = {}): AlarmConfig => ({
  name: 'Codeflow-HighLatency',
  actionsEnabled: true,
  okActions: [],
  alarmActions: [],
  insufficientDataActions: [],
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  threshold: 0.5,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'missing',
  ...over,
});

describe('alarm evaluation', () => {
  it('goes to ALARM on M breaching datapoints out of N and back to OK below M', () => {
    assert.equal(nextAlarmState(config(), points(0.1, 0.9, 0.8)), 'ALARM');
    assert.equal(nextAlarmState(config(), points(0.9, 0.1, 0.2)), 'OK');
    assert.equal(nextAlarmState(config({ datapointsToAlarm: undefined }), points(0.9, 0.9, 0.2)), 'OK', 'without DatapointsToAlarm, all N must breach');
    assert.equal(nextAlarmState(config({ comparisonOperator: 'GreaterThanOrEqualToThreshold' }), points(0.5, 0.5, 0)), 'ALARM');
    assert.equal(nextAlarmState(config({ comparisonOperator: 'LessThanThreshold', threshold: 1 }), points(0, 0, 5)), 'ALARM');
  });

  it('treats missing data as configured', () => {
    const none = points(undefined, undefined, undefined);
    assert.equal(nextAlarmState(config({ treatMissingData: 'missing' }), none), 'INSUFFICIENT_DATA');
    assert.equal(nextAlarmState(config({ treatMissingData: 'notBreaching' }), none), 'OK');
    assert.equal(nextAlarmState(config({ treatMissingData: 'breaching' }), none), 'ALARM');
    assert.equal(nextAlarmState(config({ treatMissingData: 'ignore' }), none), null, 'ignore keeps the current state');
    assert.equal(nextAlarmState(config({ treatMissingData: 'breaching' }), points(0.9, undefined, 0.1)), 'ALARM', 'a missing point counts as breaching');
    assert.equal(nextAlarmState(config({ treatMissingData: 'missing' }), points(0.9, undefined, 0.1)), 'OK', 'missing points are left out');
  });

  it('explains a transition as CloudWatch does', () => {
    const evaluation = evaluateAlarm(config(), 'OK', points(0.1, 0.9, 0.8), T0 + 180_000)!;
    assert.equal(evaluation.state, 'ALARM');
    assert.equal(
      evaluation.reason,
      'Threshold Crossed: 2 out of the last 3 datapoints [0.8 (27/11/26 10:02:00), 0.9 (27/11/26 10:01:00)] were greater than the threshold (0.5) (minimum 2 datapoints for OK -> ALARM transition).',
    );
    assert.deepEqual(evaluation.reasonData.recentDatapoints, [0.1, 0.9, 0.8]);
    assert.equal(evaluation.reasonData.startDate, '2026-11-27T10:00:00.000+0000');
  });

  it('records StateUpdate history with the JSON AWS uses, and ConfigurationUpdate on put', () => {
    const book = new AlarmBook('us-east-1');
    const alarm = book.put(config(), T0);
    assert.equal(alarm.state, 'INSUFFICIENT_DATA');
    assert.equal(alarm.arn, 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Codeflow-HighLatency');
    assert.equal(book.setState(alarm, 'ALARM', 'Threshold Crossed', '{"version":"1.0"}', T0 + 60_000), true);
    assert.equal(book.setState(alarm, 'ALARM', 'again', undefined, T0 + 120_000), false, 'the same state is not a transition');
    book.put(config({ threshold: 1 }), T0 + 180_000);
    const [created, stateUpdate, updated] = book.historyOf('Codeflow-HighLatency');
    assert.equal(created!.type, 'ConfigurationUpdate');
    assert.equal(created!.summary, 'Alarm "Codeflow-HighLatency" created');
    assert.equal(JSON.parse(created!.data).type, 'Create');
    assert.equal(stateUpdate!.summary, 'Alarm updated from INSUFFICIENT_DATA to ALARM');
    const data = JSON.parse(stateUpdate!.data);
    assert.equal(data.version, '1.0');
    assert.equal(data.oldState.stateValue, 'INSUFFICIENT_DATA');
    assert.equal(data.newState.stateValue, 'ALARM');
    assert.deepEqual(data.newState.stateReasonData, { version: '1.0' });
    assert.equal(JSON.parse(updated!.data).type, 'Update');
    assert.equal(book.alarms.get('Codeflow-HighLatency')!.state, 'ALARM', 'an update keeps the state until the next evaluation');
  });
});
