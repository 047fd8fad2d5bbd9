import http from "k6/http";
export default function () { http.get(`${__ENV.WEB_URL}/`); }
