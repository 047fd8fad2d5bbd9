// For `runner: k6` (tests/it/e2e_performance_k6.rs): 50 requests a second
// to web's slow endpoint for 3 s, at the URL exo gives as WEB_URL. The
// latency threshold is loose unless LATENCY_LIMIT_MS tightens it.
import http from 'k6/http';

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnit: '1s',
      duration: '3s',
      // Enough for 2 s answers on a busy machine: no iteration is dropped.
      preAllocatedVUs: 100,
    },
  },
  thresholds: {
    http_req_duration: [`p(95)<${__ENV.LATENCY_LIMIT_MS || 10000}`],
    http_req_failed: ['rate<0.05'],
  },
};

export default function () {
  http.get(`${__ENV.WEB_URL}/cgi-bin/slow`);
}
