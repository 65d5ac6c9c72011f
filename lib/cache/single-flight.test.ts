import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSingleFlight } from './single-flight';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('singleFlight', () => {
  it('shares one in-flight promise between concurrent callers', async () => {
    const flight = createSingleFlight();
    const d = deferred<number>();
    let calls = 0;
    const fn = () => ((calls += 1), d.promise);
    const a = flight('k', fn);
    const b = flight('k', fn);
    d.resolve(7);
    assert.deepEqual(await Promise.all([a, b]), [7, 7]);
    assert.equal(calls, 1);
  });

  it('starts a new call after the previous one settled, and keeps keys apart', async () => {
    const flight = createSingleFlight();
    let calls = 0;
    const fn = async () => ++calls;
    assert.equal(await flight('k', fn), 1);
    assert.equal(await flight('k', fn), 2);
    assert.deepEqual(await Promise.all([flight('a', fn), flight('b', fn)]), [3, 4]);
  });

  it('shares a failure but does not remember it', async () => {
    const flight = createSingleFlight();
    let calls = 0;
    const fail = async () => {
      calls += 1;
      throw new Error('boom');
    };
    const results = await Promise.allSettled([flight('k', fail), flight('k', fail)]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(calls, 1);
    assert.equal(await flight('k', async () => 'ok'), 'ok');
  });
});
