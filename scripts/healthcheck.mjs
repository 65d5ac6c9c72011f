#!/usr/bin/env node
// The container's health check (Dockerfile HEALTHCHECK and the ECS task definition's healthCheck):
// healthy while the server answers /api/health with its health document. 200 is healthy; 503 means
// AWS is unreachable from the task, and the server is still the right place to say so — replacing
// the task would not bring AWS back, so that counts as alive too. No curl in the slim image.
const port = process.env.PORT || '3000';
const url = `http://127.0.0.1:${port}/api/health`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  const body = await response.json().catch(() => null);
  const alive = (response.status === 200 || response.status === 503) && body !== null && typeof body.status === 'string';
  if (!alive) console.error(`healthcheck: ${url} answered ${response.status}`);
  process.exit(alive ? 0 : 1);
} catch (e) {
  console.error(`healthcheck: ${url} did not answer: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
