'use strict';

const http = require('node:http');

// Answers every request; add routes here.
function handle(request, response) {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok\n');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ service: '__role__', application: '__app__' }) + '\n');
}

function createServer() {
  return http.createServer(handle);
}

if (require.main === module) {
  const port = Number(process.env.PORT || 3000);
  const server = createServer().listen(port, () => {
    console.log(`__role__ listening on port ${port}`);
  });
  // Compose stops containers with SIGTERM; close so that it exits at once.
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

module.exports = { createServer };
