import { describe, expect, test } from 'vitest';
import { createRecorder } from './load-recorder.ts';

describe('createRecorder', () => {
  test('latency by operation: nearest-rank p50 and p99, mean and max to a tenth of a millisecond', () => {
    const recorder = createRecorder();
    for (const ms of [5, 1, 3, 2, 4]) recorder.record({ operation: 'GET /a', ms, status: '200', ok: true });
    // 1.04 ... 100.04: p50 is the 50th value, p99 the 99th.
    for (let i = 100; i >= 1; i--) recorder.record({ operation: 'GET /b', ms: i + 0.04, status: '200', ok: true });
    const { operations } = recorder.summary();

    expect(operations).toEqual([
      {
        operation: 'GET /a',
        count: 5,
        p50Ms: 3,
        p99Ms: 5,
        meanMs: 3,
        maxMs: 5,
        statuses: { 200: 5 },
        errors: {},
        nonConforming: 0,
      },
      {
        operation: 'GET /b',
        count: 100,
        p50Ms: 50,
        p99Ms: 99,
        meanMs: 50.5,
        maxMs: 100,
        statuses: { 200: 100 },
        errors: {},
        nonConforming: 0,
      },
    ]);
    expect(recorder.requests).toBe(105);
  });

  test('errors grouped by operation and status, with the first example; findings are errors but not requests', () => {
    const recorder = createRecorder();
    const poll = 'GET /compute/{system_name}/jobs/{job_id}';
    recorder.record({ operation: 'GET /a', ms: 2, status: '200', ok: true, nonConforming: true });
    recorder.record({ operation: 'GET /a', ms: 4, status: '503', ok: false, example: 'first 503' });
    recorder.record({ operation: 'GET /a', ms: 6, status: '503', ok: false, example: 'second 503' });
    recorder.record({ operation: 'GET /a', ms: 8, status: 'network', ok: false });
    recorder.record({ operation: poll, ms: 1, status: '200', ok: true });
    recorder.record({ operation: poll, ms: 0, status: 'job FAILED', ok: false, example: 'FAILED' });
    recorder.record({ operation: 'GET /download', ms: 0, status: 'content', ok: false, example: '3 bytes' });
    recorder.record({ operation: 'DELETE /rm', ms: 3, status: '204', ok: true, cleanup: true });
    const summary = recorder.summary();

    expect(summary.errors).toEqual([
      { operation: 'GET /a', status: '503', count: 2, example: 'first 503' },
      { operation: 'GET /a', status: 'network', count: 1, example: '' },
      { operation: poll, status: 'job FAILED', count: 1, example: 'FAILED' },
      { operation: 'GET /download', status: 'content', count: 1, example: '3 bytes' },
    ]);
    expect(summary.requests).toBe(6);
    expect(summary.errorCount).toBe(5);
    expect(summary.cleanupRequests).toBe(1);
    const a = summary.operations.find((o) => o.operation === 'GET /a');
    expect(a).toMatchObject({ count: 4, statuses: { 200: 1, 503: 2, network: 1 }, errors: { 503: 2, network: 1 } });
    expect(a?.nonConforming).toBe(1);
    // A finding about an answer already counted adds no latency and no status.
    expect(summary.operations.find((o) => o.operation === poll)).toMatchObject({ count: 1, statuses: { 200: 1 } });
    expect(summary.operations.find((o) => o.operation === 'GET /download')).toMatchObject({
      count: 0,
      p50Ms: 0,
      p99Ms: 0,
      meanMs: 0,
      maxMs: 0,
    });
  });
});
