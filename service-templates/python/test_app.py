import threading
import unittest
import urllib.request

from app import make_server


class HealthTest(unittest.TestCase):
    def setUp(self):
        self.server = make_server(0)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_health_answers_ok(self):
        port = self.server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as response:
            self.assertEqual(response.status, 200)
            self.assertEqual(response.read(), b"ok\n")


if __name__ == "__main__":
    unittest.main()
