'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { createServer } = require('../server.js');

test('answers /health', async () => {
  const server = createServer().listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${server.address().port}/health`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'ok\n');
  } finally {
    server.close();
  }
});
