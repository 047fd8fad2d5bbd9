import http from 'k6/http';
import { check } from 'k6';
export const options = {
  scenarios: { steady: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '3s', preAllocatedVUs: 20 } },
  thresholds: {
    http_req_duration: ['p(95)<2000', 'p(99)<1'],
    'http_req_duration{expected_response:true}': ['max<5000'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.9'],
  },
};
export default function () {
  check(http.get(`${__ENV.WEB_URL}/cgi-bin/slow`), { 'status is 200': (r) => r.status === 200 });
  check(http.get(`${__ENV.WEB_URL}/missing`), { 'missing is 404': (r) => r.status === 404 });
}
